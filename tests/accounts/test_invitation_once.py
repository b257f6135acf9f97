"""One open invitation per physio and address: inviting again renews it (page, API and the database agree), and a
runner never sees an invitation waiting from a physio who already follows their plan."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.care import invitation_status
from accounts.models import CareLink, Invitation, User
from accounts.services import care_link_activate
from tests.factories.accounts import PhysioFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

INVITATIONS = "/patients/invitations/"


def _invite_on_the_page(client: Client, physio: User, email: str, note: str = "") -> str:
    """The link of the e-mail the invitation sent."""
    client.force_login(physio)
    response = client.post(INVITATIONS, {"email": email, "note": note})
    assert response.status_code == 302, main_text(response.content)
    match = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def _later(days: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


def test_inviting_an_address_again_renews_its_one_invitation_on_the_page(
    client: Client, other_physio: User, other_runner: User
) -> None:
    first_link = _invite_on_the_page(client, other_physio, other_runner.email, note="See you Tuesday.")
    invitation = Invitation.objects.get()
    with _later(3):
        second_link = _invite_on_the_page(client, other_physio, other_runner.email.upper(), note="Wednesday now.")
        renewed = Invitation.objects.get()
        assert (renewed.pk, renewed.note, renewed.created_at) == (invitation.pk, "Wednesday now.", timezone.now())
        assert len(mail.outbox) == 2 and second_link != first_link

        page = main_text(client.get(INVITATIONS).content)
        assert page.count("waiting for an answer") == 1

        # Either e-mail's link opens the same invitation.
        client.force_login(other_runner)
        assert client.post(first_link).status_code == 302
        assert client.post(second_link).status_code == 302
    assert CareLink.objects.physio_may_see(other_physio, other_runner.pk)


def test_an_expired_invitation_is_renewed_rather_than_joined_by_a_second(
    client: Client, other_physio: User, other_runner: User
) -> None:
    _invite_on_the_page(client, other_physio, other_runner.email)
    with _later(settings.INVITATION_MAX_AGE_DAYS + 1):
        assert invitation_status(Invitation.objects.get()) == "expired"
        _invite_on_the_page(client, other_physio, other_runner.email)
        assert invitation_status(Invitation.objects.get()) == "pending"


def test_inviting_an_address_again_through_the_api_returns_the_same_invitation(other_physio: User) -> None:
    api = APIClient()
    api.force_authenticate(other_physio)
    first = api.post("/api/v1/invitations/", {"email": "new.runner@example.test"}, format="json")
    second = api.post("/api/v1/invitations/", {"email": "New.Runner@example.test", "note": "Hi"}, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"] and second.json()["status"] == "pending"
    assert [row["id"] for row in api.get("/api/v1/invitations/").json()["results"]] == [first.json()["id"]]


def test_the_database_refuses_a_second_open_invitation_but_not_a_new_one_after_an_answer(other_physio: User) -> None:
    first = Invitation.objects.create(physio=other_physio, email="someone@example.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(physio=other_physio, email="Someone@Example.test")

    Invitation.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())
    Invitation.objects.create(physio=other_physio, email="someone@example.test")
    Invitation.objects.create(physio=PhysioFactory(), email="someone@example.test")  # another physio's: their own
    assert Invitation.objects.count() == 3


def test_accepting_leaves_nothing_of_that_physio_waiting_and_other_physios_invitations_pending(
    client: Client, other_physio: User, other_runner: User
) -> None:
    third_physio = PhysioFactory(email="third@clinic.test", first_name="Alex")
    _invite_on_the_page(client, other_physio, other_runner.email)
    link = _invite_on_the_page(client, other_physio, other_runner.email)
    _invite_on_the_page(client, third_physio, other_runner.email)

    client.force_login(other_runner)
    assert client.post(link).status_code == 302

    assert not Invitation.objects.filter(physio=other_physio, accepted_at__isnull=True).exists()
    waiting = main_text(client.get("/settings/").content).split("Waiting for your answer", 1)
    assert len(waiting) == 2 and "Alex asks to see your plan" in waiting[1]
    assert other_physio.email not in waiting[1]
    assert Invitation.objects.get(physio=third_physio).accepted_at is None


def test_a_physio_who_already_follows_the_plan_has_no_invitation_waiting(
    client: Client, other_physio: User, other_runner: User
) -> None:
    """However the link came about (here without the invitation), Settings and the API list only real questions."""
    _invite_on_the_page(client, other_physio, other_runner.email)
    care_link_activate(physio=other_physio, runner=other_runner)

    client.force_login(other_runner)
    assert "Waiting for your answer" not in main_text(client.get("/settings/").content)
    api = APIClient()
    api.force_authenticate(other_runner)
    assert api.get("/api/v1/invitations/").json()["results"] == []
