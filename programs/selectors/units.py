"""The runner's unit for distances (their Settings' choice) and a plan's rows as they read in it.

Every surface that shows a distance asks here: Today, the week and day pages, Progress, the printed plan, the API,
reminder e-mails and the calendar feed. The rows handed out are for reading only; the rules always read the plan's
own rows (`programs.selectors.plans`), in the plan's unit.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from programs.clinical.progress import WeekRunning
from programs.clinical.units import Distances
from programs.models import PlannedSession, PlanWeek
from programs.selectors.plans import ItemRow, SessionRow, StoredDay, plan_day_read

if TYPE_CHECKING:
    import datetime as dt

    from accounts.models import User
    from programs.models import ExerciseLog, Plan

DEFAULT_UNIT = "km"  # the generator's, for a plan with no weeks to say


def runner_distances(runner: User, stored: str | None) -> Distances:
    """The runner's unit for a plan stored in `stored` (a week's unit). The profile is read once per user object."""
    stored = stored or DEFAULT_UNIT
    profile = getattr(runner, "runner_profile", None)  # a physio has none (the missing row is an AttributeError)
    return Distances(stored=stored, shown=profile.units if profile is not None else stored)


def session_unit(session: PlannedSession) -> str:
    """The unit a session's distances are stored in: its week's."""
    weeks = PlanWeek.objects.filter(plan_id=session.plan_id, number=session.week_number)
    return weeks.values_list("unit", flat=True).first() or DEFAULT_UNIT


def sessions_shown(sessions: Iterable[SessionRow], distances: Distances) -> list[SessionRow]:
    """The sessions with their doses' and logs' distances in the runner's unit."""
    if distances.stored == distances.shown:
        return list(sessions)
    return [dataclasses.replace(s, items=tuple(_item_shown(item, distances) for item in s.items)) for s in sessions]


def _item_shown(item: ItemRow, distances: Distances) -> ItemRow:
    distance = item.dose.get("distance")
    dose = item.dose if distance is None else {**item.dose, "distance": distances.show(distance)}
    logs = tuple(_log_shown(log, distances) for log in item.logs)
    return dataclasses.replace(item, dose=dose, reason=reason_shown(item.reason, distances), logs=logs)


# A distance in a stored reason ("Easy run: 10.5 km of this week's 31.6 km"), written in the plan's unit.
_REASON_DISTANCE = re.compile(r"\b(\d+(?:\.\d+)?) (km|miles|mi)\b")


def reason_shown(reason: str, distances: Distances) -> str:
    """A reason's distances in the runner's unit: the generator wrote them in the plan's."""
    if distances.stored == distances.shown:
        return reason

    def shown(match: re.Match[str]) -> str:
        unit = "km" if match.group(2) == "km" else "mi"
        return distances.text(float(match.group(1))) if unit == distances.stored else match.group(0)

    return _REASON_DISTANCE.sub(shown, reason)


def _log_shown(log: ExerciseLog, distances: Distances) -> ExerciseLog:
    if log.distance is None:
        return log
    shown = copy.copy(log)  # a copy to read: the stored log keeps the plan's unit
    shown.distance = Decimal(str(distances.show(log.distance)))
    return shown


def day_shown(plan: Plan, date: dt.date, runner: User) -> tuple[StoredDay, Distances]:
    """A day of the plan (`plan_day_read`) as `runner` reads it, and the unit it is in."""
    day = plan_day_read(plan, date)
    distances = runner_distances(runner, day.week.unit if day.week else None)
    return dataclasses.replace(day, sessions=sessions_shown(day.sessions, distances)), distances


def running_shown(weeks: Sequence[WeekRunning], distances: Distances) -> list[WeekRunning]:
    """Each week's running target and distance run in the runner's unit."""
    return [WeekRunning(w.week, distances.show(w.target), distances.show(w.ran), distances.words) for w in weeks]
