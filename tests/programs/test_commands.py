"""`manage.py generate_plan` prints the plan JSON of docs/design.md §3; bad input exits 2 with a message per field.
`manage.py seed_demo` makes the demo accounts and a fortnight of history, once."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db.models import F, Q
from django.test import override_settings

from accounts.models import CareLink, Message, Role, RunnerProfile, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.management.commands.seed_demo import ATTENTION_EMAIL, DEMO_PASSWORD, PHYSIO_EMAIL, RUNNER_EMAIL
from programs.models import (
    DayLog,
    ExerciseLog,
    Intake,
    Plan,
    PlanChange,
    PlannedSession,
    Prescription,
    ProgramTemplate,
    SessionLog,
)
from programs.reminders.dispatch import reminders_dispatch
from programs.reminders.sending import reminders_send
from programs.selectors.patients import patient_rows, sort_rows

ROOT = Path(__file__).resolve().parents[2]
SEED_TODAY = dt.date(2026, 11, 21)


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "generate_plan", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_prints_the_plan_contract(
    tmp_path: Path, intake_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("generate_plan", intake=_write(tmp_path, intake_data), start="2026-11-23", weeks="3")
    plan = json.loads(capsys.readouterr().out)
    assert plan["status"] == "active" and plan["referral"] is None and plan["pathway"]
    assert [w["number"] for w in plan["weeks"]] == [1, 2, 3]
    week = plan["weeks"][0]
    assert set(week["running"]) >= {"target_distance", "unit", "max_runs", "rest_days", "speed_work_allowed", "reason"}
    assert week["running"]["unit"] == "km"
    item = next(i for d in week["days"] for s in d["sessions"] for i in s["items"])
    assert {"exercise", "pain_limit", "reason"} <= set(item)
    assert week["days"][0]["date"] >= "2026-11-23"


def test_same_input_same_output(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    path = _write(tmp_path, intake_data)
    first = _run("--intake", path, "--start", "2026-11-23", "--weeks", "4")
    second = _run("--intake", "-", "--start", "2026-11-23", "--weeks", "4", stdin=json.dumps(intake_data))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_invalid_intake_exits_2_with_a_message_per_field(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    intake_data["age"] = "forty"
    intake_data["symptoms"]["pain_at_rest"] = 12
    del intake_data["goal"]
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 2
    assert "age: A valid integer is required." in result.stderr
    assert "symptoms.pain_at_rest: Ensure this value is less than or equal to 10." in result.stderr
    assert "goal: This field is required." in result.stderr
    assert "Traceback" not in result.stderr


def test_field_errors_never_hide_a_red_flag(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    intake_data["age"] = "forty"
    intake_data["symptoms"].update(felt_pop=True, bruising=True, swelling=True, unable_to_walk_normally=True)
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 2
    assert "age: A valid integer is required." in result.stderr
    assert "needs attention (urgent)" in result.stderr
    assert "you cannot walk normally" in result.stderr and "a pop when it started, with bruising" in result.stderr


def test_a_strain_two_days_old_given_in_decimal_weeks_is_referred(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    """The safety review's case: pop, bruising, swelling, cannot walk normally, "0.3 weeks" since onset."""
    intake_data["symptoms"].update(
        onset="sudden", weeks_since_onset=0.3, felt_pop=True, bruising=True, swelling=True, unable_to_walk_normally=True
    )
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["status"] == "needs_clinician" and plan["weeks"] == []
    assert plan["referral"]["urgency"] == "urgent" and plan["referral"]["stops_plan"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "23/11/2026", "--weeks", "4"), "--start"),
        (("--start", "2026-11-23", "--weeks", "0"), "--weeks"),
        (("--start", "2026-11-23", "--weeks", "many"), "--weeks"),
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, intake_data: dict[str, Any], args: tuple[str, ...], message: str) -> None:
    result = _run("--intake", _write(tmp_path, intake_data), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unreadable_or_broken_files_exit_2(tmp_path: Path) -> None:
    missing = _run("--intake", str(tmp_path / "nope.json"), "--start", "2026-11-23", "--weeks", "4")
    broken = _run("--intake", "-", "--start", "2026-11-23", "--weeks", "4", stdin="{not json")
    assert (missing.returncode, broken.returncode) == (2, 2)
    assert "cannot read" in missing.stderr and "not valid JSON" in broken.stderr


# ---------------------------------------------------------------- seed_demo


def _seed_demo(at: dt.date, *args: str) -> str:
    out = io.StringIO()
    # A development machine's setting: with DEBUG off the command refuses (tests/programs/test_seed_demo_guard.py).
    with (
        time_machine.travel(dt.datetime(at.year, at.month, at.day, 9, tzinfo=dt.UTC), tick=False),
        override_settings(DEBUG=True),
    ):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    models = (User, CareLink, Intake, Plan, PlannedSession, Prescription, SessionLog, ExerciseLog, DayLog, PlanChange)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_admin_is_staff_but_neither_a_physio_nor_a_patient() -> None:
    _seed_demo(SEED_TODAY)
    admin = User.objects.get(email="admin@demo.rehabplan.test")
    assert admin.is_staff and admin.is_superuser
    assert not admin.is_physio
    assert not Plan.objects.filter(runner=admin).exists()
    assert not CareLink.objects.filter(Q(runner=admin) | Q(physio=admin)).exists()
    physio = User.objects.get(email="physio@demo.rehabplan.test")
    runner = User.objects.get(email="runner@demo.rehabplan.test")
    assert physio.is_physio and not physio.is_staff
    second = User.objects.get(email=ATTENTION_EMAIL)
    assert sorted(CareLink.objects.patients_of(physio)) == sorted([runner.pk, second.pk])
    for user in (admin, physio, runner):
        assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_corrects_an_admin_an_older_seed_made_a_physio() -> None:
    User.objects.create_user(email="admin@demo.rehabplan.test", password=DEMO_PASSWORD, role=Role.PHYSIO)
    _seed_demo(SEED_TODAY)
    admin = User.objects.get(email="admin@demo.rehabplan.test")
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.RUNNER, True, True)
    assert RunnerProfile.objects.filter(user=admin).exists()


