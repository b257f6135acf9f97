"""Invitations (physio sends, runner accepts with the e-mailed token) and the runner's physios (list, revoke)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail, signing
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.care import INVITATION_SALT
from accounts.models import CareLink, CareLinkStatus, Invitation, User
from tests.api.conftest import client_for
from tests.factories.accounts import PhysioFactory

URL = "/api/v1/invitations/"
ACCEPT = "/api/v1/invitations/accept/"
PHYSIOS = "/api/v1/physios/"


def invite(client: APIClient, email: str, note: str = "") -> tuple[dict[str, Any], str]:
    """Send an invitation; returns its body and the token from the link in the e-mail."""
    response = client.post(URL, {"email": email, "note": note})
    assert response.status_code == 201, response.json()
    match = re.search(r"http://testserver/invitations/([^/\s]+)/", mail.outbox[-1].body)
    assert match is not None, mail.outbox[-1].body
    return response.json(), match.group(1)


def later(days: int) -> Any:
    import time_machine

    return time_machine.travel(timezone.now() + dt.timedelta(days=days), tick=False)


# ---------------------------------------------------------------- sending


def test_a_physio_invites_by_email(physio: User, physio_api: APIClient, other_runner: User) -> None:
    body, token = invite(physio_api, "Other.Runner@Example.test", note="See you Tuesday.")

    assert body["email"] == "other.runner@example.test"
    assert body["status"] == "pending"
    assert body["note"] == "See you Tuesday."
    assert body["physio"]["id"] == physio.pk
    assert body["expires_at"] > body["created_at"]
    message = mail.outbox[-1]
    assert message.to == ["other.runner@example.test"]
    assert "See you Tuesday." not in message.body  # the runner reads it once they accept
    assert "14 days" in message.body
    assert signing.loads(token, salt=INVITATION_SALT) == body["id"]


def test_a_physio_never_sees_a_runner_who_has_not_accepted(physio_api: APIClient, other_runner: User) -> None:
    invite(physio_api, other_runner.email)
    ids = [r["id"] for r in physio_api.get("/api/v1/patients/").json()["results"]]
    assert other_runner.pk not in ids
    assert physio_api.get(f"/api/v1/patients/{other_runner.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "a@b.test", "note": "x" * 1001}, "note"),
        ({"email": "runner@example.test"}, "email"),  # already linked
        ({"email": "physio@example.test"}, "email"),  # oneself
        ({"email": ["a@b.test"]}, "email"),
    ],
)
def test_invalid_invitations_are_400(physio_api: APIClient, body: dict[str, Any], field: str) -> None:
    response = physio_api.post(URL, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert mail.outbox == []


def test_only_a_physio_invites(anon_api: APIClient, runner_api: APIClient) -> None:
    assert anon_api.post(URL, {"email": "a@b.test"}).status_code == 401
    assert runner_api.post(URL, {"email": "a@b.test"}).status_code == 403
    assert anon_api.get(URL).status_code == 401


# ---------------------------------------------------------------- listing and withdrawing


def test_the_physio_lists_what_they_sent_with_its_status(
    physio_api: APIClient, other_physio_api: APIClient, other_runner: User
) -> None:
    withdrawn, _ = invite(physio_api, "someone@example.test")
    physio_api.delete(f"{URL}{withdrawn['id']}/")
    expired, _ = invite(physio_api, "late@example.test")
    Invitation.objects.filter(pk=expired["id"]).update(created_at=timezone.now() - dt.timedelta(days=15))
    accepted, token = invite(physio_api, other_runner.email)
    client_for(other_runner).post(ACCEPT, {"token": token})
    pending, _ = invite(physio_api, "new@example.test")

    statuses = {i["id"]: i["status"] for i in physio_api.get(URL).json()["results"]}

    assert statuses == {
        withdrawn["id"]: "withdrawn",
        expired["id"]: "expired",
        accepted["id"]: "accepted",
        pending["id"]: "pending",
    }
    assert other_physio_api.get(URL).json()["count"] == 0


def test_the_runner_lists_pending_invitations_to_their_address(
    physio: User, physio_api: APIClient, other_runner: User, other_runner_api: APIClient, runner_api: APIClient
) -> None:
    PhysioFactory(first_name="Pat", last_name="Lee")
    mine, _ = invite(physio_api, other_runner.email.upper())
    invite(physio_api, "someone.else@example.test")

    body = other_runner_api.get(URL).json()

    assert [i["id"] for i in body["results"]] == [mine["id"]]
    assert body["results"][0]["physio"] == {"id": physio.pk, "name": physio.email, "email": physio.email}
    assert runner_api.get(URL).json()["count"] == 0
    with later(15):
        assert client_for(other_runner).get(URL).json()["count"] == 0


def test_withdrawing(physio_api: APIClient, other_physio_api: APIClient, other_runner_api: APIClient) -> None:
    sent, token = invite(physio_api, "other.runner@example.test")
    url = f"{URL}{sent['id']}/"

    assert other_physio_api.delete(url).status_code == 404
    assert other_runner_api.delete(url).status_code == 403
    assert physio_api.delete(url).status_code == 204
    assert physio_api.delete(url).status_code == 204  # twice is fine
    response = other_runner_api.post(ACCEPT, {"token": token})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Your physio withdrew this invitation. Ask them for a new one if you need it.",
        "errors": {
            "non_field_errors": ["Your physio withdrew this invitation. Ask them for a new one if you need it."]
        },
    }
    assert physio_api.delete(f"{URL}{2**40}/").status_code == 404
    assert physio_api.delete(f"{URL}abc/").status_code == 404


def test_an_accepted_invitation_cannot_be_withdrawn(physio_api: APIClient, other_runner_api: APIClient) -> None:
    sent, token = invite(physio_api, "other.runner@example.test")
    other_runner_api.post(ACCEPT, {"token": token})
    response = physio_api.delete(f"{URL}{sent['id']}/")
    assert response.status_code == 400
    assert "accepted" in response.json()["detail"]


# ---------------------------------------------------------------- accepting


def test_the_runner_accepts_and_the_physio_sees_them(
    physio: User, physio_api: APIClient, other_runner: User, other_runner_api: APIClient
) -> None:
    sent, token = invite(physio_api, other_runner.email)

    response = other_runner_api.post(ACCEPT, {"token": token})

    assert response.status_code == 201
    body = response.json()
    assert body["physio"]["id"] == physio.pk
    assert body["status"] == "active"
    assert body["consented_at"]
    link = CareLink.objects.get(pk=body["id"])
    assert (link.runner, link.status) == (other_runner, CareLinkStatus.ACTIVE)
    assert physio_api.get(f"/api/v1/patients/{other_runner.pk}/").status_code == 200
    assert physio_api.get(URL).json()["results"][0]["status"] == "accepted"
    assert Invitation.objects.get(pk=sent["id"]).accepted_by == other_runner

    again = other_runner_api.post(ACCEPT, {"token": token})
    assert (again.status_code, again.json()["id"]) == (201, body["id"])
    assert CareLink.objects.filter(runner=other_runner).count() == 1


def test_expired_bad_and_someone_elses_tokens_are_400(
    physio_api: APIClient, other_runner: User, runner_api: APIClient
) -> None:
    _, token = invite(physio_api, other_runner.email)

    cases = {
        token: "another e-mail address",  # the runner fixture's address is not the invited one
        token[:-3]: "not valid",
        "": "This field may not be blank.",
        signing.dumps("x", salt=INVITATION_SALT): "no longer exists",
        signing.dumps(2**40, salt=INVITATION_SALT): "no longer exists",
    }
    for sent, expected in cases.items():
        response = runner_api.post(ACCEPT, {"token": sent})
        assert response.status_code == 400, sent
        assert expected in str(response.json()), (sent, response.json())
    with later(15):
        response = client_for(other_runner).post(ACCEPT, {"token": token})
    assert response.status_code == 400
    assert response.json()["detail"] == "This invitation has expired. Ask your physio to send you a new one."


def test_only_a_runner_accepts(anon_api: APIClient, physio_api: APIClient) -> None:
    assert anon_api.post(ACCEPT, {"token": "x"}).status_code == 401
    assert physio_api.post(ACCEPT, {"token": "x"}).status_code == 403


# ---------------------------------------------------------------- the runner's physios


def test_the_runner_lists_and_revokes_their_physios(
    physio: User, runner: User, runner_api: APIClient, physio_api: APIClient
) -> None:
    listed = runner_api.get(PHYSIOS).json()
    assert [(p["id"], p["email"]) for p in listed["results"]] == [(physio.pk, physio.email)]
    assert listed["results"][0]["since"]

    assert runner_api.delete(f"{PHYSIOS}{physio.pk}/").status_code == 204

    link = CareLink.objects.get(physio=physio, runner=runner)
    assert link.status == CareLinkStatus.REVOKED and link.revoked_at is not None
    assert runner_api.get(PHYSIOS).json()["count"] == 0
    assert runner_api.delete(f"{PHYSIOS}{physio.pk}/").status_code == 404
    assert physio_api.get(f"/api/v1/patients/{runner.pk}/").status_code == 404


def test_revoking_sticks_until_a_new_invitation(
    physio: User, physio_api: APIClient, other_runner: User, other_runner_api: APIClient
) -> None:
    _, token = invite(physio_api, other_runner.email)
    other_runner_api.post(ACCEPT, {"token": token})
    other_runner_api.delete(f"{PHYSIOS}{physio.pk}/")

    reused = other_runner_api.post(ACCEPT, {"token": token})
    assert reused.status_code == 400
    assert "already used" in reused.json()["detail"]

    _, fresh = invite(physio_api, other_runner.email)
    assert other_runner_api.post(ACCEPT, {"token": fresh}).status_code == 201
    assert physio_api.get(f"/api/v1/patients/{other_runner.pk}/").status_code == 200


def test_physios_endpoint_is_the_runners(
    anon_api: APIClient, physio: User, physio_api: APIClient, other_runner_api: APIClient
) -> None:
    assert anon_api.get(PHYSIOS).status_code == 401
    assert physio_api.get(PHYSIOS).status_code == 403
    assert other_runner_api.get(PHYSIOS).json()["count"] == 0
    assert other_runner_api.delete(f"{PHYSIOS}{physio.pk}/").status_code == 404
    assert CareLink.objects.get(physio=physio).status == CareLinkStatus.ACTIVE
