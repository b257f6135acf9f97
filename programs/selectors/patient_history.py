"""One patient's recent sessions and days, for the physio's patient page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from programs.models import DayLog, ExerciseLog, SessionLog


@dataclass(frozen=True)
class RecentExercise:
    prescription: int
    exercise: str
    exercise_name: str
    pain_during: int | None
    pain_after: int | None
    pain_limit: int
    completed_as_prescribed: bool


@dataclass(frozen=True)
class RecentSession:
    session: int  # the planned session's id, as a log names it
    date: dt.date
    kind: str
    plan_id: int
    notes: str
    exercises: list[RecentExercise]


def recent_sessions(runner_id: int, *, limit: int = 10) -> list[RecentSession]:
    """The runner's latest logged sessions, newest first, with their exercises (two queries)."""
    logs = list(
        SessionLog.objects.filter(runner_id=runner_id)
        .select_related("session")
        .order_by("-session__date", "-id")[:limit]
    )
    by_log: dict[int, list[RecentExercise]] = defaultdict(list)
    exercise_logs = (
        ExerciseLog.objects.filter(session_log__in=[log.pk for log in logs])
        .select_related("prescription__exercise")
        .order_by("prescription__position")
    )
    for e in exercise_logs:
        by_log[e.session_log_id].append(
            RecentExercise(
                prescription=e.prescription_id,
                exercise=e.prescription.exercise.slug,
                exercise_name=e.prescription.exercise.name,
                pain_during=e.pain_during,
                pain_after=e.pain_after,
                pain_limit=e.prescription.pain_limit,
                completed_as_prescribed=e.completed_as_prescribed,
            )
        )
    return [
        RecentSession(
            session=log.session_id,
            date=log.session.date,
            kind=log.session.kind,
            plan_id=log.session.plan_id,
            notes=log.notes,
            exercises=by_log[log.pk],
        )
        for log in logs
    ]


def recent_days(runner_id: int, *, limit: int = 14) -> list[DayLog]:
    """The runner's latest day logs (morning checks, runs), newest first (one query)."""
    return list(DayLog.objects.filter(runner_id=runner_id).order_by("-date")[:limit])
