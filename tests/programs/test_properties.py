"""Invariants of every generated plan, over random valid intakes and rule states (hypothesis).

The one documented exception to the running step rule: a week after a week without running (acute strain after
walk–jog) may restart at up to RulesConfig.restart_fraction of the usual distance — a rise from zero cannot be a
percentage. Two-week windows that include a week without running are exempt for the same reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections import defaultdict

from hypothesis import example, given, settings
from hypothesis import strategies as st

from programs.clinical.config import RulesConfig
from programs.clinical.contract import plan_to_dict
from programs.clinical.generator import generate_plan
from programs.clinical.rules import default_pain_limits, evaluate
from programs.clinical.types import DayLog, ExerciseLog, Intake, Plan, PlanState, Week
from tests.programs.plan_checks import CONFIG, check_plan
from tests.programs.strategies import (
    START,
    advisory_intakes,
    catalogue,
    clear_intakes,
    pathways,
    plan_states,
    red_flag_intakes,
    smallest_intake,
)

FRESH = PlanState()


def generate(intake: Intake, weeks: int, state: PlanState = FRESH, config: RulesConfig = CONFIG) -> Plan:
    return generate_plan(
        intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), config=config, state=state
    )


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=16))
def test_every_plan_keeps_the_safety_and_load_rules(intake: Intake, weeks: int) -> None:
    plan = generate(intake, weeks)
    assert len(plan.weeks) == weeks
    check_plan(intake, plan, PlanState())


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), state=plan_states())
def test_rules_states_never_break_the_safety_rules(intake: Intake, state: PlanState) -> None:
    check_plan(intake, generate(intake, 12, state), state)


@settings(max_examples=100, deadline=None)
@given(
    intake=clear_intakes(),
    step=st.floats(min_value=0.0, max_value=0.3),
    two_week=st.floats(min_value=0.0, max_value=0.5),
    every=st.integers(min_value=0, max_value=6),
)
# Found by Hypothesis: a novice built at the novice step (5 %) with the weekly step set to 0.
@example(smallest_intake(4.0, "mon", 10, side="left", onset="gradual", pain_running=3), 0.0, 0.0, 0)
def test_configured_running_limits_are_respected(intake: Intake, step: float, two_week: float, every: int) -> None:
    config = dataclasses.replace(
        RulesConfig(), weekly_distance_step=step, two_week_distance_limit=two_week, lighter_week_every=every
    )
    check_plan(intake, generate(intake, 12, config=config), PlanState(), config)


@settings(max_examples=150, deadline=None)
@given(intake=red_flag_intakes(), weeks=st.integers(min_value=1, max_value=16))
def test_a_red_flag_always_needs_a_clinician_and_prescribes_nothing(intake: Intake, weeks: int) -> None:
    plan = generate(intake, weeks)
    assert plan.status == "needs_clinician"
    assert plan.referral is not None and plan.referral.urgency in ("emergency", "urgent", "soon")
    assert plan.weeks == ()
    assert plan_to_dict(plan)["weeks"] == []


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), state=plan_states())
def test_same_input_same_plan_and_json_serialisable(intake: Intake, state: PlanState) -> None:
    first, second = generate(intake, 12, state), generate(intake, 12, state)
    assert first == second
    data = plan_to_dict(first)
    assert json.loads(json.dumps(data)) == data == plan_to_dict(second)


@st.composite
def logged_history(draw: st.DrawFn) -> tuple[Intake, list[ExerciseLog], list[DayLog], dt.date]:
    intake = draw(clear_intakes())
    plan = generate(intake, 12)
    as_of = START + dt.timedelta(days=draw(st.integers(min_value=0, max_value=83)))
    done = [
        (day.date, item.exercise)
        for week in plan.weeks
        for day in week.days
        if day.date <= as_of
        for session in day.sessions
        for item in session.items
    ]
    picked = draw(st.lists(st.sampled_from(done), unique=True, max_size=12)) if done else []
    pain = st.one_of(st.none(), st.integers(min_value=0, max_value=10))
    logs = [ExerciseLog(d, ex, draw(st.booleans()), draw(pain), draw(pain)) for d, ex in sorted(picked)]
    days = [
        DayLog(
            START + dt.timedelta(days=i),
            next_morning_pain=draw(pain),
            flare=draw(st.booleans()),
            tightness_after_running=draw(st.one_of(st.none(), st.booleans())),
        )
        for i in sorted(draw(st.sets(st.integers(min_value=0, max_value=(as_of - START).days), max_size=6)))
    ]
    return intake, logs, days, as_of


@settings(max_examples=100, deadline=None)
@given(history=logged_history())
def test_evaluate_is_idempotent_and_its_state_generates_a_safe_plan(history) -> None:
    intake, logs, days, as_of = history
    plan = generate(intake, 12)
    pathway = pathways()[plan.pathway]

    def step(state: PlanState, today: dt.date) -> PlanState:
        current = generate(intake, 12, state)
        new, _ = evaluate(
            plan=current,
            state=state,
            exercise_logs=[log for log in logs if log.date <= today],
            day_logs=[d for d in days if d.date <= today],
            as_of=today,
            pathway=pathway,
            pain_limits=default_pain_limits(pathway),
            catalogue=catalogue(),
        )
        return new

    # As programs.services does: the rules run after each logged day, in date order, over all history so far.
    state = PlanState()
    for day in sorted({log.date for log in logs} | {d.date for d in days} | {as_of}):
        state = step(state, day)
    assert step(state, as_of) == state, "re-running the rules with nothing new logged must change nothing"
    check_plan(intake, generate(intake, 12, state), state)


@settings(max_examples=120, deadline=None)
@given(intake=advisory_intakes(), weeks=st.integers(min_value=1, max_value=12))
def test_an_advisory_keeps_an_active_plan_without_what_it_restricts(intake: Intake, weeks: int) -> None:
    plan = generate(intake, weeks)
    assert plan.status == "active" and plan.referral is not None and not plan.referral.stops_plan
    assert len(plan.weeks) == weeks
    restricted = frozenset(plan.referral.restrictions)
    prescribed = {i.exercise for w in plan.weeks for d in w.days for s in d.sessions for i in s.items}
    assert not {e for e in prescribed if catalogue()[e].contraindications & restricted}
    if plan.referral.protect_only:
        assert {w.phase for w in plan.weeks} == {pathways()[plan.pathway].phases[0].slug}
    cleared = generate(intake, weeks, PlanState(clinician_cleared=True))
    assert cleared.referral is None


@settings(max_examples=80, deadline=None)
@given(intake=clear_intakes(), days=st.integers(min_value=1, max_value=70))
def test_nothing_progresses_without_logged_completions(intake: Intake, days: int) -> None:
    plan = generate(intake, 12)
    pathway = pathways()[plan.pathway]
    as_of = START + dt.timedelta(days=days)
    state, _ = evaluate(
        plan=plan,
        state=FRESH,
        exercise_logs=[],
        day_logs=[],
        as_of=as_of,
        pathway=pathway,
        pain_limits=default_pain_limits(pathway),
        catalogue=catalogue(),
        equipment=intake.equipment,
    )
    # What was planned before that day (and so could have been logged) never steps up without a logged completion.
    # Known gap, not covered: an exercise the day's time budget had left out can come back at its calendar step.
    before: dict[str, int] = {}
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                for item in session.items:
                    if item.slot in pathway.progressing and day.date < as_of:
                        before[item.slot] = max(before.get(item.slot, 0), item.step)
    after: dict[str, int] = defaultdict(int)
    for week in generate(intake, 12, state).weeks:
        for day in week.days:
            for session in day.sessions:
                for item in session.items:
                    if item.slot in before and day.date >= as_of:
                        after[item.slot] = max(after[item.slot], item.step)
    for slot, step in before.items():
        assert after[slot] <= step, f"{slot} climbed to {after[slot]} with nothing logged"


# Stages that allow them (not the first, protective stage of an acute strain or a tendinopathy) always hold eccentric or
# lengthening hamstring work; after a previous hamstring injury or with prevention as the goal, Nordic-type work (a
# Nordic or its knee-flexor eccentric stand-ins) is in every such week, maintenance included.
EARLY_TAGS = frozenset({"acute_strain_early", "proximal_tendinopathy_early", "lengthening_load"})
NORDIC_TYPE = frozenset({"nordic_curl", "nordic_curl_band_assisted", "slider_curl", "towel_slider_curl"})


def near_a_race(plan: Plan, week: Week, intake: Intake) -> bool:
    """Within two days of a race the plan schedules, or of the goal race when it falls after the plan's last day
    (§16.4: the plan's last days are still kept clear for it)."""
    races = [d.date for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise == "race"]
    goal = intake.running.goal_race
    if goal is not None and plan.weeks and goal.date > plan.weeks[-1].days[-1].date:
        races.append(goal.date)
    reach = dt.timedelta(days=CONFIG.race_clear_days)
    return any(race - reach <= day.date <= race + reach for race in races for day in week.days)


def lengthening(slug: str) -> bool:
    spec = catalogue()[slug]
    return spec.category == "eccentric" or "lengthening_load" in spec.contraindications


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=16), injured=st.booleans())
# Found by Hypothesis: the race two days after the plan's only day keeps that day clear of lengthening work (§16.4).
@example(
    smallest_intake(
        0.0, "sat", 20, runs_per_week=0, race_on=dt.date(2026, 1, 12), side="left", onset="gradual", pain_running=1
    ),
    1,
    True,
)
@example(smallest_intake(0.0, "sat", 15, runs_per_week=0, race_on=dt.date(2026, 1, 12)), 1, False)
def test_every_stage_past_protection_has_eccentric_or_lengthening_work(
    intake: Intake, weeks: int, injured: bool
) -> None:
    intake = dataclasses.replace(
        intake, symptoms=dataclasses.replace(intake.symptoms, previous_hamstring_injury=injured)
    )
    plan = generate(intake, weeks)
    pathway = pathways()[plan.pathway]
    for week in plan.weeks:
        if pathway.phase(week.phase).forbidden_tags & EARLY_TAGS or intake.minutes_per_session < 15:
            continue  # under 15 minutes the warm-up leaves room for one light exercise; the reason says what is left out
        if near_a_race(plan, week, intake):
            continue  # no lengthening work within two days of a race (§16.4): a race week may have no day left for it
        done = {item.exercise for day in week.days for session in day.sessions for item in session.items}
        assert any(lengthening(slug) for slug in done), (plan.pathway, week.phase, sorted(done))
        wants_nordics = injured or intake.goal == "prevention"
        if wants_nordics and intake.minutes_per_session >= 20:  # under 20 the warm-up leaves room for one exercise
            assert done & NORDIC_TYPE, (plan.pathway, week.phase, sorted(done))


