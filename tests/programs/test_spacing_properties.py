"""Invariants of the sessions around the race and the long runs over random valid intakes and rule states
(docs/clinical-sources.md §16.4, hypothesis)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from programs.clinical.config import RulesConfig
from programs.clinical.dosing import estimated_minutes
from programs.clinical.generator import generate_plan
from programs.clinical.spacing import lengthening_exercises
from programs.clinical.types import GoalRace, Intake, Plan, PlanState
from tests.programs.strategies import START, catalogue, clear_intakes, pathways, plan_states

CONFIG = RulesConfig()
NORDIC_TYPE = frozenset(CONFIG.nordic_type_exercises)


def _plan(intake: Intake, state: PlanState, weeks: int) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), state=state)


def _dates(plan: Plan, slugs: frozenset[str]) -> list[dt.date]:
    return [
        day.date
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
        if item.exercise in slugs
    ]


@st.composite
def racing_intakes(draw: st.DrawFn) -> Intake:
    """A clear intake with a goal race inside the first ten weeks."""
    intake = draw(clear_intakes())
    day = START + dt.timedelta(days=draw(st.integers(min_value=0, max_value=69)))
    race = GoalRace(day, draw(st.sampled_from(("5k", "10k", "half", "marathon"))))
    return dataclasses.replace(intake, running=dataclasses.replace(intake.running, goal_race=race), goal="race")


@settings(max_examples=150, deadline=None)
@given(intake=racing_intakes(), state=plan_states(), weeks=st.integers(min_value=1, max_value=12))
def test_no_eccentric_or_lengthening_work_within_two_days_of_a_race(
    intake: Intake, state: PlanState, weeks: int
) -> None:
    plan = _plan(intake, state, weeks)
    lengthening = lengthening_exercises(catalogue())
    for race_day in _dates(plan, frozenset({"race"})):
        near = [d for d in _dates(plan, lengthening) if abs((d - race_day).days) <= CONFIG.race_clear_days]
        assert near == [], (race_day, near)
        strength = [s.kind for w in plan.weeks for d in w.days if d.date == race_day for s in d.sessions]
        assert "strength" not in strength


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), state=plan_states(), weeks=st.integers(min_value=1, max_value=12))
def test_no_nordic_the_day_before_a_long_run_or_on_its_day_with_three_days_or_more(
    intake: Intake, state: PlanState, weeks: int
) -> None:
    plan = _plan(intake, state, weeks)
    long_runs = _dates(plan, frozenset({"long_run"}))
    nordics = _dates(plan, NORDIC_TYPE)
    if len(intake.available_days) >= CONFIG.long_run_spacing_min_days:
        assert not [(n, long) for n in nordics for long in long_runs if 0 <= (long - n).days <= 1]


@settings(max_examples=100, deadline=None)
@given(intake=clear_intakes(), state=plan_states(), weeks=st.integers(min_value=1, max_value=12))
def test_moving_never_puts_a_nordic_on_consecutive_days_or_on_a_day_the_runner_does_not_have(
    intake: Intake, state: PlanState, weeks: int
) -> None:
    plan = _plan(intake, state, weeks)
    for slug in ("nordic_curl", "slider_curl", "towel_slider_curl", "nordic_curl_band_assisted"):
        dates = sorted(_dates(plan, frozenset({slug})))
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(dates)), slug
        assert all(d.strftime("%a").lower() in intake.available_days for d in dates)


@settings(max_examples=100, deadline=None)
@given(intake=racing_intakes(), state=plan_states(), weeks=st.integers(min_value=1, max_value=12))
def test_the_nordic_build_does_not_rise_in_the_taper(intake: Intake, state: PlanState, weeks: int) -> None:
    plan = _plan(intake, state, weeks)
    races = _dates(plan, frozenset({"race"}))
    if not races or intake.running.goal_race is None:
        return
    race_week = (races[0] - START).days // 7
    first_taper = START + dt.timedelta(weeks=race_week - CONFIG.taper_weeks_for(intake.running.goal_race.distance) + 1)
    race_week_end = START + dt.timedelta(weeks=race_week + 1)
    for slug in NORDIC_TYPE:
        found = [
            (day.date, item)
            for week in plan.weeks
            for day in week.days
            for session in day.sessions
            for item in session.items
            if item.exercise == slug
        ]
        before = [item for date, item in found if date < first_taper]
        taper = [item for date, item in found if first_taper <= date < race_week_end]
        if not taper:
            continue
        ceiling = estimated_minutes((before[-1] if before else taper[0]).dose, CONFIG)
        assert all(estimated_minutes(item.dose, CONFIG) <= ceiling for item in taper), slug
