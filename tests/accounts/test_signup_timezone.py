"""The time zone the browser reports at sign-up (a hidden field that js/timezone.js fills in) starts the runner's
profile; a name we do not know is dropped and the account starts in UTC, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RunnerProfile
from tests.factories.accounts import RunnerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough test passphrase"


def _sign_up(client: Client, email: str, timezone: str) -> int:
    response = client.post(
        reverse("accounts:signup"), {"email": email, "first_name": "Robin", "password": PASSWORD, "timezone": timezone}
    )
    return response.status_code


def test_the_sign_up_page_has_the_hidden_field_the_script_fills(client: Client) -> None:
    page = client.get(reverse("accounts:signup")).content.decode()
    assert 'type="hidden" name="timezone"' in page and "data-browser-timezone" in page


def test_sign_up_keeps_the_browsers_zone(client: Client) -> None:
    assert _sign_up(client, "sydney@example.test", "Australia/Sydney") == 200
    assert RunnerProfile.objects.get(user__email="sydney@example.test").timezone == "Australia/Sydney"


@pytest.mark.parametrize("reported", ["Mars/Olympus_Mons", "", "x" * 300, "../../etc/passwd"])
def test_a_zone_we_do_not_know_is_dropped_and_the_account_starts_in_utc(client: Client, reported: str) -> None:
    assert _sign_up(client, "elsewhere@example.test", reported) == 200
    assert RunnerProfile.objects.get(user__email="elsewhere@example.test").timezone == "UTC"


def test_an_existing_accounts_zone_is_not_touched_by_a_sign_up_with_its_address(client: Client) -> None:
    existing = RunnerFactory(email="taken@example.test", profile__timezone="Europe/Paris")
    assert _sign_up(client, "taken@example.test", "Australia/Sydney") == 200
    assert RunnerProfile.objects.get(user=existing).timezone == "Europe/Paris"
