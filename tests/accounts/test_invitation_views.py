"""A physio's Invitations page: invite by e-mail, follow each invitation, withdraw one that is still pending.

The runner accepts on the Allow page behind the e-mailed link; only then does the physio see them anywhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.care import invitation_create
from accounts.models import CareLink, Invitation, User
from tests.factories.accounts import PhysioFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

INVITATIONS = "/patients/invitations/"


def _invite(client: Client, physio: User, email: str, note: str = "") -> str:
    """Send an invitation from the page as the physio; the link in the e-mail it sent."""
    client.force_login(physio)
    sent = len(mail.outbox)
    response = client.post(INVITATIONS, {"email": email, "note": note})
    assert response.status_code == 302 and response["Location"] == INVITATIONS
    assert len(mail.outbox) == sent + 1
    assert "Invitation sent to" in main_text(client.get(INVITATIONS).content)  # shows (and uses up) the message
    match = re.search(r"https?://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


def _accept(client: Client, runner: User, link: str) -> None:
    client.force_login(runner)
    assert client.post(link).status_code == 302


def _patient_pages(runner: User) -> list[str]:
    pages = []
    with contextlib.suppress(NoReverseMatch):  # the patient page may not be routed yet; the API's patient is
        pages.append(reverse("programs:patient-detail", args=[runner.pk]))
    return pages


def _api_as(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_an_invitation_sends_one_e_mail_whose_link_opens_the_allow_page(
    client: Client, other_physio: User, runner: User
) -> None:
    link = _invite(client, other_physio, "  Runner@Example.test ", note="We met at the club on Tuesday.")

    message = mail.outbox[-1]
    assert message.to == [runner.email]
    assert other_physio.email in message.body and "We met at the club on Tuesday." not in message.body
    assert link.startswith("http://testserver/invitations/")
    page = main_text(client.get(INVITATIONS).content)
    assert "runner@example.test" in page and "waiting for an answer" in page

    client.force_login(runner)
    response = client.get(link)
    assert response.status_code == 200
    assert f"Share your plan with {other_physio.email}?" in main_text(response.content)


def test_the_physio_sees_the_runner_only_after_they_accept(
    client: Client, other_physio: User, other_runner: User, intake_data: dict[str, object]
) -> None:
    from tests.programs.plans import create_plan

    plan = create_plan(other_runner, intake_data, weeks=1)
    link = _invite(client, other_physio, other_runner.email)

    client.force_login(other_physio)
    assert other_runner.email not in main_text(client.get("/patients/").content)
    assert client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 404
    for page in _patient_pages(other_runner):
        assert client.get(page).status_code == 404
    assert _api_as(other_physio).get(f"/api/v1/patients/{other_runner.pk}/").status_code == 404

    _accept(client, other_runner, link)

    client.force_login(other_physio)
    assert other_runner.email in main_text(client.get("/patients/").content)
    assert client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 200
    assert _api_as(other_physio).get(f"/api/v1/patients/{other_runner.pk}/").status_code == 200
    assert "accepted on" in main_text(client.get(INVITATIONS).content)


def test_an_expired_link_is_refused(client: Client, other_physio: User, other_runner: User) -> None:
    link = _invite(client, other_physio, other_runner.email)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.INVITATION_MAX_AGE_DAYS, hours=1)

    with time_machine.travel(later, tick=False):
        client.force_login(other_runner)
        response = client.post(link)
        assert response.status_code == 400
        assert "This invitation has expired" in main_text(response.content)
        client.force_login(other_physio)
        assert "without an answer" in main_text(client.get(INVITATIONS).content)

    assert not CareLink.objects.filter(runner=other_runner).exists()


def test_a_pending_invitation_can_be_withdrawn_and_its_link_stops_working(
    client: Client, other_physio: User, other_runner: User
) -> None:
    link = _invite(client, other_physio, other_runner.email)
    invitation = Invitation.objects.get(physio=other_physio)

    response = client.post(reverse("programs:invitation-withdraw", args=[invitation.pk]))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    page = main_text(client.get(INVITATIONS).content)
    assert "is withdrawn: its link no longer works" in page and "withdrawn on" in page
    client.force_login(other_runner)
    assert client.post(link).status_code == 400
    assert not CareLink.objects.filter(runner=other_runner).exists()


def test_another_physios_invitation_is_a_404_and_stays_pending(
    client: Client, physio: User, other_physio: User, other_runner: User
) -> None:
    _invite(client, other_physio, other_runner.email)
    invitation = Invitation.objects.get(physio=other_physio)

    client.force_login(physio)
    assert client.post(reverse("programs:invitation-withdraw", args=[invitation.pk])).status_code == 404
    assert other_runner.email not in main_text(client.get(INVITATIONS).content)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_an_accepted_invitation_cannot_be_withdrawn(client: Client, other_physio: User, other_runner: User) -> None:
    _accept(client, other_runner, _invite(client, other_physio, other_runner.email))
    invitation = Invitation.objects.get(physio=other_physio)

    client.force_login(other_physio)
    response = client.post(reverse("programs:invitation-withdraw", args=[invitation.pk]), follow=True)

    assert "the runner decides" in main_text(response.content)
    assert CareLink.objects.physio_may_see(other_physio, other_runner.pk)


def test_bad_input_is_said_next_to_the_field_and_what_was_typed_is_kept(client: Client, physio: User) -> None:
    client.force_login(physio)

    response = client.post(INVITATIONS, {"email": "not an address", "note": "See you on Monday."})
    assert response.status_code == 400
    page = main_text(response.content)
    assert "Enter an e-mail address such as name@example.com." in page
    assert "See you on Monday." in page and 'value="not an address"' in response.content.decode()

    response = client.post(INVITATIONS, {"email": physio.email, "note": ""})
    assert response.status_code == 400 and "You cannot invite yourself." in main_text(response.content)
    response = client.post(INVITATIONS, {"email": "runner@example.test", "note": ""})
    assert response.status_code == 400 and "already shares their plan with you" in main_text(response.content)
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_the_invitations_page_is_a_physios(client: Client, runner: User, physio: User) -> None:
    assert client.get(INVITATIONS).status_code == 302  # anonymous: log in first
    client.force_login(runner)
    assert client.get(INVITATIONS).status_code == 403
    assert client.post(INVITATIONS, {"email": "someone@example.test"}).status_code == 403
    assert mail.outbox == []


def test_a_runner_with_two_physios_sees_both_and_each_physio_only_their_own(
    client: Client, physio: User, other_physio: User, runner: User, other_runner: User
) -> None:
    third_physio = PhysioFactory(email="third@clinic.test")
    _accept(client, runner, _invite(client, other_physio, runner.email))
    _accept(client, other_runner, _invite(client, third_physio, other_runner.email))
    _accept(client, runner, _invite(client, third_physio, runner.email))

    client.force_login(runner)
    settings_page = main_text(client.get("/settings/").content)
    assert other_physio.email in settings_page and third_physio.email in settings_page
    assert physio.email in settings_page  # linked before

    client.force_login(physio)
    patients = main_text(client.get("/patients/").content)
    assert runner.email in patients and other_runner.email not in patients

    client.force_login(other_physio)
    patients = main_text(client.get("/patients/").content)
    assert runner.email in patients and other_runner.email not in patients
    client.force_login(third_physio)
    patients = main_text(client.get("/patients/").content)
    assert runner.email in patients and other_runner.email in patients


def _list_queries(client: Client, physio: User) -> int:
    client.force_login(physio)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INVITATIONS).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_one_invitation_or_many(client: Client, other_physio: User) -> None:
    third_physio = PhysioFactory(email="third@clinic.test")
    invitation_create(physio=other_physio, email="one@example.test", link_for=str)
    for n in range(8):
        invitation = invitation_create(physio=third_physio, email=f"runner{n}@example.test", link_for=str)
    Invitation.objects.filter(pk=invitation.pk).update(withdrawn_at=timezone.now())

    assert _list_queries(client, other_physio) == _list_queries(client, third_physio)
