"""A runner's reminder choices (time, kinds, pause, quiet hours): the rules, the Settings page and PATCH /profile/
saying the same thing, what is saved, queued reminders the choices rule out, and the reschedule after commit."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import RunnerProfile, User
from programs.choices import ReminderKind, ReminderStatus
from programs.models import Reminder
from programs.reminders.choices import (
    PAUSE_IN_THE_PAST,
    QUIET_HOURS_EMPTY,
    QUIET_HOURS_ONE_END,
    REMINDER_IN_QUIET_HOURS,
    ReminderChoices,
    reminder_choice_problems,
)
from programs.selectors.today import local_today
from programs.services.runner_settings import runner_settings_update
from rehabplan.api import VALIDATION_DETAIL
from tests.api.conftest import client_for
from tests.factories.programs import ReminderFactory
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.usefixtures("fresh_throttles")

PROFILE = "/api/v1/profile/"
T = dt.time

# What the Settings page posts for a runner who leaves everything as the factories made it (Europe/London).
FORM_DEFAULTS: dict[str, str] = {
    "timezone": "Europe/London",
    "units": "km",
    "reminders_enabled": "on",
    "reminder_time": "07:30",
    "remind_sessions": "on",
    "remind_morning_check": "on",
    "remind_missed_sessions": "on",
    "remind_plan_changes": "on",
    "reminders_paused_until": "",
    "quiet_hours_start": "22:00",
    "quiet_hours_end": "07:00",
}


@pytest.fixture
def runner_api(runner: User) -> APIClient:
    return client_for(runner)


def _field_errors(response: Any, field: str) -> list[str]:
    """The messages the page shows under one field (its error list is id="id_<field>_error")."""
    page = response.content.decode()
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.S)
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def _london_today() -> dt.date:
    return local_today("Europe/London")


# ---------------------------------------------------------------- the rules (pure)


STORED = ReminderChoices(
    reminder_time=T(7, 30), quiet_hours_start=T(22, 0), quiet_hours_end=T(7, 0), reminders_paused_until=None
)
TODAY = dt.date(2026, 6, 10)


def _choices(**changes: Any) -> ReminderChoices:
    return ReminderChoices(**{**STORED.__dict__, **changes})


@pytest.mark.parametrize(
    "new, problems",
    [
        (_choices(), {}),
        (_choices(quiet_hours_start=None, quiet_hours_end=None), {}),
        (_choices(quiet_hours_start=None), {"quiet_hours_start": [QUIET_HOURS_ONE_END]}),
        (_choices(quiet_hours_end=None), {"quiet_hours_end": [QUIET_HOURS_ONE_END]}),
        (_choices(quiet_hours_start=T(7, 0)), {"quiet_hours_end": [QUIET_HOURS_EMPTY]}),
        (_choices(reminder_time=T(23, 15)), {"reminder_time": [REMINDER_IN_QUIET_HOURS]}),
        (_choices(quiet_hours_end=T(8, 0)), {"reminder_time": [REMINDER_IN_QUIET_HOURS]}),
        (_choices(reminders_paused_until=TODAY), {}),
        (
            _choices(reminders_paused_until=TODAY - dt.timedelta(days=1)),
            {"reminders_paused_until": [PAUSE_IN_THE_PAST]},
        ),
        (
            _choices(reminder_time=T(5, 0), reminders_paused_until=dt.date(2020, 1, 1)),
            {"reminder_time": [REMINDER_IN_QUIET_HOURS], "reminders_paused_until": [PAUSE_IN_THE_PAST]},
        ),
    ],
)
def test_reminder_choices_that_contradict_each_other_are_named_by_field(
    new: ReminderChoices, problems: dict[str, list[str]]
) -> None:
    assert reminder_choice_problems(new, stored=STORED, today=TODAY) == problems


def test_a_stored_clash_or_an_expired_pause_does_not_block_an_unrelated_change() -> None:
    """Runners whose reminder came before 07:00 got the default quiet hours with the migration; a pause runs out."""
    stored = _choices(reminder_time=T(6, 15), reminders_paused_until=TODAY - dt.timedelta(days=3))
    assert reminder_choice_problems(stored, stored=stored, today=TODAY) == {}
    moved = _choices(reminder_time=T(6, 30), reminders_paused_until=stored.reminders_paused_until)
    assert reminder_choice_problems(moved, stored=stored, today=TODAY) == {"reminder_time": [REMINDER_IN_QUIET_HOURS]}


# ---------------------------------------------------------------- the same messages on the page and over the API

INVALID = [
    pytest.param({"quiet_hours_end": ""}, "quiet_hours_end", QUIET_HOURS_ONE_END, id="one-end"),
    pytest.param({"quiet_hours_start": ""}, "quiet_hours_start", QUIET_HOURS_ONE_END, id="other-end"),
    pytest.param({"quiet_hours_start": "07:00"}, "quiet_hours_end", QUIET_HOURS_EMPTY, id="start-is-end"),
    pytest.param({"reminder_time": "23:00"}, "reminder_time", REMINDER_IN_QUIET_HOURS, id="time-in-quiet-hours"),
    pytest.param(
        {"quiet_hours_start": "06:00", "quiet_hours_end": "09:00"},
        "reminder_time",
        REMINDER_IN_QUIET_HOURS,
        id="quiet-hours-over-time",
    ),
    pytest.param({"reminders_paused_until": "2020-01-01"}, "reminders_paused_until", PAUSE_IN_THE_PAST, id="past"),
]


@pytest.mark.parametrize("changes, field, message", INVALID)
def test_the_settings_page_explains_each_clash_next_to_its_field(
    client: Client, runner: User, changes: dict[str, str], field: str, message: str
) -> None:
    client.force_login(runner)
    response = client.post(reverse("programs:settings"), {**FORM_DEFAULTS, "units": "mi", **changes})
    assert response.status_code == 400
    assert _field_errors(response, field) == [message]
    assert "Please check the answers marked below." in main_text(response.content)
    assert RunnerProfile.objects.get(user=runner).units == "km", "nothing is saved"


def _api_body(changes: dict[str, str]) -> dict[str, Any]:
    return {key: (value or None) for key, value in changes.items()}


@pytest.mark.parametrize("changes, field, message", INVALID)
def test_the_api_gives_the_same_message_on_the_same_field(
    runner: User, runner_api: APIClient, changes: dict[str, str], field: str, message: str
) -> None:
    response = runner_api.patch(PROFILE, {"units": "mi", **_api_body(changes)}, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": VALIDATION_DETAIL, "errors": {field: [message]}}
    assert RunnerProfile.objects.get(user=runner).units == "km", "nothing is saved"


@at(dt.date(2026, 11, 21), hour=12)
def test_today_for_a_pause_is_the_runners_own_date(runner: User, runner_api: APIClient) -> None:
    # Kiritimati is UTC+14 and Pago Pago UTC-11: at noon UTC their todays differ by a day (by two from 10:00 to 11:00).
    ahead, behind = local_today("Pacific/Kiritimati"), local_today("Pacific/Pago_Pago")
    assert ahead == behind + dt.timedelta(days=1)
    response = runner_api.patch(PROFILE, {"timezone": "Pacific/Kiritimati", "reminders_paused_until": str(behind)})
    assert response.json()["errors"] == {"reminders_paused_until": [PAUSE_IN_THE_PAST]}
    response = runner_api.patch(PROFILE, {"timezone": "Pacific/Pago_Pago", "reminders_paused_until": str(behind)})
    assert response.status_code == 200, response.content
    assert RunnerProfile.objects.get(user=runner).reminders_paused_until == behind


# ---------------------------------------------------------------- saving each choice


def test_the_settings_page_has_a_reminders_section_in_plain_words(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.get(reverse("programs:settings"))
    page = response.content.decode()
    text = main_text(response.content)
    section = page[page.index('<section id="reminders"') : page.index("</section>", page.index('id="reminders"'))]
    for words in (
        "Reminders",
        "Send me reminders",
        "Reminder time",
        "What to send",
        "On session days: what to do today",
        "The morning after a session: how your legs feel",
        "The day after a missed session: a gentle nudge",
        "When your plan changes, and why",
        "Pause reminders until",
        "for a holiday or a break",
        "Quiet hours",
        "Nothing is sent between these times; it waits until they end.",
    ):
        assert words in html.unescape(section), words
    assert "remind_sessions" not in text and "quiet_hours" not in text, "no field names on the page"
    assert 'type="date"' in section and section.count('type="time"') == 3
    # The section is outside the <form> element: every one of its inputs and its Save button name the form.
    inputs = re.findall(r"<input\b[^>]*\bname=[^>]*>", section)
    assert len(inputs) == 9 and all('form="settings-form"' in tag for tag in inputs)
    assert re.search(r'<button type="submit" form="settings-form"[^>]*>Save my settings</button>', section)
    assert '<form id="settings-form"' in page
    assert 'value="22:00"' in section and 'value="07:00"' in section and 'value="07:30"' in section


def test_every_reminder_choice_is_saved_from_the_page(client: Client, runner: User) -> None:
    pause = _london_today() + dt.timedelta(days=10)
    client.force_login(runner)
    data = {
        **FORM_DEFAULTS,
        "reminder_time": "18:45",
        "reminders_paused_until": pause.isoformat(),
        "quiet_hours_start": "21:30",
        "quiet_hours_end": "06:15",
    }
    del data["remind_morning_check"], data["remind_plan_changes"]  # unticked boxes are not posted
    response = client.post(reverse("programs:settings"), data, follow=True)
    assert "Your settings are saved." in main_text(response.content)
    profile = RunnerProfile.objects.get(user=runner)
    assert (
        profile.reminder_time,
        profile.remind_sessions,
        profile.remind_morning_check,
        profile.remind_missed_sessions,
        profile.remind_plan_changes,
        profile.reminders_paused_until,
        profile.quiet_hours_start,
        profile.quiet_hours_end,
    ) == (T(18, 45), True, False, True, False, pause, T(21, 30), T(6, 15))
    page = client.get(reverse("programs:settings")).content.decode()
    assert f'value="{pause.isoformat()}"' in page and 'value="21:30"' in page


def test_quiet_hours_can_be_removed_and_a_pause_cleared(client: Client, runner: User) -> None:
    RunnerProfile.objects.filter(user=runner).update(reminders_paused_until=_london_today())
    client.force_login(runner)
    data = {**FORM_DEFAULTS, "quiet_hours_start": "", "quiet_hours_end": "", "reminder_time": "23:30"}
    assert client.post(reverse("programs:settings"), data).status_code == 302
    profile = RunnerProfile.objects.get(user=runner)
    assert (profile.quiet_hours_start, profile.quiet_hours_end, profile.reminders_paused_until) == (None, None, None)
    assert profile.reminder_time == T(23, 30)


def test_a_pause_that_has_run_out_is_not_shown_and_does_not_block_saving(client: Client, runner: User) -> None:
    RunnerProfile.objects.filter(user=runner).update(reminders_paused_until=dt.date(2020, 1, 1))
    client.force_login(runner)
    page = client.get(reverse("programs:settings")).content.decode()
    assert "2020-01-01" not in page
    assert client.post(reverse("programs:settings"), {**FORM_DEFAULTS, "units": "mi"}).status_code == 302
    assert RunnerProfile.objects.get(user=runner).units == "mi"


def test_every_reminder_choice_is_saved_over_the_api(runner: User, runner_api: APIClient) -> None:
    pause = _london_today() + dt.timedelta(days=3)
    changes = {
        "reminder_time": "12:00",
        "remind_sessions": False,
        "remind_morning_check": False,
        "remind_missed_sessions": False,
        "remind_plan_changes": False,
        "reminders_paused_until": pause.isoformat(),
        "quiet_hours_start": "13:00",
        "quiet_hours_end": "11:30",
    }
    response = runner_api.patch(PROFILE, changes, format="json")
    assert response.status_code == 200, response.content
    assert {key: response.json()[key] for key in changes} == changes
    assert {key: runner_api.get(PROFILE).json()[key] for key in changes} == changes
    profile = RunnerProfile.objects.get(user=runner)
    assert (profile.quiet_hours_start, profile.quiet_hours_end, profile.reminders_paused_until) == (
        T(13, 0),
        T(11, 30),
        pause,
    )
    cleared = runner_api.patch(
        PROFILE, {"quiet_hours_start": None, "quiet_hours_end": None, "reminders_paused_until": None}, format="json"
    )
    assert cleared.status_code == 200, cleared.content
    assert RunnerProfile.objects.filter(
        user=runner, quiet_hours_start=None, quiet_hours_end=None, reminders_paused_until=None
    ).exists()


def test_one_quiet_hours_end_over_the_api_is_judged_with_the_stored_other(runner: User, runner_api: APIClient) -> None:
    response = runner_api.patch(PROFILE, {"quiet_hours_start": None}, format="json")
    assert response.json()["errors"] == {"quiet_hours_start": [QUIET_HOURS_ONE_END]}
    response = runner_api.patch(PROFILE, {"quiet_hours_start": "23:00"}, format="json")
    assert response.status_code == 200 and response.json()["quiet_hours_end"] == "07:00"


# ---------------------------------------------------------------- queued reminders and the next one


def _queue(user: User, kind: str, day: dt.date, status: str = ReminderStatus.PENDING) -> Reminder:
    due = dt.datetime.combine(day, T(7, 30), tzinfo=dt.UTC)
    return ReminderFactory(user=user, kind=kind, local_date=day, due_at=due, status=status)


def _statuses(*reminders: Reminder) -> list[str]:
    return [Reminder.objects.get(pk=r.pk).status for r in reminders]


def test_a_kind_turned_off_or_a_pause_skips_only_the_queued_reminders_they_rule_out(
    client: Client, runner: User, other_runner: User
) -> None:
    today = _london_today()
    pause = today + dt.timedelta(days=2)
    morning = _queue(runner, ReminderKind.MORNING_CHECK, today + dt.timedelta(days=5))
    session_in_pause = _queue(runner, ReminderKind.SESSION, pause)
    session_after = _queue(runner, ReminderKind.SESSION, pause + dt.timedelta(days=1))
    already_sent = _queue(runner, ReminderKind.SESSION, today, status=ReminderStatus.SENT)
    someone_elses = _queue(other_runner, ReminderKind.MORNING_CHECK, today)
    client.force_login(runner)
    data = {**FORM_DEFAULTS, "reminders_paused_until": pause.isoformat()}
    del data["remind_morning_check"]
    assert client.post(reverse("programs:settings"), data).status_code == 302
    assert _statuses(morning, session_in_pause, session_after, already_sent, someone_elses) == [
        ReminderStatus.SKIPPED,
        ReminderStatus.SKIPPED,
        ReminderStatus.PENDING,
        ReminderStatus.SENT,
        ReminderStatus.PENDING,
    ]


def _profile_choices(profile: RunnerProfile) -> dict[str, Any]:
    names = (
        "reminder_time",
        "reminders_enabled",
        "units",
        "reminders_paused_until",
        "remind_sessions",
        "remind_morning_check",
        "remind_missed_sessions",
        "remind_plan_changes",
        "quiet_hours_start",
        "quiet_hours_end",
    )
    return {name: getattr(profile, name) for name in names}


def test_saving_on_the_page_reschedules_the_next_reminder_after_commit(
    client: Client, runner: User, intake_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    create_plan(runner, intake_data, weeks=6)
    client.force_login(runner)
    data = {**FORM_DEFAULTS, "timezone": "Asia/Tokyo", "reminder_time": "18:15"}
    with at(START, hour=3), django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(reverse("programs:settings"), data).status_code == 302
    # Once; the other callback puts the plan's new facts (the new time zone) in the API's read cache.
    assert [c.__qualname__ for c in callbacks if "reschedule" in c.__qualname__] == [
        "reminders_reschedule_after_commit.<locals>.reschedule"
    ]
    profile = RunnerProfile.objects.get(user=runner)
    assert profile.next_reminder_at is not None and profile.next_reminder_on is not None
    local = profile.next_reminder_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.date(), local.time()) == (profile.next_reminder_on, T(18, 15))
    assert profile.next_reminder_on >= START


def test_saving_over_the_api_moves_or_clears_the_next_reminder(
    runner: User, runner_api: APIClient, intake_data: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    create_plan(runner, intake_data, weeks=6)
    with at(START, hour=3):
        with django_capture_on_commit_callbacks(execute=True):
            assert runner_api.patch(PROFILE, {"reminder_time": "12:40"}).status_code == 200
        first = RunnerProfile.objects.get(user=runner).next_reminder_at
        assert first is not None and first.astimezone(ZoneInfo("Europe/London")).time() == T(12, 40)
        with django_capture_on_commit_callbacks(execute=True):
            assert runner_api.patch(PROFILE, {"reminders_enabled": False}).status_code == 200
    assert RunnerProfile.objects.get(user=runner).next_reminder_at is None, "reminders off: nothing is scheduled"


def test_a_refused_change_schedules_nothing(runner: User, django_capture_on_commit_callbacks: Any) -> None:
    choices = _profile_choices(RunnerProfile.objects.get(user=runner))
    with django_capture_on_commit_callbacks(execute=False) as refused, pytest.raises(ValidationError):
        runner_settings_update(user=runner, timezone_name="Asia/Tokyo", **{**choices, "reminder_time": T(23)})
    assert refused == [], "nothing to reschedule when nothing was saved"