@pytest.mark.django_db
def test_seed_demo_gives_the_physio_a_template_and_a_message_once() -> None:
    _seed_demo(SEED_TODAY)
    physio = User.objects.get(email="physio@demo.rehabplan.test")
    runner = User.objects.get(email="runner@demo.rehabplan.test")
    (template,) = ProgramTemplate.objects.filter(owner=physio)
    assert template.pathway == Plan.objects.get(runner=runner).pathway
    assert template.program == {"max_runs": 3, "pain_limit": 3}
    assert Message.objects.filter(physio=physio, runner=runner, author=physio).count() == 1
    _seed_demo(SEED_TODAY)
    assert ProgramTemplate.objects.filter(owner=physio).count() == 1
    assert Message.objects.filter(physio=physio, runner=runner).count() == 1


# A Saturday and a Tuesday: the plan starts on today's weekday, so its sessions fall differently.
@pytest.mark.parametrize("today", [dt.date(2026, 11, 21), dt.date(2026, 12, 1)])
@pytest.mark.django_db
def test_seed_demo_gives_the_runner_two_weeks_of_history(today: dt.date) -> None:
    _seed_demo(today)
    plan = Plan.objects.get(runner__email="runner@demo.rehabplan.test")
    assert plan.start == today - dt.timedelta(days=14) and plan.status == PlanStatus.ACTIVE

    past = PlannedSession.objects.filter(plan=plan, date__lt=today, prescriptions__isnull=False).distinct()
    logged_dates = sorted(SessionLog.objects.filter(session__plan=plan).values_list("session__date", flat=True))
    assert logged_dates and logged_dates[-1] < today, "nothing today or later is logged: Today still has its forms"
    assert logged_dates[0] == plan.start
    unlogged = past.filter(log__isnull=True)
    assert unlogged.count() == 1 and unlogged.get().kind in {"mobility", "cross_training"}

    above = ExerciseLog.objects.filter(session_log__session__plan=plan, pain_during__gt=F("prescription__pain_limit"))
    assert above.count() == 1
    painful = above.get()
    assert not painful.completed_as_prescribed and painful.session_log.session.kind == "strength"
    stepped_back = PlanChange.objects.filter(
        plan=plan, cause_log=painful.session_log, kind__in=[PlanChangeKind.REGRESS, PlanChangeKind.PAUSE]
    )
    assert stepped_back.exists(), "the painful session shows a decision in the timeline"
    assert PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRESS).count() >= 3
    # everything else was done as prescribed with low pain
    others = ExerciseLog.objects.filter(session_log__session__plan=plan).exclude(pk=painful.pk)
    assert all(log.completed_as_prescribed and log.pain_during <= 2 for log in others)

    days = DayLog.objects.filter(runner=plan.runner)
    mornings = dict(days.filter(next_morning_pain__isnull=False).values_list("date", "next_morning_pain"))
    assert len(mornings) >= 2 and all(plan.start < date < today for date in mornings)
    assert mornings[painful.session_log.session.date + dt.timedelta(days=1)] > min(mornings.values())
    runs = days.filter(ran_distance__isnull=False)
    assert runs.exists() and all(log.run_pain == 1 and log.tightness_after_running is False for log in runs)


