"""The runner's own account over the API: settings, calendar link, export, deletion."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, CareLink, RunnerProfile, User
from accounts.services import api_token_create
from programs.choices import ReminderStatus
from programs.models import Plan, PlannedSession
from programs.services.logs import session_log_record
from rehabplan.api import VALIDATION_DETAIL
from tests.api.conftest import client_for
from tests.factories.accounts import CareLinkFactory
from tests.factories.programs import ReminderFactory, StageCheckFactory
from tests.programs.plans import create_plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

PASSWORD = "correct horse battery staple"  # the factories' password
PROFILE = "/api/v1/profile/"
CALENDAR = "/api/v1/calendar-token/"
EXPORT = "/api/v1/export/"
ACCOUNT = "/api/v1/account/"


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str) and body["detail"]
    return body


def _log(plan: Plan, runner: User, notes: str) -> None:
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    assert session is not None
    entries = [
        {"prescription": p.pk, "pain_during": 1, "pain_after": 1, "notes": notes} for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries, day={"next_morning_pain": 1})


# ---------------------------------------------------------------- who may call what


@pytest.mark.parametrize(
    "method, path",
    [("get", PROFILE), ("patch", PROFILE), ("get", CALENDAR), ("post", CALENDAR), ("get", EXPORT), ("delete", ACCOUNT)],
)
def test_anonymous_clients_get_401(anon_api: APIClient, method: str, path: str) -> None:
    body = _error(getattr(anon_api, method)(path), 401)
    assert body["errors"] == {}


@pytest.mark.parametrize(
    "method, path", [("get", PROFILE), ("patch", PROFILE), ("get", CALENDAR), ("post", CALENDAR), ("get", EXPORT)]
)
def test_a_physio_gets_403_on_a_runners_settings(physio_api: APIClient, method: str, path: str) -> None:
    body = _error(getattr(physio_api, method)(path), 403)
    assert body["detail"] == "Only a runner's account can use this."


# ---------------------------------------------------------------- profile


def test_the_profile_reads_in_one_query(
    runner: User, runner_api: APIClient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(1):  # the token, its user and the profile together
        response = runner_api.get(PROFILE)
    assert response.status_code == 200
    assert response.json() == {
        "email": runner.email,
        "timezone": "Europe/London",
        "reminder_time": "07:30",
        "units": "km",
        "reminders_enabled": True,
        "remind_sessions": True,
        "remind_morning_check": True,
        "remind_missed_sessions": True,
        "remind_plan_changes": True,
        "reminders_paused_until": None,
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:00",
    }


def test_a_patch_changes_only_what_it_sends(runner: User, runner_api: APIClient) -> None:
    response = runner_api.patch(
        PROFILE,
        {
            "reminder_time": "06:15",
            "units": "mi",
            "email": "new@example.test",
            "quiet_hours_start": "23:00",
            "quiet_hours_end": "06:00",
        },
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "email": runner.email,  # read-only: ignored
        "timezone": "Europe/London",
        "reminder_time": "06:15",
        "units": "mi",
        "reminders_enabled": True,
        "remind_sessions": True,
        "remind_morning_check": True,
        "remind_missed_sessions": True,
        "remind_plan_changes": True,
        "reminders_paused_until": None,
        # 06:15 is inside the default quiet hours: this PATCH had to move them to be accepted
        "quiet_hours_start": "23:00",
        "quiet_hours_end": "06:00",
    }
    profile = RunnerProfile.objects.get(user=runner)
    assert (profile.timezone, profile.reminder_time, profile.units) == ("Europe/London", dt.time(6, 15), "mi")
    assert runner_api.patch(PROFILE, {"timezone": "America/New_York"}).json()["timezone"] == "America/New_York"
    assert runner_api.get(PROFILE).json()["reminder_time"] == "06:15"


def test_switching_reminders_off_skips_the_queued_ones(runner: User, runner_api: APIClient) -> None:
    queued = ReminderFactory(
        user=runner,
        local_date=dt.date(2026, 12, 1),
        due_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        subject="s",
        body="b",
    )
    response = runner_api.patch(PROFILE, {"reminders_enabled": False})
    assert response.status_code == 200 and response.json()["reminders_enabled"] is False
    queued.refresh_from_db()
    assert queued.status == ReminderStatus.SKIPPED, "kept in the outbox as history, never sent"


def test_an_unknown_time_zone_is_explained_on_its_field(runner: User, runner_api: APIClient) -> None:
    body = _error(runner_api.patch(PROFILE, {"timezone": "Mars/Olympus"}), 400)
    assert body["detail"] == VALIDATION_DETAIL and list(body["errors"]) == ["timezone"]
    assert "Europe/London" in body["errors"]["timezone"][0]
    assert RunnerProfile.objects.get(user=runner).timezone == "Europe/London"


@pytest.mark.parametrize(
    "data, fields",
    [
        ({"reminder_time": "25:99"}, {"reminder_time"}),
        ({"reminder_time": "7.30pm"}, {"reminder_time"}),
        ({"units": "furlongs"}, {"units"}),
        ({"reminders_enabled": "sometimes"}, {"reminders_enabled"}),
        ({"timezone": ""}, {"timezone"}),
        ({"timezone": "x" * 65}, {"timezone"}),
        ({"timezone": ["Europe/London"]}, {"timezone"}),
        ({"timezone": "../../etc/passwd"}, {"timezone"}),
        ({"timezone": "Europe/London\x00"}, {"timezone"}),
        ({"reminder_time": None, "units": None}, {"reminder_time", "units"}),
        ({"quiet_hours_start": "22:60"}, {"quiet_hours_start"}),
        ({"quiet_hours_end": "7pm"}, {"quiet_hours_end"}),
        ({"reminders_paused_until": "next week"}, {"reminders_paused_until"}),
        ({"remind_sessions": "sometimes", "remind_plan_changes": None}, {"remind_sessions", "remind_plan_changes"}),
    ],
)
def test_bad_settings_are_field_errors(
    runner: User, runner_api: APIClient, data: dict[str, Any], fields: set[str]
) -> None:
    body = _error(runner_api.patch(PROFILE, data, format="json"), 400)
    assert set(body["errors"]) == fields
    assert RunnerProfile.objects.get(user=runner).units == "km"


def test_the_profile_is_not_replaced_with_put(runner_api: APIClient) -> None:
    _error(runner_api.put(PROFILE, {"units": "mi"}), 405)


# ---------------------------------------------------------------- calendar link


def test_a_new_calendar_link_replaces_the_old_one(runner: User, runner_api: APIClient) -> None:
    old = runner_api.get(CALENDAR).json()
    token = RunnerProfile.objects.get(user=runner).calendar_token
    assert old["calendar_url"] == f"http://testserver/calendar/{token}.ics"
    assert old["webcal_url"] == f"webcal://testserver/calendar/{token}.ics"

    response = runner_api.post(CALENDAR)
    assert response.status_code == 200
    new = response.json()
    assert new["calendar_url"] != old["calendar_url"] and new == runner_api.get(CALENDAR).json()
    feed = Client()
    assert feed.get(old["calendar_url"].removeprefix("http://testserver")).status_code == 404
    assert feed.get(new["calendar_url"].removeprefix("http://testserver")).status_code == 200


# ---------------------------------------------------------------- export


def test_the_export_is_the_settings_download_and_has_no_one_elses_data(
    runner: User, other_runner: User, physio: User, runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    _log(plan, runner, notes="my own note")
    theirs = create_plan(other_runner, intake_data, weeks=4)
    _log(theirs, other_runner, notes="their secret note")

    response = runner_api.get(EXPORT)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["account"]["email"] == runner.email and [p["id"] for p in body["plans"]] == [plan.pk]
    text = response.content.decode()
    assert "my own note" in text
    assert "their secret note" not in text and other_runner.email not in text

    browser = Client()
    browser.force_login(runner)
    assert body == json.loads(browser.get(reverse("programs:export-json")).content)


# ---------------------------------------------------------------- deleting the account


def test_deleting_the_account_needs_the_password(runner: User, runner_api: APIClient) -> None:
    wrong = _error(runner_api.delete(ACCOUNT, {"password": "not it"}), 400)
    assert wrong["errors"] == {"password": ["That is not your password."]}
    missing = _error(runner_api.delete(ACCOUNT), 400)
    assert list(missing["errors"]) == ["password"]
    assert User.objects.filter(pk=runner.pk).exists()


def test_an_account_without_a_password_is_sent_to_the_website(runner: User, runner_api: APIClient) -> None:
    runner.set_unusable_password()
    runner.save()
    body = _error(runner_api.delete(ACCOUNT, {"password": ""}), 400)
    assert list(body["errors"]) == ["password"]
    body = _error(runner_api.delete(ACCOUNT, {"password": "anything"}), 400)
    assert "no password" in body["errors"]["password"][0]
    assert User.objects.filter(pk=runner.pk).exists()


def test_deleting_the_account_removes_it_and_its_tokens(
    runner: User, other_runner: User, runner_plan: Plan, runner_api: APIClient, other_runner_api: APIClient
) -> None:
    _spare, spare_key = api_token_create(user=runner, name="laptop")
    response = runner_api.delete(ACCOUNT, {"password": PASSWORD})
    assert response.status_code == 204 and not response.content
    assert not User.objects.filter(pk=runner.pk).exists()
    assert not ApiToken.objects.filter(user_id=runner.pk).exists()
    assert not Plan.objects.filter(pk=runner_plan.pk).exists()
    _error(runner_api.get(PROFILE), 401)
    _error(client_for(None).get(PROFILE, HTTP_AUTHORIZATION=f"Token {spare_key}"), 401)
    assert other_runner_api.get(PROFILE).status_code == 200


def test_deleting_by_session_logs_the_browser_out(runner: User) -> None:
    browser = APIClient(enforce_csrf_checks=False)
    browser.force_login(runner)
    assert browser.delete(ACCOUNT, {"password": PASSWORD}).status_code == 204
    assert not User.objects.filter(pk=runner.pk).exists()
    _error(browser.get(PROFILE), 401)


def test_a_physio_with_answers_in_a_patients_plan_is_refused_with_the_reason(
    runner: User, physio: User, physio_api: APIClient, runner_plan: Plan
) -> None:
    StageCheckFactory(plan=runner_plan, phase="one", answers={}, answered_by=physio)
    body = _error(physio_api.delete(ACCOUNT, {"password": PASSWORD}), 400)
    assert "part of their records" in body["detail"] and body["errors"] == {"non_field_errors": [body["detail"]]}
    assert User.objects.filter(pk=physio.pk).exists()


def test_a_physio_without_such_answers_is_deleted(runner: User) -> None:
    link = CareLinkFactory(runner=runner)
    assert client_for(link.physio).delete(ACCOUNT, {"password": PASSWORD}).status_code == 204
    assert not CareLink.objects.filter(pk=link.pk).exists() and User.objects.filter(pk=runner.pk).exists()
