"""The read for the Progress page: a plan's weeks, sessions, logs, day logs and decisions as plain facts.

Five queries whatever the plan's length (weeks, sessions, exercise logs, day logs, decisions); rows are read with
`values_list()` because a 26-week plan has ~300 sessions and the page only needs dates, kinds and numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from programs.clinical.progress import DayLogFact, ExerciseLogFact, SessionFact, WeekTarget
from programs.clinical.state_json import pain_limits_from_dict
from programs.models import DayLog, ExerciseLog, Plan, PlanChange, PlannedSession, PlanWeek
from programs.selectors.decisions import plan_decisions


@dataclass(frozen=True)
class PlanProgress:
    plan: Plan
    targets: list[WeekTarget]
    sessions: list[SessionFact]
    exercise_logs: list[ExerciseLogFact]
    day_logs: list[DayLogFact]
    decisions: list[PlanChange]  # the newest `decisions_limit`
    more_decisions: bool  # older decisions exist beyond those

    @property
    def pain_limit(self) -> int | None:
        limits = pain_limits_from_dict(self.plan.pain_limits)
        return limits.during if limits is not None else None

    @property
    def unit(self) -> str:
        return self.targets[0].unit if self.targets else "km"


def plan_progress_read(plan: Plan, *, decisions_limit: int = 10) -> PlanProgress:
    targets = [
        WeekTarget(number, float(target), unit)
        for number, target, unit in PlanWeek.objects.filter(plan=plan)
        .order_by("number")
        .values_list("number", "target_distance", "unit")
    ]
    sessions = [
        SessionFact(week, date, kind, log_id is not None)
        for week, date, kind, log_id in PlannedSession.objects.filter(plan=plan)
        .order_by("date", "position")
        .values_list("week_number", "date", "kind", "log__id")
    ]
    exercise_logs = [
        ExerciseLogFact(date, kind, pain, float(distance) if distance is not None else None)
        for date, kind, pain, distance in ExerciseLog.objects.filter(session_log__session__plan=plan)
        .order_by("session_log__session__date", "id")
        .values_list("session_log__session__date", "session_log__session__kind", "pain_during", "distance")
    ]
    plan_end = plan.start + dt.timedelta(weeks=plan.weeks)
    day_logs = [
        DayLogFact(date, morning, float(ran) if ran is not None else None)
        for date, morning, ran in DayLog.objects.filter(runner_id=plan.runner_id, date__gte=plan.start)
        .filter(date__lte=plan_end)
        .order_by("date")
        .values_list("date", "next_morning_pain", "ran_distance")
    ]
    decisions = list(plan_decisions(plan)[: decisions_limit + 1])
    return PlanProgress(
        plan=plan,
        targets=targets,
        sessions=sessions,
        exercise_logs=exercise_logs,
        day_logs=day_logs,
        decisions=decisions[:decisions_limit],
        more_decisions=len(decisions) > decisions_limit,
    )