# Petersen 2011's weekly Nordic volumes (reps a week: 1 × 2 × 5, 2 × 2 × 6, 3 × 3 × 6, 3 × 3 × 8, 3 × 30).
PETERSEN_WEEKLY_REPS = (10, 24, 54, 72, 90)


def nordic_reps(week: Week) -> int:
    """Reps a week in the Nordic's place: the Nordic itself or what stands in for it."""
    total = 0
    for day in week.days:
        for session in day.sessions:
            for item in session.items:
                if item.exercise == "nordic_curl" or item.replaces == "nordic_curl":
                    reps = item.dose.reps or 0
                    total += sum(reps) if isinstance(reps, tuple) else reps * (item.dose.sets or 1)
    return total


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=2, max_value=16))
def test_a_stage_change_never_jumps_the_nordic_volume_past_petersens_next_step(intake: Intake, weeks: int) -> None:
    plan = generate(intake, weeks)
    for n, (before, after) in enumerate(itertools.pairwise(plan.weeks)):
        # A week that lost a session to the long run or a race (programs.clinical.spacing) is a dip, like a lighter
        # week: the base is the more of the stage's last two weeks.
        was = max(nordic_reps(week) for week in plan.weeks[max(0, n - 1) : n + 1] if week.phase == before.phase)
        now = nordic_reps(after)
        if before.phase != after.phase and was and now > was:
            assert now <= min([step for step in PETERSEN_WEEKLY_REPS if step > was] or [was]), (before.phase, was, now)
