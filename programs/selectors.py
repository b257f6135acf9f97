"""The read model of stored plans: every page, API endpoint, command and task reads plans through these.

Each read owns its joins and runs a fixed number of queries whatever the plan's length (a day ≤ 5, a week ≤ 6,
the whole plan ≤ 8, counted by tests). What comes back is the rows, for templates that want exercise names, cues
and logs, and `to_domain()`, the same `programs.domain` values the generator returns, so one `plan_to_dict`
serves a generated plan and a stored one alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from exercises.catalogue import dose_from_dict

from . import domain
from .models import ExerciseLog, Plan, PlanChange, PlannedSession, PlanWeek, Prescription
from .state_json import pain_limits_from_dict

if TYPE_CHECKING:
    from accounts.models import User


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The plans a user may read: their own, or their patients' through an active care link. Outsiders get none."""
    return Plan.objects.for_user(user).select_related("runner")


def runner_current_plan(runner: User) -> Plan | None:
    return Plan.objects.current_for_runner(runner)


def _sessions() -> QuerySet[PlannedSession]:
    """Sessions with their prescriptions, exercises and logs: three queries for any number of sessions."""
    prescriptions = (
        Prescription.objects.select_related("exercise")
        .order_by("position")
        .prefetch_related(Prefetch("logs", queryset=ExerciseLog.objects.order_by("id")))
    )
    return (
        PlannedSession.objects.select_related("log")
        .order_by("date", "position")
        .prefetch_related(Prefetch("prescriptions", queryset=prescriptions))
    )


# ---------------------------------------------------------------- rows → domain values


def item_from_row(row: Prescription) -> domain.Item:
    return domain.Item(
        exercise=row.exercise.slug,
        dose=dose_from_dict(row.dose),
        pain_limit=row.pain_limit,
        reason=row.reason,
        times_per_day=row.times_per_day,
        step=row.step,
        scheduled_step=row.scheduled_step,
        slot=row.slot,
        replaces=row.replaces or None,
    )


def _running(row: PlanWeek) -> domain.RunningTarget:
    return domain.RunningTarget(
        target_distance=float(row.target_distance),
        unit=row.unit,  # type: ignore[arg-type]  # stored from the generator's Units
        max_runs=row.max_runs,
        rest_days=row.rest_days,
        speed_work_allowed=row.speed_work_allowed,
        reason=row.running_reason,
    )


def _day(date: dt.date, sessions: list[PlannedSession]) -> domain.Day:
    return domain.Day(
        date,
        tuple(domain.Session(s.kind, tuple(item_from_row(p) for p in s.prescriptions.all())) for s in sessions),
    )


def _week(plan: Plan, row: PlanWeek, sessions: list[PlannedSession]) -> domain.Week:
    first = plan.start + dt.timedelta(weeks=row.number - 1)
    by_date: dict[dt.date, list[PlannedSession]] = {}
    for session in sessions:
        by_date.setdefault(session.date, []).append(session)
    days = tuple(_day(first + dt.timedelta(days=i), by_date.get(first + dt.timedelta(days=i), [])) for i in range(7))
    return domain.Week(row.number, row.phase, _running(row), days)


def week_number_of(plan: Plan, date: dt.date) -> int:
    return (date - plan.start).days // 7 + 1


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class StoredPlan:
    plan: Plan
    weeks: list[PlanWeek]
    sessions: list[PlannedSession]

    def to_domain(self) -> domain.Plan:
        plan = self.plan
        by_week: dict[int, list[PlannedSession]] = {}
        for session in self.sessions:
            by_week.setdefault(session.week_number, []).append(session)
        referral = plan.referral
        limits = pain_limits_from_dict(plan.pain_limits)
        return domain.Plan(
            status=plan.status,  # type: ignore[arg-type]  # an ended plan reads back as it was stored
            referral=domain.Referral(referral["urgency"], referral["message"], tuple(referral.get("reasons", ())))
            if referral
            else None,
            pathway=plan.pathway or None,
            pathway_reason=plan.pathway_reason,
            pain_limits=limits,
            start=plan.start,
            weeks=tuple(_week(plan, row, by_week.get(row.number, [])) for row in self.weeks),
        )

    def exercise_logs(self) -> list[tuple[ExerciseLog, Prescription, PlannedSession]]:
        """Every exercise log of the plan with what it logs, in date order (read from the prefetched rows)."""
        return [
            (log, prescription, session)
            for session in self.sessions
            for prescription in session.prescriptions.all()
            for log in prescription.logs.all()
        ]


@dataclass(frozen=True)
class StoredWeek:
    plan: Plan
    week: PlanWeek
    sessions: list[PlannedSession]

    def to_domain(self) -> domain.Week:
        return _week(self.plan, self.week, self.sessions)


@dataclass(frozen=True)
class StoredDay:
    plan: Plan
    date: dt.date
    week: PlanWeek | None  # None outside the plan's weeks
    sessions: list[PlannedSession]

    def to_domain(self) -> domain.Day:
        return _day(self.date, self.sessions)


def plan_read(plan: Plan) -> StoredPlan:
    """The whole stored plan: four queries (weeks, sessions with their logs, prescriptions, exercise logs)."""
    return StoredPlan(
        plan=plan,
        weeks=list(plan.plan_weeks.order_by("number")),
        sessions=list(_sessions().filter(plan=plan)),
    )


def plan_week_read(plan: Plan, number: int) -> StoredWeek | None:
    week = plan.plan_weeks.filter(number=number).first()
    if week is None:
        return None
    return StoredWeek(plan=plan, week=week, sessions=list(_sessions().filter(plan=plan, week_number=number)))


def plan_day_read(plan: Plan, date: dt.date) -> StoredDay:
    """One day: the week it belongs to, its sessions, items with exercise names and cues, and any logs."""
    week = plan.plan_weeks.filter(number=week_number_of(plan, date)).first()
    sessions = list(_sessions().filter(plan=plan, date=date)) if week is not None else []
    return StoredDay(plan=plan, date=date, week=week, sessions=sessions)


def plan_decisions(plan: Plan) -> QuerySet[PlanChange]:
    """The plan's decision log, newest first, with who or what caused each decision."""
    return PlanChange.objects.filter(plan=plan).newest_first()
