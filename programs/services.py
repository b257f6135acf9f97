"""The one write path for programs (design.md §1): HTML views, API views, commands and tasks call these.

Each service is keyword-only and atomic. Inputs are already validated by a serializer or form; services
enforce the rules that need the database (ownership, care links, what is history and may not change).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import smtplib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max

from accounts.models import CareLink, User
from exercises.catalogue import Catalogue, dose_from_dict, dose_to_dict, load_catalogue_file

from . import domain
from .generator import generate_plan
from .models import (
    DayLog,
    ExerciseLog,
    Intake,
    Plan,
    PlanChange,
    PlanChangeKind,
    PlannedSession,
    PlanStatus,
    Prescription,
    Reminder,
    ReminderStatus,
    SessionLog,
    StageCheck,
)
from .pathways import Pathway, load_pathways
from .plan_json import intake_from_dict
from .plan_sync import persist_plan_body, sync_future
from .rules import RulesConfig, evaluate
from .state_json import pain_limits_from_dict, state_from_dict, state_to_dict

logger = logging.getLogger(__name__)


@cache
def catalogue() -> Catalogue:
    return load_catalogue_file()


@cache
def pathways() -> Mapping[str, Pathway]:
    return load_pathways()


def rules_config() -> RulesConfig:
    """Running-load defaults from settings (environment), documented in programs.rules.RulesConfig."""
    return dataclasses.replace(
        RulesConfig(),
        weekly_distance_step=settings.REHAB_WEEKLY_DISTANCE_STEP,
        two_week_distance_limit=settings.REHAB_TWO_WEEK_DISTANCE_LIMIT,
        lighter_week_every=settings.REHAB_LIGHTER_WEEK_EVERY,
    )


def generate(
    intake: domain.Intake,
    *,
    start: dt.date,
    weeks: int,
    state: domain.PlanState = domain.INITIAL_STATE,
    pain_limits: domain.PainLimits | None = None,
) -> domain.Plan:
    """The pure generator fed with the project's catalogue, pathways and configured rules. Writes nothing."""
    return generate_plan(
        intake,
        start=start,
        weeks=weeks,
        catalogue=catalogue(),
        pathways=pathways(),
        config=rules_config(),
        state=state,
        pain_limits=pain_limits,
    )


@transaction.atomic
def intake_record(*, runner: User, data: Mapping[str, Any]) -> Intake:
    """Store a new version of the runner's intake (validated by IntakeSerializer). Old versions stay."""
    last = Intake.objects.for_runner(runner).aggregate(v=Max("version"))["v"] or 0
    return Intake.objects.create(runner=runner, version=last + 1, data=dict(data))


@transaction.atomic
def plan_create(*, intake: Intake, start: dt.date, weeks: int) -> Plan:
    """Generate a plan from the intake and persist it in a fixed number of queries.

    A red flag gives a plan with status needs_clinician, its referral, and no prescriptions (design.md §5).
    """
    generated = generate(intake_from_dict(intake.data), start=start, weeks=weeks)
    plan = Plan.objects.create(
        runner=intake.runner,
        intake=intake,
        status=generated.status,
        referral=dataclasses.asdict(generated.referral) if generated.referral else None,
        pathway=generated.pathway or "",
        pathway_reason=generated.pathway_reason,
        start=start,
        weeks=weeks,
        pain_limits=dataclasses.asdict(generated.pain_limits) if generated.pain_limits else None,
        state=state_to_dict(domain.INITIAL_STATE),
    )
    persist_plan_body(plan, generated.weeks)
    return plan


