"""Invariants of the running load for any intake (docs/clinical-sources.md §7, §16.3): no run longer than the runner's
longest plus the step, easy runs never longer than the long run, no two-week rise above the limit except the
documented restarts and race weeks, and no fast run-through in a week without speed work. Hypothesis, pure."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from programs.clinical.config import RulesConfig
from programs.clinical.generator import generate_plan
from programs.clinical.types import INITIAL_STATE, Intake, Plan, PlanState
from tests.programs.strategies import START, catalogue, clear_intakes, make_intake, pathways, plan_states, symptomatic

CONFIG = RulesConfig()


def plan_for(intake: Intake, weeks: int, state: PlanState = INITIAL_STATE) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), state=state)


def _run_items(plan: Plan, week: int) -> list[tuple[str, float]]:
    return [
        (item.exercise, item.dose.distance or 0.0)
        for day in plan.weeks[week].days
        for session in day.sessions
        for item in session.items
        if item.exercise in ("easy_run", "long_run")
    ]


def _longest_allowed(intake: Intake) -> float | None:
    running = intake.running
    if running.longest_run > 0:
        return running.longest_run * (1 + CONFIG.longest_run_step)
    if running.weekly_distance > 0:
        return running.weekly_distance / max(1, running.runs_per_week) * (1 + CONFIG.longest_run_step)
    return None  # no running at all: the walk–run return's own distances


@settings(max_examples=200, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=16), state=plan_states())
def test_no_run_is_longer_than_the_longest_plus_the_step_and_no_easy_run_beats_the_long_run(
    intake: Intake, weeks: int, state: PlanState
) -> None:
    plan = plan_for(intake, weeks, state)
    cap = _longest_allowed(intake)
    for n in range(len(plan.weeks)):
        runs = _run_items(plan, n)
        if cap is not None:
            assert all(distance <= cap + 1e-9 for _, distance in runs), (runs, cap)
        longs = [d for kind, d in runs if kind == "long_run"]
        easies = [d for kind, d in runs if kind == "easy_run"]
        if longs and easies:
            assert max(easies) <= longs[0] + 1e-9


def _exempt(plan: Plan, intake: Intake, week: int) -> bool:
    """The documented exceptions: the §7.2 return steps, the walk–run return from no running, the race week."""
    running = plan.weeks[week].running
    race = intake.running.goal_race
    days = plan.weeks[week].days
    race_week = race is not None and days[0].date <= race.date <= days[-1].date
    return race_week or "four weeks" in running.source or "Walk/run return" in running.source


@settings(max_examples=200, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=3, max_value=16))
def test_no_two_week_rise_above_the_limit_except_documented_restarts(intake: Intake, weeks: int) -> None:
    plan = plan_for(intake, weeks)
    t = [w.running.target_distance for w in plan.weeks]
    for n in range(len(t)):
        if _exempt(plan, intake, n):
            continue
        if n >= 2 and t[n - 2] > 0:
            assert t[n] <= t[n - 2] * (1 + CONFIG.two_week_distance_limit) + 0.1, (n, t)
        if n >= 1 and t[n - 1] > 0:
            assert t[n] <= t[n - 1] * (1 + CONFIG.rebound_limit) + 0.1, (n, t)


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=16), state=plan_states())
def test_no_fast_run_through_in_a_week_without_speed_work(intake: Intake, weeks: int, state: PlanState) -> None:
    plan = plan_for(intake, weeks, state)
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                for item in session.items:
                    if item.exercise == "walk_jog" and not week.running.speed_work_allowed:
                        assert (item.dose.pace_percent or 0) <= CONFIG.speed_pace_percent


@settings(max_examples=100, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=12))
def test_running_pain_above_the_limit_books_no_continuous_run_in_the_first_weeks(intake: Intake, weeks: int) -> None:
    plan = plan_for(intake, weeks)
    assert plan.pain_limits is not None
    if intake.symptoms.pain_running <= plan.pain_limits.during:
        return
    running_weeks = [n for n, w in enumerate(plan.weeks) if w.running.target_distance > 0]
    if not running_weeks or running_weeks[0] != 0:
        return  # running starts after a walk–jog stage, which ends only on pain-free running
    for n in running_weeks[: CONFIG.painful_running_walk_run_weeks]:
        assert plan.weeks[n].running.walk_run
        assert all(kind == "easy_run" for kind, _ in _run_items(plan, n))
        for day in plan.weeks[n].days:
            for session in day.sessions:
                for item in session.items:
                    if item.exercise == "easy_run":
                        assert item.reason.startswith("Walk–run")


def test_the_exemptions_are_real_weeks() -> None:
    """The two-week property's exemptions match what the plan says (else the property could pass vacuously)."""
    strain = symptomatic(make_intake(weekly_distance=40), onset="sudden", days_since_onset=70, pain_running=0)
    assert all("four weeks" in w.running.source for w in plan_for(strain, 4).weeks)
    assert "four weeks" not in plan_for(strain, 5).weeks[4].running.source, "only the return steps"
    nothing = dataclasses.replace(make_intake(weekly_distance=0, runs_per_week=0), goal="return_to_running")
    assert all("Walk/run return" in w.running.source for w in plan_for(nothing, 3).weeks)
