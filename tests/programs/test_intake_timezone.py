"""The time zone the browser reports on the intake's first step (a hidden field that js/timezone.js fills in): kept
while the profile still has UTC, never over a zone the runner chose; a name we do not know is dropped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RunnerProfile, User
from tests.factories.accounts import RunnerFactory

pytestmark = pytest.mark.django_db

ABOUT_YOU = {"age": "41", "sex": "female", "units": "km", "nav": "next"}


def _url() -> str:
    return reverse("programs:intake-step", args=["about-you"])


def test_the_intakes_first_step_takes_the_zone_while_the_profile_has_utc(client: Client) -> None:
    runner = RunnerFactory(profile__timezone="UTC")
    client.force_login(runner)
    page = client.get(_url()).content.decode()
    assert 'name="timezone"' in page and "data-browser-timezone" in page
    assert client.post(_url(), ABOUT_YOU | {"timezone": "Not/A_Zone"}).status_code == 302
    assert RunnerProfile.objects.get(user=runner).timezone == "UTC"
    assert client.post(_url(), ABOUT_YOU | {"timezone": "Australia/Sydney"}).status_code == 302
    assert RunnerProfile.objects.get(user=runner).timezone == "Australia/Sydney"


def test_the_intake_never_overwrites_a_zone_the_runner_chose(client: Client, runner: User) -> None:
    chosen = RunnerProfile.objects.get(user=runner).timezone
    assert chosen != "UTC"
    client.force_login(runner)
    client.post(_url(), ABOUT_YOU | {"timezone": "Australia/Sydney"})
    assert RunnerProfile.objects.get(user=runner).timezone == chosen
