"""The page behind the invitation link: log in first, see who invites and what they will see, one "Allow"."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.care import invitation_create
from accounts.models import CareLink, CareLinkStatus, Invitation, Message, User
from tests.pages import main_text


def link_for(physio: User, email: str, note: str = "") -> str:
    invitation_create(physio=physio, email=email, note=note, link_for=lambda token: f"/invitations/{token}/")
    return mail.outbox[-1].body.split("\n\n")[-2].strip()


def test_anonymous_visitors_log_in_first(client: Client, physio: User, other_runner: User) -> None:
    url = link_for(physio, other_runner.email)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_runner_sees_the_invitation_and_allows_it(client: Client, physio: User, other_runner: User) -> None:
    url = link_for(physio, other_runner.email, note="From the clinic on Main Street.")
    client.force_login(other_runner)

    page = main_text(client.get(url).content)
    assert f"Share your plan with {physio.email}?" in page
    assert "From the clinic on Main Street." not in page  # the note waits for the answer
    assert "they will see your plans" in page

    response = client.post(url)

    assert response.status_code == 302
    link = CareLink.objects.get(physio=physio, runner=other_runner)
    assert link.status == CareLinkStatus.ACTIVE and link.consented_at is not None
    assert "already follows your plan" in main_text(client.get(url).content)
    assert Message.objects.get(runner=other_runner, author=physio).body == "From the clinic on Main Street."


def test_problems_are_said_plainly(client: Client, physio: User, runner: User, other_runner: User) -> None:
    url = link_for(physio, other_runner.email)
    client.force_login(runner)  # not the invited address

    response = client.post(url)
    assert response.status_code == 400
    assert "sent to another e-mail address" in main_text(response.content)
    assert not CareLink.objects.filter(runner=other_runner).exists()

    Invitation.objects.update(withdrawn_at=timezone.now())
    client.force_login(other_runner)
    assert "withdrew this invitation" in main_text(client.get(url).content)
    assert client.get("/invitations/not-a-token/").status_code == 400
