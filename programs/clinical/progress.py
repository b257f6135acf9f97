"""What the Progress page shows, worked out from plain facts: adherence per week, pain over time, weekly running.

Pure functions: no ORM and no clock. `today` is passed in, so a page, a physio's view of a patient and a test
all agree on what "so far" means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

REST = "rest"
RUN = "run"


@dataclass(frozen=True, slots=True)
class SessionFact:
    """One planned session and whether the runner logged it."""

    week: int
    date: dt.date
    kind: str
    logged: bool


@dataclass(frozen=True, slots=True)
class ExerciseLogFact:
    """One logged exercise (or run) of a session: the session's date and kind, pain during and distance."""

    date: dt.date
    session_kind: str
    pain_during: int | None
    distance: float | None


@dataclass(frozen=True, slots=True)
class DayLogFact:
    """What the runner told us about a day: this morning's pain and a run logged for the day."""

    date: dt.date
    next_morning_pain: int | None
    ran_distance: float | None


@dataclass(frozen=True, slots=True)
class WeekTarget:
    week: int
    target_distance: float
    unit: str


@dataclass(frozen=True, slots=True)
class WeekAdherence:
    week: int
    planned: int
    done: int

    @property
    def percent(self) -> int | None:
        """Sessions done of those due so far, as a whole percentage; None when nothing was due yet."""
        if self.planned == 0:
            return None
        return round(100 * min(self.done, self.planned) / self.planned)


@dataclass(frozen=True, slots=True)
class PainPoint:
    date: dt.date
    during: int | None  # the worst pain during any exercise logged that day
    morning: int | None


@dataclass(frozen=True, slots=True)
class WeekRunning:
    week: int
    target: float
    ran: float
    unit: str


def week_of(start: dt.date, date: dt.date) -> int:
    return (date - start).days // 7 + 1


def weeks_so_far(start: dt.date, weeks: int, today: dt.date) -> int:
    """How many of the plan's weeks have begun by `today` (0 before the plan starts)."""
    return max(0, min(weeks, week_of(start, today)))


def adherence_by_week(
    sessions: Iterable[SessionFact], *, start: dt.date, weeks: int, today: dt.date
) -> list[WeekAdherence]:
    """Sessions done of sessions due, for each week that has begun. Rest days are not sessions.

    A session is due once its day is over; today's counts only once it is logged, so the morning of a session day
    does not read as a miss.
    """
    shown = weeks_so_far(start, weeks, today)
    planned = dict.fromkeys(range(1, shown + 1), 0)
    done = dict.fromkeys(range(1, shown + 1), 0)
    for session in sessions:
        if session.kind == REST or session.week not in planned:
            continue
        if session.date < today or (session.logged and session.date <= today):
            planned[session.week] += 1
            done[session.week] += session.logged
    return [WeekAdherence(week, planned[week], done[week]) for week in planned]


def pain_series(exercise_logs: Iterable[ExerciseLogFact], day_logs: Iterable[DayLogFact]) -> list[PainPoint]:
    """One point per date with a pain figure: the highest pain during that day's logged exercises, and the
    next-morning pain the runner reported on that date. Dates in order; a day without either is left out."""
    during: dict[dt.date, int] = {}
    for log in exercise_logs:
        if log.pain_during is not None:
            during[log.date] = max(during.get(log.date, 0), log.pain_during)
    morning = {log.date: log.next_morning_pain for log in day_logs if log.next_morning_pain is not None}
    return [PainPoint(date, during.get(date), morning.get(date)) for date in sorted(during.keys() | morning.keys())]


def running_by_week(
    targets: Sequence[WeekTarget],
    exercise_logs: Iterable[ExerciseLogFact],
    day_logs: Iterable[DayLogFact],
    *,
    start: dt.date,
    today: dt.date,
) -> list[WeekRunning]:
    """Distance run against each begun week's target, in the week's unit.

    A run logged on Today is stored twice — the run session's distance and the day's `ran_distance` — so a day's
    run session distance wins and the day log's distance only counts on days without a logged run session.
    """
    shown = weeks_so_far(start, len(targets), today)
    by_date: dict[dt.date, float] = {}
    for log in exercise_logs:
        if log.session_kind == RUN and log.distance is not None:
            by_date[log.date] = by_date.get(log.date, 0.0) + log.distance
    for day in day_logs:
        if day.ran_distance is not None and day.date not in by_date:
            by_date[day.date] = day.ran_distance
    ran: dict[int, float] = {}
    for date, distance in by_date.items():
        if date <= today:
            week = week_of(start, date)
            ran[week] = ran.get(week, 0.0) + distance
    return [
        WeekRunning(t.week, t.target_distance, round(ran.get(t.week, 0.0), 1), t.unit)
        for t in sorted(targets, key=lambda t: t.week)
        if t.week <= shown
    ]


def has_running(weeks: Sequence[WeekRunning]) -> bool:
    return any(w.target > 0 or w.ran > 0 for w in weeks)


def has_adherence(weeks: Sequence[WeekAdherence]) -> bool:
    return any(w.planned > 0 for w in weeks)
