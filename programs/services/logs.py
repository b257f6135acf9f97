"""What the runner did: session logs, day logs and stage checklists, each followed by one replan."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.access_log import record_access
from accounts.models import AccessedData, AccessKind, CareLink, User
from programs.choices import PlanStatus
from programs.models import DayLog, ExerciseLog, Plan, PlannedSession, Prescription, SessionLog, StageCheck
from programs.selectors.today import runner_today
from programs.services.plans import plan_replan
from programs.services.revisions import plan_locked

# Codes of the ValidationErrors a client cannot fix by changing its input (the API answers them with 409).
LOGGING_CLOSED = "logging_closed"
LOGGED = "already_logged"
GONE = "session_gone"

EXERCISE_LOG_FIELDS = (
    "sets_done",
    "reps_done",
    "hold_seconds",
    "laps",
    "minutes",
    "distance",
    "pain_during",
    "pain_after",
    "rpe",
    "notes",
)


def reached(actual: Decimal | float | int, target: Decimal | float | int | None) -> bool:
    """`actual` is at least `target`, compared as the decimals they are written as: a typed 5.7 reaches a plan's
    5.7, though the float 5.7 is a hair above the decimal 5.7."""
    return target is None or Decimal(str(actual)) >= Decimal(str(target))


def completed_as_prescribed(dose: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    """Done as prescribed: every prescribed number reached (reps compared set by set when given as a list)."""
    if "completed_as_prescribed" in entry and entry["completed_as_prescribed"] is not None:
        return bool(entry["completed_as_prescribed"])
    done = {"sets": entry.get("sets_done"), "reps": entry.get("reps_done"), **entry}
    for field, target in dose.items():
        if field == "pace_percent":
            continue
        actual = done.get(field)
        if actual is None:
            return False
        if isinstance(target, list):
            actual_list = actual if isinstance(actual, list) else [actual] * len(target)
            if len(actual_list) < len(target) or any(a < t for a, t in zip(actual_list, target, strict=False)):
                return False
        elif isinstance(actual, list):
            if len(actual) < (dose.get("sets") or 1) or min(actual) < target:
                return False
        elif not reached(actual, target):
            return False
    return True


DAY_LOG_FIELDS = (
    "next_morning_pain",
    "stiffness",
    "flare",
    "tightness_after_running",
    "ran_distance",
    "run_pain",
    "red_flags",
    "pain_free_check",
)


def _day_log_upsert(
    *, runner: User, date: dt.date, values: Mapping[str, Any], client_id: uuid.UUID | None = None
) -> DayLog:
    defaults = {f: values[f] for f in DAY_LOG_FIELDS if f in values}
    if client_id is not None:
        defaults["client_id"] = client_id
    day_log, _ = DayLog.objects.update_or_create(runner=runner, date=date, defaults=defaults)
    return day_log


def session_log_record(
    *,
    session: PlannedSession,
    runner: User,
    entries: Sequence[Mapping[str, Any]],
    notes: str = "",
    day: Mapping[str, Any] | None = None,
    client_id: uuid.UUID | None = None,
) -> SessionLog:
    """Store what was done in a session, then re-run the rules over the plan's remaining sessions.

    `entries`: one mapping per prescription done (`prescription` id, sets_done, reps_done, hold_seconds, laps,
    minutes, distance, pain_during, pain_after, rpe, notes, optional completed_as_prescribed).
    `day`: next_morning_pain, stiffness, flare, tightness_after_running for the session's day.
    `client_id`: the client's id for this log; sending it again (a retry, an offline queue replayed, two requests
    at once) returns the log already stored instead of storing a second one.
    """
    try:
        return _session_log_record(
            session=session, runner=runner, entries=entries, notes=notes, day=day, client_id=client_id
        )
    except IntegrityError:
        # Two requests with the same client id raced past the check below; the other one stored it.
        stored = _stored_by_client_id(runner, client_id)
        if stored is None:
            raise
        return stored


def _stored_by_client_id(runner: User, client_id: uuid.UUID | None) -> SessionLog | None:
    if client_id is None:
        return None
    return SessionLog.objects.filter(runner=runner, client_id=client_id).first()


@transaction.atomic
def _session_log_record(
    *,
    session: PlannedSession,
    runner: User,
    entries: Sequence[Mapping[str, Any]],
    notes: str,
    day: Mapping[str, Any] | None,
    client_id: uuid.UUID | None,
) -> SessionLog:
    plan = plan_locked(session.plan_id)
    if plan.runner_id != runner.pk:
        raise PermissionDenied("This session belongs to another runner.")
    # Checked under the plan's lock, so a duplicate that waited for the first sees what it stored.
    if (stored := _stored_by_client_id(runner, client_id)) is not None:
        return stored
    if plan.status == PlanStatus.ENDED:
        raise ValidationError("This plan has ended; logging is closed.", code=LOGGING_CLOSED)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError(
            "This plan is paused until a clinician has seen you; logging is closed.", code=LOGGING_CLOSED
        )
    if SessionLog.objects.filter(session=session).exists():
        raise ValidationError(
            {"session": ValidationError("This session is already logged; logs are never rewritten.", code=LOGGED)}
        )
    # Read under the lock, not from the caller's copy: a log of an earlier day may have replanned this session
    # away (a queue of offline logs sent at once) or changed its exercises.
    prescriptions = {p.pk: p for p in Prescription.objects.filter(session_id=session.pk)}
    if not prescriptions and not PlannedSession.objects.filter(pk=session.pk).exists():
        raise ValidationError(
            {
                "session": ValidationError(
                    "This session is no longer in your plan: it changed after an earlier log.", code=GONE
                )
            }
        )
    unknown = [e.get("prescription") for e in entries if e.get("prescription") not in prescriptions]
    if unknown:
        raise ValidationError({"entries": f"Not part of this session: {unknown}."})
    session_log = SessionLog.objects.create(session=session, runner=runner, notes=notes, client_id=client_id)
    ExerciseLog.objects.bulk_create(
        ExerciseLog(
            session_log=session_log,
            prescription=prescriptions[e["prescription"]],
            completed_as_prescribed=completed_as_prescribed(prescriptions[e["prescription"]].dose, e),
            **{f: e[f] for f in EXERCISE_LOG_FIELDS if e.get(f) is not None},
        )
        for e in entries
    )
    if day:
        _day_log_upsert(runner=runner, date=session.date, values=day)
    plan_replan(plan, as_of=session.date, cause_log=session_log, history_through=_history_through(runner, session.date))
    return session_log


def _history_through(runner: User, date: dt.date) -> dt.date:
    """What a log leaves as it was: the days before the logged day when it is about the runner's today (or later), so
    the rules' reaction (a hold, a pause of the day's run) applies from that day's sessions still to do; for an
    earlier day, that day itself (the days since then are not rewritten more than before)."""
    return date - dt.timedelta(days=1) if date >= runner_today(runner) else date


def day_log_record(
    *, runner: User, date: dt.date, values: Mapping[str, Any], client_id: uuid.UUID | None = None
) -> DayLog:
    """Store what the runner reports about a day — next-morning pain and stiffness, a flare, a run (distance, pain,
    tightness after), red-flag questions answered yes, a pain-free try of paused exercises — and re-run the rules.
    A stop-tier red flag stops the plan at once; the rules' decisions say why.

    Only the fields in `values` change. Red flags already recorded for the day stay recorded: a later answer adds
    to them and never erases one (a red flag is taken back only by a clinician's clearance, docs/design.md §5).
    `client_id`: the client's id for this check (a morning check); sending it again (a retry, two requests at
    once) returns the day as stored instead of recording it twice. The day keeps the id of its latest check.
    """
    try:
        return _day_log_record(runner=runner, date=date, values=values, client_id=client_id)
    except IntegrityError:
        # Two requests with the same client id raced past the check below (a runner with no active plan takes no
        # lock); the other one stored it.
        if client_id is None or (stored := _day_stored_by_client_id(runner, client_id)) is None:
            raise
        return stored


def _day_stored_by_client_id(runner: User, client_id: uuid.UUID | None) -> DayLog | None:
    if client_id is None:
        return None
    return DayLog.objects.filter(runner=runner, client_id=client_id).first()


@transaction.atomic
def _day_log_record(*, runner: User, date: dt.date, values: Mapping[str, Any], client_id: uuid.UUID | None) -> DayLog:
    # The active plans are locked before anything is read, so a duplicate that waited sees what the first stored.
    plans = [
        plan_locked(pk)
        for pk in Plan.objects.filter(runner=runner, status=PlanStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    if (stored := _day_stored_by_client_id(runner, client_id)) is not None:
        return stored
    values = dict(values)
    answered = "red_flags" in values  # "none noticed" answers the questions too
    if values.get("red_flags"):
        already = DayLog.objects.filter(runner=runner, date=date).values_list("red_flags", flat=True).first() or []
        values["red_flags"] = [*already, *(flag for flag in values["red_flags"] if flag not in already)]
    elif "red_flags" in values:
        values.pop("red_flags")  # "none noticed" leaves what was reported earlier that day
    day_log = _day_log_upsert(runner=runner, date=date, values=values, client_id=client_id)
    for plan in plans:
        plan_replan(plan, as_of=date, history_through=_history_through(runner, date), red_flags_answered=answered)
    return day_log


@transaction.atomic
def stage_check_record(*, plan: Plan, phase: str, answers: Mapping[str, bool], by: User, as_of: dt.date) -> StageCheck:
    """Record answers to a phase's exit checklist; the stage_gate rule decides whether the phase ends."""
    if by.pk != plan.runner_id and not CareLink.objects.physio_may_see(by, plan.runner_id):
        raise PermissionDenied("Only the runner or their physio can answer this checklist.")
    check = StageCheck.objects.create(plan=plan, phase=phase, answers=dict(answers), answered_by=by)
    plan_replan(plan_locked(plan.pk), as_of=as_of, author=by if by.pk != plan.runner_id else None)
    record_access(actor=by, runner_id=plan.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return check
