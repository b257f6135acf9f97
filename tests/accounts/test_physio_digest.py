"""A physio's hourly e-mail about patients who need attention: the switch on the patient list, the API's
/me/digest/, and a runner refused at both."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.choices import ReminderKind, ReminderStatus
from programs.models import Reminder
from programs.services.runner_settings import physio_digest_set
from rehabplan.api import VALIDATION_DETAIL
from tests.api.conftest import client_for
from tests.factories.programs import ReminderFactory
from tests.pages import main_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

DIGEST = "/api/v1/me/digest/"


def _queued_digest(physio: User, hour: int, status: str = ReminderStatus.PENDING) -> Reminder:
    day = dt.date(2026, 12, 1)
    due = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
    return ReminderFactory(
        user=physio, kind=ReminderKind.PHYSIO_DIGEST, local_date=day, slot=hour, due_at=due, status=status
    )


def _digest_enabled(user: User) -> bool:
    return User.objects.get(pk=user.pk).digest_enabled


# ---------------------------------------------------------------- the patient list page


def test_the_patient_list_shows_the_switch_and_turns_the_email_off_and_on(client: Client, physio: User) -> None:
    queued, sent = _queued_digest(physio, 9), _queued_digest(physio, 8, status=ReminderStatus.SENT)
    client.force_login(physio)
    page = client.get(reverse("programs:patients"))
    assert "Hourly e-mail about patients who need attention: on" in main_text(page.content)
    assert f'action="{reverse("programs:physio-digest")}"' in page.content.decode()

    response = client.post(reverse("programs:physio-digest"), {"enabled": "off"}, follow=True)
    assert response.redirect_chain == [(reverse("programs:patients") + "#digest", 302)]
    text = main_text(response.content)
    assert "The hourly e-mail about your patients is off." in text
    assert "Hourly e-mail about patients who need attention: off" in text and "Turn it on" in text
    assert not _digest_enabled(physio)
    assert [Reminder.objects.get(pk=r.pk).status for r in (queued, sent)] == [
        ReminderStatus.SKIPPED,
        ReminderStatus.SENT,
    ]

    response = client.post(reverse("programs:physio-digest"), {"enabled": "on"}, follow=True)
    assert "You will get an e-mail each hour when patients need your attention." in main_text(response.content)
    assert _digest_enabled(physio)


def test_the_physios_home_page_has_the_switch_too(client: Client, physio: User) -> None:
    client.force_login(physio)
    assert "Hourly e-mail about patients who need attention: on" in main_text(
        client.get(reverse("programs:home")).content
    )


@pytest.mark.parametrize("data", [{}, {"enabled": "maybe"}])
def test_a_bad_switch_value_is_explained_not_saved(client: Client, physio: User, data: dict[str, str]) -> None:
    client.force_login(physio)
    response = client.post(reverse("programs:physio-digest"), data)
    assert response.status_code == 400
    assert "Choose on or off." in main_text(response.content)
    assert _digest_enabled(physio)


def test_a_runner_cannot_use_the_switch(client: Client, runner: User) -> None:
    client.force_login(runner)
    assert client.post(reverse("programs:physio-digest"), {"enabled": "off"}).status_code == 403


def test_the_switch_needs_a_login_and_a_post(client: Client, physio: User) -> None:
    response = client.post(reverse("programs:physio-digest"), {"enabled": "off"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(physio)
    assert client.get(reverse("programs:physio-digest")).status_code == 405
    assert _digest_enabled(physio)


def test_the_service_refuses_a_runner(runner: User) -> None:
    with pytest.raises(ValidationError):
        physio_digest_set(user=runner, enabled=False)
    assert _digest_enabled(runner)


# ---------------------------------------------------------------- the API


def test_a_physio_reads_and_switches_the_email_over_the_api(physio: User) -> None:
    api = client_for(physio)
    queued = _queued_digest(physio, 10)
    assert api.get(DIGEST).json() == {"digest_enabled": True}
    response = api.patch(DIGEST, {"digest_enabled": False}, format="json")
    assert response.status_code == 200 and response.json() == {"digest_enabled": False}
    assert not _digest_enabled(physio)
    assert Reminder.objects.get(pk=queued.pk).status == ReminderStatus.SKIPPED
    assert api.get(DIGEST).json() == {"digest_enabled": False}
    assert api.patch(DIGEST, {"digest_enabled": True}, format="json").json() == {"digest_enabled": True}
    assert _digest_enabled(physio)


@pytest.mark.parametrize("body", [{"digest_enabled": "sometimes"}, {"digest_enabled": None}, {"digest_enabled": 0}])
def test_a_bad_api_value_is_a_field_error(physio: User, body: dict[str, Any]) -> None:
    response = client_for(physio).patch(DIGEST, body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == VALIDATION_DETAIL and list(response.json()["errors"]) == ["digest_enabled"]
    assert _digest_enabled(physio)


@pytest.mark.parametrize("method", ["get", "patch"])
def test_a_runner_gets_403_and_anonymous_401(runner: User, method: str) -> None:
    refused = getattr(client_for(runner), method)(DIGEST, {"digest_enabled": False}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only a physiotherapist's account can use this."
    assert getattr(client_for(None), method)(DIGEST).status_code == 401
    assert _digest_enabled(runner)