def _completed_as_prescribed(dose: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
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
        elif float(actual) < float(target):
            return False
    return True


def _day_log_upsert(*, runner: User, date: dt.date, values: Mapping[str, Any]) -> DayLog:
    fields = ("next_morning_pain", "stiffness", "flare", "tightness_after_running", "ran_distance")
    day_log, _ = DayLog.objects.update_or_create(
        runner=runner, date=date, defaults={f: values[f] for f in fields if f in values}
    )
    return day_log


@transaction.atomic
def session_log_record(
    *,
    session: PlannedSession,
    runner: User,
    entries: Sequence[Mapping[str, Any]],
    notes: str = "",
    day: Mapping[str, Any] | None = None,
) -> SessionLog:
    """Store what was done in a session, then re-run the rules over the plan's remaining sessions.

    `entries`: one mapping per prescription done (`prescription` id, sets_done, reps_done, hold_seconds, laps,
    minutes, distance, pain_during, pain_after, rpe, notes, optional completed_as_prescribed).
    `day`: next_morning_pain, stiffness, flare, tightness_after_running for the session's day.
    """
    plan = Plan.objects.select_for_update().get(pk=session.plan_id)
    if plan.runner_id != runner.pk:
        raise PermissionDenied("This session belongs to another runner.")
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError("This plan is paused until a clinician has seen you; logging is closed.")
    if SessionLog.objects.filter(session=session).exists():
        raise ValidationError({"session": "This session is already logged; logs are never rewritten."})
    prescriptions = {p.pk: p for p in session.prescriptions.all()}
    unknown = [e.get("prescription") for e in entries if e.get("prescription") not in prescriptions]
    if unknown:
        raise ValidationError({"entries": f"Not part of this session: {unknown}."})
    session_log = SessionLog.objects.create(session=session, runner=runner, notes=notes)
    log_fields = (
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
    ExerciseLog.objects.bulk_create(
        ExerciseLog(
            session_log=session_log,
            prescription=prescriptions[e["prescription"]],
            completed_as_prescribed=_completed_as_prescribed(prescriptions[e["prescription"]].dose, e),
            **{f: e[f] for f in log_fields if e.get(f) is not None},
        )
        for e in entries
    )
    if day:
        _day_log_upsert(runner=runner, date=session.date, values=day)
    _replan(plan, as_of=session.date, cause_log=session_log)
    return session_log


@transaction.atomic
def day_log_record(*, runner: User, date: dt.date, values: Mapping[str, Any]) -> DayLog:
    """Store next-morning pain, stiffness, a flare or tightness after running, and re-run the rules."""
    day_log = _day_log_upsert(runner=runner, date=date, values=values)
    for plan in Plan.objects.select_for_update().filter(runner=runner, status=PlanStatus.ACTIVE):
        _replan(plan, as_of=date, cause_log=None)
    return day_log


def _history(plan: Plan) -> tuple[list[domain.ExerciseLog], list[domain.DayLog], dict[str, dict[str, bool]]]:
    exercise_logs = [
        domain.ExerciseLog(
            date=log.session_log.session.date,
            exercise=log.prescription.exercise.slug,
            completed_as_prescribed=log.completed_as_prescribed,
            pain_during=log.pain_during,
            pain_after=log.pain_after,
        )
        for log in ExerciseLog.objects.filter(session_log__session__plan=plan)
        .select_related("session_log__session", "prescription__exercise")
        .order_by("session_log__session__date", "id")
    ]
    day_logs = [
        domain.DayLog(
            date=d.date,
            next_morning_pain=d.next_morning_pain,
            stiffness=d.stiffness,
            flare=d.flare,
            tightness_after_running=d.tightness_after_running,
            ran_distance=float(d.ran_distance) if d.ran_distance is not None else None,
        )
        for d in DayLog.objects.filter(runner_id=plan.runner_id, date__gte=plan.start).order_by("date")
    ]
    answers = {check.phase: check.answers for check in plan.stage_checks.order_by("created_at")}
    return exercise_logs, day_logs, answers


def _replan(plan: Plan, *, as_of: dt.date, cause_log: SessionLog | None) -> list[PlanChange]:
    """Evaluate the rules over everything logged so far and apply the result to the unlogged future."""
    if plan.status != PlanStatus.ACTIVE or not plan.pathway:
        return []
    state = state_from_dict(plan.state)
    limits = pain_limits_from_dict(plan.pain_limits)
    intake = intake_from_dict(plan.intake.data)
    current = generate(intake, start=plan.start, weeks=plan.weeks, state=state, pain_limits=limits)
    exercise_logs, day_logs, answers = _history(plan)
    new_state, _decisions = evaluate(
        plan=current,
        state=state,
        exercise_logs=exercise_logs,
        day_logs=day_logs,
        as_of=as_of,
        pathway=pathways()[plan.pathway],
        pain_limits=limits,
        config=rules_config(),
        criteria_answers=answers,
        catalogue=catalogue(),
    )
    if new_state == state:
        return []
    plan.state = state_to_dict(new_state)
    plan.save(update_fields=["state"])
    regenerated = generate(intake, start=plan.start, weeks=plan.weeks, state=new_state, pain_limits=limits)
    return sync_future(plan, regenerated, after=as_of, cause_log=cause_log)


def _physio_may_manage(physio: User, runner_id: int) -> bool:
    return physio.is_physio and CareLink.objects.active().filter(physio=physio, runner_id=runner_id).exists()


@transaction.atomic
def prescription_override(
    *, prescription: Prescription, physio: User, dose: Mapping[str, Any], reason: str
) -> PlanChange:
    """A physio sets a dose by hand. It is recorded as a PlanChange and the rules never undo it."""
    session = prescription.session
    if not _physio_may_manage(physio, session.plan.runner_id):
        raise PermissionDenied("Only a physio with an active link to this runner can change the plan.")
    if SessionLog.objects.filter(session=session).exists():
        raise ValidationError({"prescription": "This session is already logged; history is never rewritten."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the dose changes; the runner sees it."})
    new_dose = dose_to_dict(dose_from_dict(dose))
    change = PlanChange.objects.create(
        plan=session.plan,
        kind=PlanChangeKind.OVERRIDE,
        date=session.date,
        session_kind=session.kind,
        exercise=prescription.exercise.slug,
        prescription=prescription,
        before={"dose": prescription.dose},
        after={"dose": new_dose},
        reason=reason.strip(),
        author=physio,
    )
    prescription.dose, prescription.reason, prescription.overridden = (
        new_dose,
        f"set by your physio: {reason.strip()}",
        True,
    )
    prescription.save(update_fields=["dose", "reason", "overridden"])
    return change


@transaction.atomic
def plan_clinician_clear(*, plan: Plan, physio: User, note: str, start: dt.date) -> PlanChange:
    """A physio who assessed the runner clears the red flags; the plan is generated from `start` (design.md §5).

    The referral, the physio and their note are kept on the plan and in a PlanChange.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not _physio_may_manage(physio, plan.runner_id):
        raise PermissionDenied("Only a physio with an active link to this runner can clear red flags.")
    if plan.status != PlanStatus.NEEDS_CLINICIAN:
        raise ValidationError({"plan": "This plan has no open red flag to clear."})
    if not note.strip():
        raise ValidationError({"note": "Record what the assessment found."})
    state = dataclasses.replace(state_from_dict(plan.state), clinician_cleared=True)
    generated = generate(intake_from_dict(plan.intake.data), start=start, weeks=plan.weeks, state=state)
    before = {"status": plan.status, "referral": plan.referral, "start": plan.start.isoformat()}
    plan.status, plan.start, plan.state = generated.status, start, state_to_dict(state)
    plan.pain_limits = dataclasses.asdict(generated.pain_limits) if generated.pain_limits else None
    plan.clinician_clearance = {"physio": physio.email, "note": note.strip(), "referral": plan.referral}
    plan.referral = None
    plan.save(update_fields=["status", "start", "state", "pain_limits", "clinician_clearance", "referral"])
    persist_plan_body(plan, generated.weeks)
    return PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.CLEARANCE,
        date=start,
        before=before,
        after={"status": plan.status, "start": start.isoformat()},
        reason=note.strip(),
        author=physio,
    )


@transaction.atomic
def stage_check_record(*, plan: Plan, phase: str, answers: Mapping[str, bool], by: User, as_of: dt.date) -> StageCheck:
    """Record answers to a phase's exit checklist; the stage_gate rule decides whether the phase ends."""
    if by.pk != plan.runner_id and not _physio_may_manage(by, plan.runner_id):
        raise PermissionDenied("Only the runner or their physio can answer this checklist.")
    check = StageCheck.objects.create(plan=plan, phase=phase, answers=dict(answers), answered_by=by)
    _replan(Plan.objects.select_for_update().get(pk=plan.pk), as_of=as_of, cause_log=None)
    return check


REMINDER_MAX_ATTEMPTS = 3
REMINDER_BATCH = 200


def _reminder_claim(reminder_id: int) -> bool:
    """Claim one row with a conditional UPDATE, so two workers (or two beats) never send it twice."""
    claimed = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENDING, attempts=F("attempts") + 1
    )
    return claimed == 1


def reminders_dispatch_due(*, now: dt.datetime) -> int:
    """Send every pending reminder whose time has come; failed sends go back to pending, up to 3 attempts."""
    sent = 0
    due_ids = list(Reminder.objects.due(now).order_by("due_at").values_list("pk", flat=True)[:REMINDER_BATCH])
    for reminder_id in due_ids:
        if not _reminder_claim(reminder_id):
            continue
        reminder = Reminder.objects.select_related("runner").get(pk=reminder_id)
        try:
            send_mail(reminder.subject, reminder.body, None, [reminder.runner.email])
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("reminder %s not sent: %s", reminder_id, exc)
            status = ReminderStatus.FAILED if reminder.attempts >= REMINDER_MAX_ATTEMPTS else ReminderStatus.PENDING
            Reminder.objects.filter(pk=reminder_id).update(status=status, last_error=str(exc)[:500])
            continue
        Reminder.objects.filter(pk=reminder_id).update(status=ReminderStatus.SENT, sent_at=now)
        sent += 1
    return sent
