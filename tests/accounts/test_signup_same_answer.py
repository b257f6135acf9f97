"""Sign-up tells nobody which addresses have accounts: a new and an existing address get the same page, and only
the address's owner learns which it was, by e-mail."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.middleware.csrf import CSRF_TOKEN_LENGTH
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough new passphrase"


def _answer(client: Client, email: str) -> tuple[int, list[tuple[str, str]], str]:
    response = client.post(reverse("accounts:signup"), {"first_name": "Jo", "email": email, "password": PASSWORD})
    body = response.content.decode().replace(email.lower(), "ADDRESS")
    body = re.sub(rf"\b[A-Za-z0-9]{{{CSRF_TOKEN_LENGTH}}}\b", "CSRF", body)  # a masked token differs on every page
    headers = sorted((name, value) for name, value in response.items() if name.lower() != "content-length")
    return response.status_code, headers, body


def test_a_new_and_an_existing_address_get_the_same_answer(runner: User) -> None:
    new = _answer(Client(), "someone.new@example.test")
    existing = _answer(Client(), runner.email.upper())

    assert new == existing
    assert new[0] == 200 and "Check your e-mail" in new[2]
    assert User.objects.filter(email__iexact=runner.email).count() == 1
    assert User.objects.filter(email="someone.new@example.test").exists()


def test_the_existing_accounts_owner_is_told_someone_tried_and_nothing_changed(runner: User) -> None:
    password_hash = runner.password
    Client().post(reverse("accounts:signup"), {"first_name": "Jo", "email": runner.email, "password": PASSWORD})

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [runner.email]
    assert "tried to create a RehabPlan account" in mail.outbox[0].subject
    assert "/accounts/password-reset/" in mail.outbox[0].body and "/accounts/verify/" not in mail.outbox[0].body
    runner.refresh_from_db()
    assert runner.password == password_hash


def test_a_new_address_is_sent_its_confirmation_link() -> None:
    Client().post(
        reverse("accounts:signup"), {"first_name": "Jo", "email": "someone.new@example.test", "password": PASSWORD}
    )

    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["someone.new@example.test"]
    assert "/accounts/verify/" in mail.outbox[0].body
