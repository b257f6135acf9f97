"""Properties of severe pain in a run, for any intake: after a run logged at the severe threshold or above, no run in
the rest of that week, and next week's running below the week of the painful run."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from programs.clinical.config import DEFAULT_CONFIG
from programs.clinical.generator import generate_plan
from programs.clinical.types import INITIAL_STATE, DayLog, Intake, Plan, PlanState
from tests.programs.strategies import START, catalogue, clear_intakes, evaluate_plan, pathways

RUNS = {"easy_run", "long_run", "race"}
WEEKS = 6


def plan_of(intake: Intake, state: PlanState = INITIAL_STATE) -> Plan:
    return generate_plan(intake, start=START, weeks=WEEKS, catalogue=catalogue(), pathways=pathways(), state=state)


def run_days(plan: Plan) -> list[dt.date]:
    return [d.date for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise in RUNS]


@settings(max_examples=120, deadline=None)
@given(intake=clear_intakes(), pick=st.integers(min_value=0, max_value=1000), extra=st.integers(0, 10))
def test_after_a_severe_run_no_run_that_week_and_less_next_week(intake: Intake, pick: int, extra: int) -> None:
    plan = plan_of(intake)
    assume(plan.status == "active" and plan.pain_limits is not None)
    days = [d for d in run_days(plan) if d < START + dt.timedelta(weeks=WEEKS - 1)]
    assume(days)
    day = days[pick % len(days)]
    assert plan.pain_limits is not None
    pain = min(10, DEFAULT_CONFIG.severe_pain_at(plan.pain_limits.during) + extra)
    state, _ = evaluate_plan(plan, INITIAL_STATE, days=[DayLog(day, ran_distance=1.0, run_pain=pain)], as_of=day)
    after = plan_of(intake, state)
    week = (day - START).days // 7
    week_end = START + dt.timedelta(weeks=week + 1)
    assert not [d for d in run_days(after) if day < d < week_end]
    painful = plan.weeks[week].running.target_distance
    assert after.weeks[week + 1].running.target_distance < painful
    assert state.recheck_red_flags
