"""Whoever signs up first with an invited address gets nothing of the invitation until the address is confirmed:
the e-mail and the page name the physio only, "Allow" is refused, and the physio's note reaches the runner as a
message once a confirmed account has accepted."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.care import invitation_create
from accounts.models import CareLink, Message, User
from tests.api.conftest import client_for
from tests.factories.accounts import PhysioFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

INVITED = "victim@example.test"
NOTE = "After your MRI: grade 2 strain, as we discussed."
PASSWORD = "an attacker's long passphrase"


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


@pytest.fixture
def physio_with_invitation() -> tuple[User, str]:
    """A physio invites INVITED with a clinical note; the invitation link's path."""
    physio = PhysioFactory(email="physio@clinic.test", first_name="Pat")
    invitation_create(physio=physio, email=INVITED, note=NOTE, link_for=lambda token: f"http://testserver/i/{token}/")
    token = _links(mail.outbox[-1].body)[0].rstrip("/").rsplit("/", 1)[1]
    return physio, reverse("accounts:invitation-accept", args=[token])


def _sign_up(client: Client) -> User:
    response = client.post(reverse("accounts:signup"), {"first_name": "Jo", "email": INVITED, "password": PASSWORD})
    assert response.status_code == 200
    client.post(reverse("accounts:login"), {"username": INVITED, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    return User.objects.get(email=INVITED)


def test_the_invitation_e_mail_names_the_physio_and_not_the_note(physio_with_invitation: tuple[User, str]) -> None:
    invitation_mail = mail.outbox[-1]
    assert invitation_mail.to == [INVITED]
    assert "Pat" in invitation_mail.subject and "physio@clinic.test" in invitation_mail.body
    assert "MRI" not in invitation_mail.body and "strain" not in invitation_mail.body


def test_an_unconfirmed_account_with_the_invited_address_neither_reads_the_note_nor_accepts(
    client: Client, physio_with_invitation: tuple[User, str]
) -> None:
    _physio, url = physio_with_invitation
    stranger = _sign_up(client)
    assert not stranger.email_verified

    page = main_text(client.get(url).content)
    assert "Confirm your e-mail address first" in page and "Pat" in page and "MRI" not in page
    client.post(url)
    assert not CareLink.objects.filter(runner=stranger).exists()

    api = client_for(stranger)
    listed = api.get("/api/v1/invitations/").json()["results"]
    assert [item["physio"]["email"] for item in listed] == ["physio@clinic.test"]
    assert all(item["note"] == "" for item in listed)
    token = url.rstrip("/").rsplit("/", 1)[1]
    refused = api.post("/api/v1/invitations/accept/", {"token": token}, format="json")
    assert refused.status_code == 400 and "Confirm your e-mail address first" in refused.json()["detail"]
    assert not CareLink.objects.filter(runner=stranger).exists()
    assert not Message.objects.filter(runner=stranger).exists()


def test_after_confirming_the_address_accepting_works_and_the_note_arrives_as_a_message(
    client: Client, physio_with_invitation: tuple[User, str]
) -> None:
    physio, url = physio_with_invitation
    runner = _sign_up(client)
    verification_link = next(link for link in _links(mail.outbox[-1].body) if "/accounts/verify/" in link)

    client.post(url)  # refused while unconfirmed
    assert client.post(verification_link).status_code == 302
    runner.refresh_from_db()
    assert runner.email_verified

    assert "Allow" in main_text(client.get(url).content)
    assert client.post(url).status_code == 302
    assert CareLink.objects.active().filter(physio=physio, runner=runner).exists()
    assert list(Message.objects.filter(runner=runner, author=physio).values_list("body", flat=True)) == [NOTE]
    assert NOTE in main_text(client.get(reverse("programs:runner-messages")).content)


def test_a_signed_in_account_can_ask_for_a_new_confirmation_link(
    client: Client, physio_with_invitation: tuple[User, str]
) -> None:
    _physio, url = physio_with_invitation
    runner = _sign_up(client)
    sent = len(mail.outbox)

    response = client.post(reverse("accounts:email-verify-send"), {"next": url})

    assert response.status_code == 302 and response["Location"] == url
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [runner.email]
    assert client.post(_links(mail.outbox[-1].body)[0]).status_code == 302
    runner.refresh_from_db()
    assert runner.email_verified


def test_a_password_reset_or_a_sign_in_link_confirms_the_address(client: Client) -> None:
    """Each came to the mailbox, so each proves it: the real owner takes back an address a stranger signed up with."""
    _sign_up(client)
    client.logout()
    client.post(reverse("accounts:login-link"), {"link-email": INVITED})
    client.post(_links(mail.outbox[-1].body)[0])
    assert User.objects.get(email=INVITED).email_verified

    User.objects.filter(email=INVITED).update(email_verified_at=None)
    client.logout()
    client.post(reverse("accounts:password_reset"), {"email": INVITED})
    form_page = client.get(_links(mail.outbox[-1].body)[0], follow=True)
    new = "the owner's own new passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert User.objects.get(email=INVITED).email_verified


def test_a_broken_confirmation_link_says_so(client: Client) -> None:
    response = client.get(reverse("accounts:email-verify", args=["MQ", "not-a-token"]))
    assert response.status_code == 400 and "This link no longer works" in main_text(response.content)
    assert client.post(reverse("accounts:email-verify", args=["!!", "x"])).status_code == 400
