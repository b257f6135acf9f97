"""What the demo's runners logged over the past fortnight, for `seed_demo`.

Each day is logged through the app's own services, in date order and at its own date, as the runner would have: the
morning check first, then the day's sessions (read again each day, because every log replans the days after it).
The rows a log writes carry the time it was logged, not the moment the demo was seeded, so the plan's decisions
spread over the fortnight as they would have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from accounts.models import CareLink, User
from programs.clinical.config import DEFAULT_CONFIG
from programs.clinical.types import REHAB_KINDS
from programs.models import Intake, Plan, PlanChange, PlannedSession, PlanStateChange, Prescription, SessionLog
from programs.reminders.times import zone_or_utc
from programs.services.logs import day_log_record, session_log_record

# When, on the runner's clock, a day's rows are dated: the morning check before work, sessions after it.
MORNING = dt.time(7, 45)
EVENING = dt.time(18, 30)
EASY_PAIN = (1, 2)


@dataclass(frozen=True)
class Story:
    """How one demo runner's fortnight went.

    One strength day hurts at `painful_pain` on its first exercise (a number, or "severe" for the rules' severe
    threshold of that exercise's limit): `painful_strength_day` counts the strength days whose next morning is before
    today, from 0 (from the end when negative). `mornings` are the next-morning pains after strength days up to the
    morning after the painful day, in date order; other mornings are `MORNING_PAIN`. With `stop_after_pain` the runner logs nothing after the painful
    session but the next morning's check."""

    painful_strength_day: int
    painful_pain: int | str
    mornings: tuple[int, ...]
    notes: str
    skip_one_in_week_two: bool = True
    stop_after_pain: bool = False


MORNING_PAIN = 1


@dataclass
class Logged:
    sessions: int = 0
    missed: int = 0
    painful_day: dt.date | None = None


def log_fortnight(plan: Plan, runner: User, today: dt.date, story: Story) -> Logged:
    """Log every day from the plan's start to yesterday as `story` says."""
    zone = zone_or_utc(runner.runner_profile.timezone)
    _date_setup(plan, runner, dt.datetime.combine(plan.start, MORNING, tzinfo=zone))
    logged = Logged()
    skip = _session_to_skip(plan, today) if story.skip_one_in_week_two else None
    morning_days = _morning_days(plan, today)
    painful_day = morning_days[story.painful_strength_day]
    last_mornings = [day for day in morning_days if day <= painful_day]
    morning_pains = dict(zip(reversed(last_mornings), reversed(story.mornings), strict=False))
    for date in _dates(plan.start, today):
        yesterday = date - dt.timedelta(days=1)
        if yesterday in morning_days and _logged_strength(plan, yesterday):
            pain = morning_pains.get(yesterday, MORNING_PAIN)
            with dated(runner, dt.datetime.combine(date, MORNING, tzinfo=zone)):
                day_log_record(runner=runner, date=date, values={"next_morning_pain": pain, "stiffness": pain})
        if story.stop_after_pain and date > painful_day:
            continue
        for session in PlannedSession.objects.filter(plan=plan, date=date).order_by("position", "id"):
            prescriptions = list(session.prescriptions.select_related("exercise").order_by("position"))
            if not prescriptions or not (session.kind in REHAB_KINDS or session.kind == "run"):
                continue
            if (session.date, session.kind) == skip:
                logged.missed += 1
                continue
            hurt = session.kind == "strength" and date == painful_day
            logged.painful_day = date if hurt else logged.painful_day
            first_pain = _pain(story.painful_pain, prescriptions[0]) if hurt else EASY_PAIN[0]
            entries = [_entry(p, pain=first_pain if i == 0 else EASY_PAIN[i % 2]) for i, p in enumerate(prescriptions)]
            day = None
            if session.kind == "run":
                day = {"ran_distance": entries[0]["distance"], "run_pain": 1, "tightness_after_running": False}
            notes = story.notes if hurt else ""
            with dated(runner, dt.datetime.combine(date, EVENING, tzinfo=zone)):
                session_log_record(session=session, runner=runner, entries=entries, notes=notes, day=day)
            logged.sessions += 1
    return logged


@contextmanager
def dated(runner: User, when: dt.datetime) -> Iterator[None]:
    """The log, the decisions and the rules' state change written inside carry `when` as their time."""
    logs, changes, states = (
        SessionLog.objects.filter(runner=runner),
        PlanChange.objects.filter(plan__runner=runner),
        PlanStateChange.objects.filter(plan__runner=runner),
    )
    last = [rows.aggregate(last=Max("pk"))["last"] or 0 for rows in (logs, changes, states)]
    yield
    for rows, before in zip((logs, changes, states), last, strict=True):
        rows.filter(pk__gt=before).update(created_at=when)


def _date_setup(plan: Plan, runner: User, when: dt.datetime) -> None:
    """The intake, the plan and the runner's consent happened when the plan started, not at seeding."""
    Intake.objects.filter(pk=plan.intake_id).update(created_at=when)
    Plan.objects.filter(pk=plan.pk).update(created_at=when)
    CareLink.objects.active().filter(runner=runner).update(consented_at=when)


def _morning_days(plan: Plan, today: dt.date) -> list[dt.date]:
    """The strength days whose next morning is before today: each gets a morning check (if it was logged)."""
    return sorted(
        set(
            PlannedSession.objects.filter(
                plan=plan, kind="strength", date__lt=today - dt.timedelta(days=1)
            ).values_list("date", flat=True)
        )
    )


def _logged_strength(plan: Plan, date: dt.date) -> bool:
    return SessionLog.objects.filter(session__plan=plan, session__date=date, session__kind="strength").exists()


def _pain(pain: int | str, prescription: Prescription) -> int:
    return min(DEFAULT_CONFIG.severe_pain_at(prescription.pain_limit), 10) if pain == "severe" else int(pain)


def _session_to_skip(plan: Plan, today: dt.date) -> tuple[dt.date, str] | None:
    """The first mobility or cross-training session of the second week, if it has one before today."""
    return (
        PlannedSession.objects.filter(
            plan=plan,
            date__gte=plan.start + dt.timedelta(days=7),
            date__lt=today,
            kind__in=["mobility", "cross_training"],
        )
        .order_by("date", "position")
        .values_list("date", "kind")
        .first()
    )


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day from `start` up to the day before `end`."""
    for offset in range((end - start).days):
        yield start + dt.timedelta(days=offset)


def _entry(prescription: Prescription, *, pain: int) -> dict[str, Any]:
    """What the runner logged for one exercise: the prescribed dose, or a set short when it hurt above the limit."""
    dose = prescription.dose
    above_limit = pain > prescription.pain_limit
    entry: dict[str, Any] = {
        "prescription": prescription.pk,
        "pain_during": pain,
        "pain_after": min(pain, 4) if above_limit else max(pain - 1, 0),
        "rpe": 7 if above_limit else 5,
        "completed_as_prescribed": not above_limit,
    }
    if dose.get("sets"):
        entry["sets_done"] = max(dose["sets"] - 1, 1) if above_limit else dose["sets"]
    for field in ("reps", "hold_seconds", "minutes", "laps", "distance"):
        if dose.get(field) is not None:
            entry["reps_done" if field == "reps" else field] = dose[field]
    return entry
