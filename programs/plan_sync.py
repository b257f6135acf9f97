"""Write a generated plan to the database, and bring future sessions in line with a regenerated plan.

Both run inside the calling service's transaction. Query counts do not grow with the plan's length:
each kind of row is written with one bulk statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from exercises.catalogue import dose_to_dict
from exercises.models import Exercise

from . import domain
from .models import Plan, PlanChange, PlanChangeKind, PlannedSession, PlanWeek, Prescription, SessionLog


def _exercise_ids(slugs: Iterable[str]) -> dict[str, int]:
    return dict(Exercise.objects.filter(slug__in=set(slugs)).values_list("slug", "id"))


def _plan_week_row(plan: Plan, week: domain.Week) -> PlanWeek:
    running = week.running
    return PlanWeek(
        plan=plan,
        number=week.number,
        phase=week.phase,
        target_distance=round(running.target_distance, 1),
        unit=running.unit,
        max_runs=running.max_runs,
        rest_days=running.rest_days,
        speed_work_allowed=running.speed_work_allowed,
        running_reason=running.reason,
    )


def _prescription_row(session: PlannedSession, position: int, item: domain.Item, ids: dict[str, int]) -> Prescription:
    return Prescription(
        session=session,
        exercise_id=ids[item.exercise],
        position=position,
        dose=dose_to_dict(item.dose),
        pain_limit=item.pain_limit,
        reason=item.reason,
        times_per_day=item.times_per_day,
    )


def _create_sessions(
    plan: Plan, planned: list[tuple[int, int, domain.Session, dt.date]]
) -> list[tuple[PlannedSession, domain.Session]]:
    """Insert sessions, then their prescriptions: two statements whatever the number of sessions."""
    sessions = PlannedSession.objects.bulk_create(
        PlannedSession(plan=plan, week_number=week_number, date=date, kind=session.kind, position=position)
        for week_number, position, session, date in planned
    )
    ids = _exercise_ids(item.exercise for _, _, session, _ in planned for item in session.items)
    Prescription.objects.bulk_create(
        _prescription_row(row, position, item, ids)
        for row, (_, _, session, _) in zip(sessions, planned, strict=True)
        for position, item in enumerate(session.items)
    )
    return list(zip(sessions, (session for _, _, session, _ in planned), strict=True))


def persist_plan_body(plan: Plan, weeks: tuple[domain.Week, ...]) -> None:
    PlanWeek.objects.bulk_create(_plan_week_row(plan, week) for week in weeks)
    _create_sessions(
        plan,
        [
            (week.number, position, session, day.date)
            for week in weeks
            for day in week.days
            for position, session in enumerate(day.sessions)
        ],
    )


@dataclass
class _Changes:
    rows: list[PlanChange]
    cause_log: SessionLog | None

    def add(
        self,
        plan: Plan,
        *,
        date: dt.date | None,
        session_kind: str,
        exercise: str,
        before: object,
        after: object,
        reason: str,
        prescription: Prescription | None = None,
    ) -> None:
        self.rows.append(
            PlanChange(
                plan=plan,
                kind=PlanChangeKind.RULE,
                date=date,
                session_kind=session_kind,
                exercise=exercise,
                prescription=prescription,
                before=before,
                after=after,
                reason=reason,
                cause_log=self.cause_log,
            )
        )


def _item_snapshot(exercise: str, dose: dict, pain_limit: int) -> dict:
    return {"exercise": exercise, "dose": dose, "pain_limit": pain_limit}


def _sync_session_items(
    plan: Plan, row: PlannedSession, session: domain.Session, ids: dict[str, int], changes: _Changes
) -> tuple[list[Prescription], list[Prescription], list[int]]:
    """Compare one stored session with its regenerated twin, slot by slot. Overridden slots stay as the physio set them."""
    to_update: list[Prescription] = []
    to_create: list[Prescription] = []
    to_delete: list[int] = []
    old_items = list(row.prescriptions.all())
    for position in range(max(len(old_items), len(session.items))):
        old = old_items[position] if position < len(old_items) else None
        new = session.items[position] if position < len(session.items) else None
        if old is not None and old.overridden:
            continue
        if new is None:
            assert old is not None
            changes.add(
                plan,
                date=row.date,
                session_kind=row.kind,
                exercise=old.exercise.slug,
                before=_item_snapshot(old.exercise.slug, old.dose, old.pain_limit),
                after=None,
                reason="removed: the session no longer needs it after the latest update",
            )
            to_delete.append(old.pk)
            continue
        after = _item_snapshot(new.exercise, dose_to_dict(new.dose), new.pain_limit)
        before = None if old is None else _item_snapshot(old.exercise.slug, old.dose, old.pain_limit)
        if before != after:
            changes.add(
                plan,
                date=row.date,
                session_kind=row.kind,
                exercise=new.exercise,
                before=before,
                after=after,
                reason=new.reason,
                prescription=old,
            )
        if old is None:
            to_create.append(_prescription_row(row, position, new, ids))
            continue
        if before != after or old.reason != new.reason or old.times_per_day != new.times_per_day:
            old.exercise_id = ids[new.exercise]
            old.dose, old.pain_limit, old.reason, old.times_per_day = (
                after["dose"],
                new.pain_limit,
                new.reason,
                new.times_per_day,
            )
            to_update.append(old)
    return to_update, to_create, to_delete


def sync_future(
    plan: Plan, generated: domain.Plan, *, after: dt.date, cause_log: SessionLog | None
) -> list[PlanChange]:
    """Make unlogged sessions dated after `after` match `generated`; record each change with its reason.

    Sessions on or before `after`, and any logged session, are history and are never touched.
    """
    changes = _Changes(rows=[], cause_log=cause_log)
    stored = {
        (s.date, s.kind): s
        for s in PlannedSession.objects.filter(plan=plan, date__gt=after)
        .select_related("log")
        .prefetch_related(
            Prefetch("prescriptions", queryset=Prescription.objects.select_related("exercise").order_by("position"))
        )
    }
    wanted = {
        (day.date, session.kind): (week.number, position, session)
        for week in generated.weeks
        for day in week.days
        if day.date > after
        for position, session in enumerate(day.sessions)
    }
    ids = _exercise_ids(item.exercise for _, _, session in wanted.values() for item in session.items)
    to_update: list[Prescription] = []
    to_create: list[Prescription] = []
    to_delete: list[int] = []
    sessions_to_delete: list[int] = []
    new_sessions: list[tuple[int, int, domain.Session, dt.date]] = []
    for key, (week_number, position, session) in wanted.items():
        row = stored.get(key)
        if row is None:
            new_sessions.append((week_number, position, session, key[0]))
        elif not hasattr(row, "log"):
            updated, created, deleted = _sync_session_items(plan, row, session, ids, changes)
            to_update += updated
            to_create += created
            to_delete += deleted
    for key, row in stored.items():
        if key in wanted or hasattr(row, "log") or any(p.overridden for p in row.prescriptions.all()):
            continue
        sessions_to_delete.append(row.pk)
        changes.add(
            plan,
            date=row.date,
            session_kind=row.kind,
            exercise="",
            before=[_item_snapshot(p.exercise.slug, p.dose, p.pain_limit) for p in row.prescriptions.all()],
            after=None,
            reason="session removed by the latest update of the plan",
        )
    for row, session in _create_sessions(plan, new_sessions) if new_sessions else []:
        changes.add(
            plan,
            date=row.date,
            session_kind=row.kind,
            exercise="",
            before=None,
            after=[_item_snapshot(i.exercise, dose_to_dict(i.dose), i.pain_limit) for i in session.items],
            reason="; ".join(dict.fromkeys(i.reason for i in session.items)) or "session added",
        )
    if to_delete:
        Prescription.objects.filter(pk__in=to_delete).delete()
    if sessions_to_delete:
        PlannedSession.objects.filter(pk__in=sessions_to_delete).delete()
    if to_update:
        Prescription.objects.bulk_update(to_update, ["exercise", "dose", "pain_limit", "reason", "times_per_day"])
    if to_create:
        Prescription.objects.bulk_create(to_create)
    _sync_weeks(plan, generated, after=after, changes=changes)
    return PlanChange.objects.bulk_create(changes.rows)


def _sync_weeks(plan: Plan, generated: domain.Plan, *, after: dt.date, changes: _Changes) -> None:
    """Update running targets and phases of weeks that are not over yet."""
    first_open_week = (after - plan.start).days // 7 + 1
    stored = {w.number: w for w in plan.plan_weeks.filter(number__gte=first_open_week)}
    to_update: list[PlanWeek] = []
    for week in generated.weeks:
        row = stored.get(week.number)
        if row is None:
            continue
        fresh = _plan_week_row(plan, week)
        fields = ["phase", "target_distance", "max_runs", "rest_days", "speed_work_allowed"]
        before = {f: _plain(getattr(row, f)) for f in fields}
        after_values = {f: _plain(getattr(fresh, f)) for f in fields}
        if before != after_values:
            changes.add(
                plan,
                date=plan.start + dt.timedelta(weeks=week.number - 1),
                session_kind="run",
                exercise="",
                before=before,
                after=after_values,
                reason=week.running.reason,
            )
        if before != after_values or row.running_reason != fresh.running_reason:
            for f in [*fields, "running_reason"]:
                setattr(row, f, getattr(fresh, f))
            to_update.append(row)
    if to_update:
        PlanWeek.objects.bulk_update(to_update, [*fields, "running_reason"])


def _plain(value: object) -> object:
    """Decimal columns compare with the generator's floats."""
    return float(value) if isinstance(value, Decimal) else value
