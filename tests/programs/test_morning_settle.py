"""When mornings count as settled (Silbernagel 2007): back to the runner's own level before the rise, or in the safe
zone, never at the limit; and a week whose mornings average higher than last week's does not step up. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from programs.clinical.generator import generate_plan
from programs.clinical.rules_types import Decision
from programs.clinical.types import INITIAL_STATE, DayLog, ExerciseLog, Plan, PlanState
from tests.programs.strategies import START, catalogue, evaluate_plan, make_intake, pathways, symptomatic

OVERUSE = symptomatic(make_intake(), worse_when=frozenset({"long_runs"}))  # limit 5, safe zone 0-3


def plan_of(state: PlanState = INITIAL_STATE) -> Plan:
    return generate_plan(OVERUSE, start=START, weeks=8, catalogue=catalogue(), pathways=pathways(), state=state)


def day_by_day(
    mornings: Sequence[tuple[int, int]], logs: Sequence[ExerciseLog] = ()
) -> tuple[PlanState, list[Decision]]:
    """Evaluate after each morning as the app does; (day offset from START, morning pain). A pain-free run is
    logged every day, so no running is lowered for runs not logged."""
    state, decisions = INITIAL_STATE, list[Decision]()
    days = [DayLog(START + dt.timedelta(days=d), ran_distance=3.0, run_pain=0) for d in range(mornings[0][0])]
    for offset, pain in mornings:
        date = START + dt.timedelta(days=offset)
        days.append(DayLog(date, next_morning_pain=pain, ran_distance=3.0, run_pain=0))
        state, new = evaluate_plan(
            plan_of(state), state, logs=[log for log in logs if log.date <= date], days=days, as_of=date
        )
        decisions += new
    return state, decisions


def targets(plan: Plan) -> list[float]:
    return [w.running.target_distance for w in plan.weeks]


def reasons(decisions: Sequence[Decision], action: str) -> list[str]:
    return [d.reason for d in decisions if d.action == action]


def nordic(date: dt.date, pain: int) -> Any:
    return ExerciseLog(date, "nordic_curl", True, pain_during=pain, pain_after=pain, slot="nordic_curl")


def test_mornings_1_to_5_with_pain_rising_to_6_never_count_as_settled_and_week_3_does_not_rise() -> None:
    mornings = [(7, 1), (8, 2), (9, 3), (10, 4), (11, 5), (12, 5), (13, 5)]
    logs = [nordic(START + dt.timedelta(days=d), p) for d, p in ((7, 2), (9, 4), (11, 5), (13, 6))]
    state, decisions = day_by_day(mornings, logs)
    assert reasons(decisions, "load_hold"), decisions
    assert not reasons(decisions, "load_resume"), reasons(decisions, "load_resume")
    assert state.load_hold_since is not None
    held, free = targets(plan_of(state)), targets(plan_of())
    assert held[2] <= held[1], "week 3 does not rise"
    assert free[2] > free[1], "it would have"


def test_back_in_the_safe_zone_lifts_the_hold() -> None:
    state, decisions = day_by_day([(7, 2), (8, 3), (9, 4), (10, 2)])
    assert reasons(decisions, "load_hold") and reasons(decisions, "load_resume")
    assert state.load_hold_since is None


def test_back_to_the_runners_own_level_lifts_it_even_above_the_safe_zone() -> None:
    state, decisions = day_by_day([(7, 4), (8, 4), (9, 5), (10, 6), (11, 4)])
    assert "settled (4/10" in reasons(decisions, "load_resume")[0]
    assert state.load_hold_since is None


def test_a_plateau_at_the_limit_is_not_settled() -> None:
    state, decisions = day_by_day([(7, 3), (8, 4), (9, 5), (10, 5), (11, 5)])
    assert not reasons(decisions, "load_resume")
    assert state.load_hold_since is not None


def test_a_week_of_higher_mornings_than_last_week_holds_next_week() -> None:
    week1 = [(d, 1) for d in range(0, 7, 2)]
    week2 = [(d, 2) for d in range(7, 14, 2)]
    state, decisions = day_by_day([*week1, *week2])
    assert any("higher than last week" in r for r in reasons(decisions, "running_hold"))
    held, free = targets(plan_of(state)), targets(plan_of())
    assert free[2] > free[1] and held[2] <= held[1]


def test_mornings_no_higher_than_last_week_do_not_hold() -> None:
    state, decisions = day_by_day([(d, 2) for d in range(0, 14, 2)])
    assert not reasons(decisions, "running_hold")
    assert targets(plan_of(state)) == targets(plan_of())


def test_settled_mornings_are_mentioned_only_when_a_morning_was_logged() -> None:
    plan = plan_of()
    day = next(d.date for d in plan.weeks[0].days for s in d.sessions for i in s.items if i.slot == "nordic_curl")
    log = nordic(day, 1)
    _, without = evaluate_plan(plan, INITIAL_STATE, logs=[log], as_of=day)
    assert [d.reason for d in without if d.exercise == "nordic_curl"] == [
        "on track: done as prescribed with pain at 3/10 or less"
    ]
    mornings = [DayLog(day, next_morning_pain=1), DayLog(day + dt.timedelta(days=1), next_morning_pain=1)]
    _, with_morning = evaluate_plan(plan, INITIAL_STATE, logs=[log], days=mornings, as_of=mornings[1].date)
    assert any(d.reason.endswith("and next-morning pain settled") for d in with_morning if d.exercise == "nordic_curl")
