"""A new password ends what the old one opened: every API token and every other session. A change keeps the session
that made it; both pages say what happened."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from tests.factories.accounts import PASSWORD
from tests.pages import main_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new long passphrase"
SETTINGS = "/settings/"


def _signed_in(user: User) -> Client:
    client = Client()
    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return client


def _api_works(key: str) -> bool:
    return Client().get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_a_password_change_keeps_this_session_and_ends_the_others_and_every_token(runner: User) -> None:
    _token, key = api_token_create(user=runner, name="spreadsheet")
    here, elsewhere = _signed_in(runner), _signed_in(runner)
    assert _api_works(key) and elsewhere.get(SETTINGS).status_code == 200

    done = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    text = main_text(done.content)
    assert (
        "Your password is changed" in text
        and "signed out" in text
        and "every app connected to your account has been disconnected" in text
    )
    assert here.get(SETTINGS).status_code == 200
    assert elsewhere.get(SETTINGS).status_code == 302
    assert not _api_works(key) and not ApiToken.objects.filter(user=runner).exists()


def test_a_password_reset_ends_every_session_and_token(runner: User) -> None:
    _token, key = api_token_create(user=runner, name="phone")
    elsewhere = _signed_in(runner)
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": runner.email})
    link = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert link is not None
    form_page = client.get(link.group(0), follow=True)

    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    assert "every app connected to your account has been disconnected" in main_text(done.content)
    assert elsewhere.get(SETTINGS).status_code == 302
    assert not _api_works(key) and not ApiToken.objects.filter(user=runner).exists()


def test_a_wrong_current_password_changes_nothing(runner: User) -> None:
    _token, key = api_token_create(user=runner)
    client = _signed_in(runner)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and "incorrectly" in main_text(response.content)
    assert _api_works(key)


def test_saving_a_user_without_a_new_password_keeps_the_tokens(runner: User) -> None:
    _token, key = api_token_create(user=runner)
    runner.first_name = "Robin"
    runner.save()
    assert _api_works(key)
