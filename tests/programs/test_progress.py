"""The Progress page's figures (`programs.clinical.progress`), worked out from plain facts with no database or clock, and the
charts (`programs.outputs.charts`) drawn from them."""

from __future__ import annotations

import datetime as dt

from programs.clinical.progress import (
    DayLogFact,
    ExerciseLogFact,
    PainPoint,
    SessionFact,
    WeekAdherence,
    WeekRunning,
    WeekTarget,
    adherence_by_week,
    has_adherence,
    has_running,
    pain_series,
    running_by_week,
    weeks_so_far,
)
from programs.outputs import charts

START = dt.date(2026, 11, 23)  # a Monday


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def session(offset: int, *, kind: str = "strength", logged: bool = False) -> SessionFact:
    return SessionFact(week=offset // 7 + 1, date=day(offset), kind=kind, logged=logged)


# ---------------------------------------------------------------- adherence


def test_done_missed_and_future_sessions_count_only_once_due() -> None:
    sessions = [
        session(0, logged=True),  # done
        session(2),  # missed
        session(4, kind="run", logged=True),  # done
        session(6, kind="rest"),  # a rest day is not a session
        session(8, logged=True),  # week 2: done
        session(10),  # week 2: today, not logged yet: not due
        session(12),  # week 2: future
        session(15),  # week 3: not begun
    ]
    weeks = adherence_by_week(sessions, start=START, weeks=4, today=day(10))
    assert weeks == [WeekAdherence(1, planned=3, done=2), WeekAdherence(2, planned=1, done=1)]
    assert [w.percent for w in weeks] == [67, 100]


def test_todays_session_counts_once_logged() -> None:
    weeks = adherence_by_week([session(3, logged=True)], start=START, weeks=2, today=day(3))
    assert weeks == [WeekAdherence(1, planned=1, done=1)]


def test_a_week_with_nothing_due_has_no_percentage() -> None:
    weeks = adherence_by_week([session(1)], start=START, weeks=2, today=day(0))
    assert weeks == [WeekAdherence(1, planned=0, done=0)]
    assert weeks[0].percent is None
    assert not has_adherence(weeks)


def test_before_the_plan_starts_no_week_is_shown() -> None:
    assert adherence_by_week([session(0)], start=START, weeks=4, today=day(-1)) == []
    assert weeks_so_far(START, 4, day(-1)) == 0


def test_after_the_plan_ends_every_week_is_shown_and_no_more() -> None:
    sessions = [session(offset, logged=offset % 14 == 0) for offset in range(0, 28, 2)]
    weeks = adherence_by_week(sessions, start=START, weeks=4, today=day(60))
    assert [w.week for w in weeks] == [1, 2, 3, 4]
    assert [(w.planned, w.done) for w in weeks] == [(4, 1), (3, 0), (4, 1), (3, 0)]


# ---------------------------------------------------------------- pain


def test_pain_during_is_the_days_highest_and_mornings_come_from_day_logs() -> None:
    logs = [
        ExerciseLogFact(day(0), "strength", 2, None),
        ExerciseLogFact(day(0), "strength", 5, None),
        ExerciseLogFact(day(0), "strength", None, None),
        ExerciseLogFact(day(2), "run", 3, 4.0),
    ]
    mornings = [
        DayLogFact(day(1), 1, None),
        DayLogFact(day(2), None, 4.0),  # a run without a morning figure adds no point of its own
        DayLogFact(day(3), 2, None),
    ]
    assert pain_series(logs, mornings) == [
        PainPoint(day(0), during=5, morning=None),
        PainPoint(day(1), during=None, morning=1),
        PainPoint(day(2), during=3, morning=None),
        PainPoint(day(3), during=None, morning=2),
    ]


def test_a_zero_pain_is_a_figure_not_a_gap() -> None:
    points = pain_series([ExerciseLogFact(day(0), "strength", 0, None)], [DayLogFact(day(0), 0, None)])
    assert points == [PainPoint(day(0), during=0, morning=0)]


def test_no_logs_no_pain_points() -> None:
    assert pain_series([], [DayLogFact(day(0), None, None)]) == []


# ---------------------------------------------------------------- running


TARGETS = [WeekTarget(1, 6.0, "mi"), WeekTarget(2, 8.0, "mi"), WeekTarget(3, 9.5, "mi")]


def test_runs_are_summed_per_week_against_the_target_in_the_weeks_unit() -> None:
    logs = [
        ExerciseLogFact(day(1), "run", 2, 3.0),
        ExerciseLogFact(day(4), "run", 1, 2.5),
        ExerciseLogFact(day(4), "strength", 1, None),
        ExerciseLogFact(day(8), "run", 0, 4.2),
    ]
    weeks = running_by_week(TARGETS, logs, [], start=START, today=day(9))
    assert weeks == [WeekRunning(1, 6.0, 5.5, "mi"), WeekRunning(2, 8.0, 4.2, "mi")]


def test_a_run_logged_in_a_session_and_as_the_days_run_counts_once() -> None:
    logs = [ExerciseLogFact(day(1), "run", 2, 3.0)]
    days = [DayLogFact(day(1), None, 3.0), DayLogFact(day(3), 1, 2.0)]  # day 3: a run logged only as a day log
    weeks = running_by_week(TARGETS, logs, days, start=START, today=day(6))
    assert weeks == [WeekRunning(1, 6.0, 5.0, "mi")]


def test_distance_of_a_non_run_session_is_not_running() -> None:
    logs = [ExerciseLogFact(day(1), "cross_training", None, 10.0)]
    assert running_by_week(TARGETS, logs, [], start=START, today=day(6)) == [WeekRunning(1, 6.0, 0.0, "mi")]


def test_weeks_not_begun_are_left_out_and_a_plan_without_running_has_none() -> None:
    no_running = [WeekTarget(1, 0.0, "km"), WeekTarget(2, 0.0, "km")]
    weeks = running_by_week(no_running, [], [], start=START, today=day(3))
    assert weeks == [WeekRunning(1, 0.0, 0.0, "km")]
    assert not has_running(weeks)
    assert has_running([WeekRunning(1, 0.0, 1.0, "km")])
    assert running_by_week(TARGETS, [], [], start=START, today=day(-1)) == []


# ---------------------------------------------------------------- charts (programs.outputs.charts, from the same plain data)


def _charts() -> list[str]:
    points = [PainPoint(day(n), n % 4, None if n % 2 else 2) for n in range(12)]
    return [
        charts.adherence_chart([WeekAdherence(1, 3, 2), WeekAdherence(2, 0, 0)]),
        charts.pain_chart(points, pain_limit=4),
        charts.pain_chart(points[:1], pain_limit=None),
        charts.running_chart([WeekRunning(1, 6.0, 5.5, "mi")], "mi"),
    ]


def test_charts_are_inline_svg_that_load_and_run_nothing() -> None:
    for svg in _charts():
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "<?xml" not in svg and "<script" not in svg.lower() and "<!--" not in svg
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert 'role="img"' in svg and 'viewBox="0 0 400 300"' in svg


def test_each_chart_names_itself_and_its_figures() -> None:
    adherence, pain, pain_without_limit, running = _charts()
    assert "<title>Sessions done each week</title>" in adherence and "Wk 1" in adherence
    assert "<title>Pain, 0 to 10</title>" in pain and "Limit 4" in pain and "23 Nov" in pain
    assert "Limit" not in pain_without_limit
    assert "<title>Running each week (mi)</title>" in running and "Target" in running and "5.5 mi" in running
