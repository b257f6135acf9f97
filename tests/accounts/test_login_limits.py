"""The login lockout: wrong passwords counted per account and per client address on the web login, the admin login
and the API's token endpoint; made-up X-Forwarded-For headers change nothing; the sign-in link still lets the owner in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import ApiToken, User
from rehabplan.client_address import client_address
from tests.conftest import PINNED_NOW
from tests.factories.accounts import RunnerFactory, UserFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
LIMIT = 10  # the tenth wrong password is answered with the lockout already
LOCKOUT_MINUTES = 30
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
LOGIN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def lockout_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits under test, whatever the environment says; DRF's own login rate out of the way, so what refuses
    here is the lockout (the rate has its own tests)."""
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.LOGIN_LOCKOUT_MINUTES = LOCKOUT_MINUTES
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=LOCKOUT_MINUTES)
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "1000/minute")


def _web_login(client: Client, email: str, password: str, **extra: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_twenty_wrong_passwords_then_the_right_one_is_refused_on_the_web_login(client: Client, runner: User) -> None:
    answers = [_web_login(client, runner.email, f"guess {n}").status_code for n in range(20)]
    assert answers == [200] * (LIMIT - 1) + [429] * (21 - LIMIT)

    response = _web_login(client, runner.email, PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)
    assert int(response["Retry-After"]) == LOCKOUT_MINUTES * 60
    text = main_text(response.content)
    assert "Too many wrong passwords" in text and "Send me a sign-in link" in text


def test_the_lockout_ends_after_its_minutes(client: Client, runner: User) -> None:
    for n in range(LIMIT):
        _web_login(client, runner.email, f"guess {n}")
    assert _web_login(client, runner.email, PASSWORD).status_code == 429
    with time_machine.travel(PINNED_NOW + dt.timedelta(minutes=LOCKOUT_MINUTES + 1), tick=False):
        assert _web_login(client, runner.email, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_case_of_the_address_does_not_give_a_fresh_count(client: Client, runner: User) -> None:
    for n in range(LIMIT):
        # Each from its own address, so only the account's count can refuse the last one.
        spelling = runner.email.upper() if n % 2 else f" {runner.email.title()} "
        _web_login(client, spelling, "guess", REMOTE_ADDR=f"192.0.2.{n + 1}")
    assert _web_login(client, runner.email, PASSWORD, REMOTE_ADDR=OWNER).status_code == 429


def test_twenty_wrong_passwords_then_the_right_one_is_refused_on_the_admin_login(client: Client) -> None:
    admin = UserFactory(email="admin@example.test", is_staff=True, is_superuser=True)
    url = reverse("admin:login") + "?next=/admin/"
    answers = [client.post(url, {"username": admin.email, "password": f"guess {n}"}).status_code for n in range(20)]
    assert answers == [200] * (LIMIT - 1) + [429] * (21 - LIMIT)

    response = client.post(url, {"username": admin.email, "password": PASSWORD})
    assert response.status_code == 429 and not _signed_in(client)
    assert client.get("/admin/").status_code == 302, "still sent to the admin's login page"


def test_twenty_wrong_passwords_then_the_right_one_is_refused_on_the_api(runner: User) -> None:
    api = APIClient()
    answers = [api.post(LOGIN, {"email": runner.email, "password": f"guess {n}"}).status_code for n in range(20)]
    assert answers == [400] * (LIMIT - 1) + [429] * (21 - LIMIT)

    response = api.post(LOGIN, {"email": runner.email, "password": PASSWORD})
    assert response.status_code == 429 and int(response["Retry-After"]) == LOCKOUT_MINUTES * 60
    body = response.json()
    assert body["errors"] == {} and "Too many wrong passwords" in body["detail"]
    assert not ApiToken.objects.exists()


def test_the_web_admin_and_api_logins_share_one_count(client: Client, runner: User) -> None:
    api = APIClient()
    for n in range(LIMIT // 2):
        _web_login(client, runner.email, f"web guess {n}")
        api.post(LOGIN, {"email": runner.email, "password": f"api guess {n}"})
    assert api.post(LOGIN, {"email": runner.email, "password": PASSWORD}).status_code == 429


def test_made_up_forwarded_for_headers_do_not_reset_the_count(client: Client, runner: User) -> None:
    # A different made-up account and header each time: only the client address's count can refuse them.
    for n in range(20):
        _web_login(client, f"nobody{n}@example.test", "guess", HTTP_X_FORWARDED_FOR=f"10.0.{n}.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    fresh_header = _web_login(client, runner.email, PASSWORD, HTTP_X_FORWARDED_FOR="10.99.99.99")
    assert fresh_header.status_code == 429 and not _signed_in(client)

    api = APIClient()
    response = api.post(LOGIN, {"email": runner.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.98.0.1")
    assert response.status_code == 429

    # The account itself was never guessed at: from its owner's own address it logs in.
    assert _web_login(client, runner.email, PASSWORD, REMOTE_ADDR=OWNER).status_code == 302


def test_one_client_guessing_one_account_does_not_lock_everyone_out(client: Client, runner: User) -> None:
    for n in range(20):
        _web_login(client, runner.email, f"guess {n}", REMOTE_ADDR=ATTACKER)
    someone_else = RunnerFactory(email="someone.else@example.test")
    assert _web_login(Client(), someone_else.email, PASSWORD, REMOTE_ADDR=OWNER).status_code == 302


def test_the_sign_in_link_still_works_for_the_owner_from_another_address(client: Client, runner: User) -> None:
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(20):
        _web_login(attacker, runner.email, f"guess {n}")
    owner = Client(REMOTE_ADDR=OWNER)
    assert _web_login(owner, runner.email, PASSWORD).status_code == 429, "the account's passwords are locked"

    assert owner.post(reverse("accounts:login-link"), {"link-email": runner.email}).status_code == 200
    assert [message.to for message in mail.outbox] == [[runner.email]]
    found = re.search(r"https?://\S+", mail.outbox[0].body)
    assert found is not None
    assert owner.get(found.group(0)).status_code == 200, "opening the link shows its one button"
    response = owner.post(found.group(0))
    assert response.status_code == 302 and response["Location"] == reverse("programs:home")
    assert _signed_in(owner)


def test_the_client_address_is_the_connections_unless_proxies_are_declared(settings: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert client_address(request) == "10.0.0.1"
    # One proxy that appends the address it saw: the right-most entry; whatever the client wrote is left of it.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_address(request) == "198.51.100.7"


def test_the_api_login_rate_is_counted_per_connection_not_per_header(
    settings: Any, runner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AXES_ENABLED = False  # the rate alone, without the lockout
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "10/minute")
    api = APIClient()
    answers = [
        api.post(LOGIN, {"email": runner.email, "password": "guess"}, HTTP_X_FORWARDED_FOR=f"10.0.{n}.1").status_code
        for n in range(30)
    ]
    assert answers == [400] * 10 + [429] * 20