@pytest.mark.django_db
def test_seed_demo_gives_the_physio_a_second_patient_who_needs_attention() -> None:
    _seed_demo(SEED_TODAY)
    physio = User.objects.get(email=PHYSIO_EMAIL)
    rows = {row.email: row for row in patient_rows(physio, today=SEED_TODAY)}

    flagged = rows[ATTENTION_EMAIL]
    assert flagged.name == "Sam" and rows[RUNNER_EMAIL].name == "Robin"
    assert {"severe_pain", "morning_pain_rising"} <= set(flagged.flag_codes)
    assert sort_rows(list(rows.values()), None)[0] is flagged, "the list opens with the patient who needs attention"
    mornings = DayLog.objects.filter(runner__email=ATTENTION_EMAIL, next_morning_pain__isnull=False).order_by("date")
    assert [day.next_morning_pain for day in mornings][-3:] == [2, 3, 5]


@pytest.mark.django_db
def test_seed_demo_dates_decisions_over_the_fortnight_and_says_what_changed_from_what_to_what() -> None:
    _seed_demo(SEED_TODAY)
    plan = Plan.objects.get(runner__email=RUNNER_EMAIL)
    changes = PlanChange.objects.filter(plan=plan)

    days = {change.created_at.date() for change in changes}
    assert len(days) >= 4 and all(plan.start <= day < SEED_TODAY for day in days)
    logged_on = {log.created_at.date() for log in SessionLog.objects.filter(session__plan=plan)}
    assert logged_on == set(SessionLog.objects.filter(session__plan=plan).values_list("session__date", flat=True))
    from_to = [change for change in changes.filter(kind=PlanChangeKind.PROGRESS) if " → " in change.reason]
    assert len({change.created_at.date() for change in from_to}) >= 2
    assert all(re.search(r"; .+ → .+$", change.reason) for change in from_to), from_to[0].reason


@pytest.mark.django_db
def test_seed_demo_makes_the_runner_a_reminder_that_goes_within_two_minutes() -> None:
    seeded_at = dt.datetime(SEED_TODAY.year, SEED_TODAY.month, SEED_TODAY.day, 9, tzinfo=dt.UTC)
    _seed_demo(SEED_TODAY)
    profile = RunnerProfile.objects.get(user__email=RUNNER_EMAIL)
    assert profile.next_reminder_at is not None
    assert seeded_at < profile.next_reminder_at <= seeded_at + dt.timedelta(minutes=2)

    due = profile.next_reminder_at
    mail.outbox.clear()
    reminders_dispatch(now=due, enqueue=lambda batch: reminders_send(reminder_ids=batch, now=due))
    assert mail.outbox and {tuple(message.to) for message in mail.outbox} == {(RUNNER_EMAIL,)}


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing() -> None:
    _seed_demo(SEED_TODAY)
    before = _row_counts()
    states = list(Plan.objects.values_list("state", flat=True))
    output = _seed_demo(SEED_TODAY + dt.timedelta(days=1))
    assert _row_counts() == before
    assert list(Plan.objects.values_list("state", flat=True)) == states
    assert "nothing changed" in output and "created" not in output


@pytest.mark.django_db
def test_seed_demo_without_history_starts_this_week_and_logs_nothing() -> None:
    _seed_demo(SEED_TODAY, "--no-history")
    plan = Plan.objects.get(runner__email="runner@demo.rehabplan.test")
    assert plan.start == dt.date(2026, 11, 16)  # the Monday of SEED_TODAY's week
    assert not SessionLog.objects.exists() and not DayLog.objects.exists()
