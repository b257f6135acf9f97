"""Signing up over the API: the web form's rules, one answer for every address, and an account that can accept a
physio's invitation (and read their note) only once its address is confirmed, over the API or the web."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.care import invitation_create
from accounts.models import CareLink, Message, RunnerProfile, User
from tests.factories.accounts import PhysioFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/accounts/"
VERIFY = "/api/v1/accounts/verify/"
SEND = "/api/v1/accounts/verify/send/"
TOKEN = "/api/v1/auth/token/"
ACCEPT = "/api/v1/invitations/accept/"
PASSWORD = "a long enough new passphrase"
NEW = "someone.new@example.test"
NOTE = "After your MRI: grade 2 strain, as we discussed."


def _sign_up(email: str, **extra: Any) -> Any:
    return APIClient().post(SIGNUP, {"first_name": "Jo", "email": email, "password": PASSWORD, **extra})


def _verification_parts(body: str) -> dict[str, str]:
    match = re.search(r"/accounts/verify/([^/\s]+)/([^/\s]+)/", body)
    assert match is not None, body
    return {"uid": match.group(1), "token": match.group(2)}


def _token_client(email: str) -> APIClient:
    response = APIClient().post(TOKEN, {"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['key']}")
    return client


def test_a_new_and_an_existing_address_get_the_same_answer(runner: User) -> None:
    new = _sign_up(NEW)
    existing = _sign_up(runner.email.upper())

    assert new.status_code == existing.status_code == 202
    assert {**new.json(), "detail": new.json()["detail"].replace(NEW, "ADDRESS"), "email": "ADDRESS"} == {
        **existing.json(),
        "detail": existing.json()["detail"].replace(runner.email.lower(), "ADDRESS"),
        "email": "ADDRESS",
    }
    assert "Open the link in it to confirm your address" in new.json()["detail"]
    assert User.objects.filter(email__iexact=runner.email).count() == 1
    created = User.objects.get(email=NEW)
    assert created.is_runner and not created.email_verified and created.first_name == "Jo"


def test_the_new_address_gets_its_link_and_the_existing_owner_is_told_someone_tried(runner: User) -> None:
    password_hash = runner.password
    _sign_up(NEW)
    _sign_up(runner.email)

    assert [message.to for message in mail.outbox] == [[NEW], [runner.email]]
    assert "/accounts/verify/" in mail.outbox[0].body
    assert "tried to create a RehabPlan account" in mail.outbox[1].subject
    assert "/accounts/verify/" not in mail.outbox[1].body
    runner.refresh_from_db()
    assert runner.password == password_hash


def test_the_phones_time_zone_is_kept_and_an_unknown_one_dropped() -> None:
    _sign_up(NEW, timezone="Australia/Sydney")
    _sign_up("second@example.test", timezone="Mars/Olympus")

    assert RunnerProfile.objects.get(user__email=NEW).timezone == "Australia/Sydney"
    assert RunnerProfile.objects.get(user__email="second@example.test").timezone == "UTC"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"email": NEW, "password": PASSWORD}, "first_name", "Enter your first name."),
        ({"first_name": "", "email": NEW, "password": PASSWORD}, "first_name", "Enter your first name."),
        ({"first_name": "Jo", "password": PASSWORD}, "email", "Enter your e-mail address."),
        ({"first_name": "Jo", "email": "not-an-address", "password": PASSWORD}, "email", "such as name@example.com"),
        ({"first_name": "Jo", "email": NEW}, "password", "Choose a password."),
        ({"first_name": "Jo", "email": NEW, "password": "short"}, "password", "at least 8 characters"),
        ({"first_name": "Jo", "email": NEW, "password": "12345678901"}, "password", "entirely numeric"),
        ({"first_name": "J" * 151, "email": NEW, "password": PASSWORD}, "first_name", "150 characters or fewer"),
        ({"first_name": 7, "email": NEW, "password": PASSWORD}, "first_name", "Not a valid string."),
    ],
)
def test_invalid_input_is_a_400_naming_the_field_in_the_forms_words(
    body: dict[str, Any], field: str, words: str
) -> None:
    response = APIClient().post(SIGNUP, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert words in " ".join(response.json()["errors"][field])
    assert not User.objects.exists() and mail.outbox == []


@pytest.fixture
def invitation_token() -> str:
    physio = PhysioFactory(email="physio@clinic.test", first_name="Pat")
    invitation_create(physio=physio, email=NEW, note=NOTE, link_for=lambda token: f"http://testserver/i/{token}/")
    match = re.search(r"/i/([^/\s]+)/", mail.outbox[-1].body)
    assert match is not None
    mail.outbox.clear()
    return match.group(1)


def test_an_unconfirmed_account_can_neither_accept_nor_read_the_note_over_the_api_or_the_web(
    invitation_token: str,
) -> None:
    assert _sign_up(NEW).status_code == 202
    api = _token_client(NEW)  # an unconfirmed account may log in; it cannot accept
    refused = api.post(ACCEPT, {"token": invitation_token}, format="json")
    assert refused.status_code == 400 and "Confirm your e-mail address first" in refused.json()["detail"]
    assert api.get("/api/v1/messages/").json()["results"] == []

    web = Client()
    web.force_login(User.objects.get(email=NEW))
    web.post(reverse("accounts:invitation-accept", args=[invitation_token]))

    assert not CareLink.objects.filter(runner__email=NEW).exists()
    assert not Message.objects.filter(runner__email=NEW).exists()


def test_confirming_over_the_api_then_a_token_accepts_and_the_note_arrives(invitation_token: str) -> None:
    _sign_up(NEW)
    parts = _verification_parts(mail.outbox[-1].body)

    confirmed = APIClient().post(VERIFY, parts, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json() == {"email": NEW, "email_verified": True}
    assert User.objects.get(email=NEW).email_verified

    api = _token_client(NEW)
    assert api.post(ACCEPT, {"token": invitation_token}, format="json").status_code == 201
    assert [m["body"] for m in api.get("/api/v1/messages/").json()["results"]] == [NOTE]


def test_a_used_or_broken_link_is_a_400_that_says_so() -> None:
    _sign_up(NEW)
    parts = _verification_parts(mail.outbox[-1].body)
    assert APIClient().post(VERIFY, parts, format="json").status_code == 200

    for body in (parts, {**parts, "token": "abc-def"}, {**parts, "uid": "!!"}):
        again = APIClient().post(VERIFY, body, format="json")
        assert again.status_code == 400
        assert "This link no longer works" in again.json()["detail"]


def test_a_signed_in_unconfirmed_account_can_ask_for_a_new_link() -> None:
    _sign_up(NEW)
    mail.outbox.clear()
    api = _token_client(NEW)

    sent = api.post(SEND)
    assert sent.status_code == 202 and mail.outbox[-1].to == [NEW]
    assert APIClient().post(VERIFY, _verification_parts(mail.outbox[-1].body), format="json").status_code == 200

    already = api.post(SEND)
    assert already.status_code == 200 and "already confirmed" in already.json()["detail"]
    assert len(mail.outbox) == 1


def test_sign_up_is_throttled_like_logging_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "login": "2/minute"}
    )
    cache.clear()

    statuses = [_sign_up(f"n{i}@example.test").status_code for i in range(3)]

    assert statuses == [202, 202, 429]


def test_over_the_e_mail_limit_the_answer_is_the_same_and_nothing_is_sent(settings: Any) -> None:
    settings.MAIL_PER_ADDRESS_PER_HOUR = 1
    cache.clear()
    first, second = _sign_up(NEW), _sign_up(NEW)

    assert first.status_code == second.status_code == 202 and first.json() == second.json()
    assert len(mail.outbox) == 1
