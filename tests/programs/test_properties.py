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
import re
from collections import defaultdict
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.catalogue import Dose
from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.contract import plan_to_dict
from programs.clinical.dosing import estimated_minutes
from programs.clinical.generator import generate_plan
from programs.clinical.rules import default_pain_limits, evaluate
from programs.clinical.screening import plan_findings
from programs.clinical.types import REHAB_KINDS, WEEKDAYS, DayLog, ExerciseLog, Intake, Plan, PlanState, Week
from tests.programs.strategies import (
    START,
    advisory_intakes,
    catalogue,
    clear_intakes,
    pathways,
    plan_states,
    red_flag_intakes,
)

# What a runner must never read in a reason: citations, seed and stage codes, house labels and field names.
SOURCE_CODES = re.compile(
    r"\b(seeds? \d+|PMC\d+|Aspetar|Heiderscheit|Petersen|Goom|Silbernagel|Tyler|Askling \d|Del Monte|house|"
    r"unconfirmed|stage \d|phase I+|(19|20)\d\d)\b|\.com|docs/|\w_\w",
    re.IGNORECASE,
)
OTHER_UNIT = {"km": re.compile(r"\bmi\b|\bmiles?\b"), "mi": re.compile(r"\bkm\b|kilomet")}

CONFIG = RulesConfig()
FRESH = PlanState()
_NUMERIC = ("sets", "hold_seconds", "minutes", "laps", "metres", "distance", "intervals", "pace_percent")


@cache
def dose_ceiling(pathway: str, phase: str) -> dict[str, dict[str, int]]:
    """Per exercise, the largest value each dose field may take in this phase: starts, ladders, caps, tables, and
    the catalogue defaults down the easier-variant chain."""
    ceiling: dict[str, dict[str, int]] = defaultdict(dict)

    def take(exercise: str, dose: Dose) -> None:
        for name in _NUMERIC:
            value = getattr(dose, name)
            if value is not None:
                ceiling[exercise][name] = max(ceiling[exercise].get(name, 0), value)
        reps = dose.reps if isinstance(dose.reps, int) else max(dose.reps or (0,))
        ceiling[exercise]["reps"] = max(ceiling[exercise].get("reps", 0), reps)

    for item in pathways()[pathway].phase(phase).items:
        for candidate in (item, *item.alternatives):
            doses = [candidate.dose, *candidate.rule.ladder]
            doses += [d for d in (candidate.rule.cap, candidate.rule.then) if d is not None]
            # Each regression may step one further down the catalogue's easier chain.
            exercise: str | None = candidate.exercise
            seen: set[str] = set()
            while exercise is not None and exercise not in seen:
                seen.add(exercise)
                for dose in [*doses, catalogue()[exercise].default_dose]:
                    take(exercise, dose)
                exercise = catalogue()[exercise].easier
    # A run left out after severe pain becomes a walk of a set length (programs.clinical.run_cuts).
    ceiling["brisk_walk"]["minutes"] = max(ceiling["brisk_walk"].get("minutes", 0), CONFIG.paused_run_walk_minutes)
    return ceiling


def check_plan(intake: Intake, plan: Plan, state: PlanState, config: RulesConfig = CONFIG) -> None:
    assert plan.status == "active"
    # No red flags here: any advice is the rules' own, or what the chosen pathway calls for (screening.plan_findings).
    assert plan.pain_limits is not None
    pathway_advice = {f.noticed for f in plan_findings(intake, plan.pain_limits.during, config)}
    assert plan.referral is None or set(plan.referral.reasons) <= pathway_advice | {
        a.split(": ", 1)[-1] for a in state.advisories
    }, "only the rules' own advice"
    if intake.symptoms.pain_running > plan.pain_limits.during and not state.clinician_cleared:
        assert plan.referral is not None and any(r.startswith("running hurts") for r in plan.referral.reasons)
    cat = catalogue()
    pathway = pathways()[plan.pathway]
    symptomatic = intake.symptoms.symptomatic
    usual = intake.running.weekly_distance
    for n, week in enumerate(plan.weeks):
        running = week.running
        assert running.unit == intake.units
        assert_plain(running.reason, intake)
        assert running.rest_days + running.max_runs == 7
        race = intake.running.goal_race
        race_week = race is not None and week.days[0].date <= race.date <= week.days[-1].date
        walk_run_return = usual == 0 and intake.goal == "return_to_running"  # §7.2 walk–run from no running
        assert race_week or walk_run_return or running.target_distance <= usual + 1e-9, "the race week holds the race"
        if symptomatic:
            assert running.rest_days >= config.min_run_free_days
            if not state.speed_work_cleared:
                assert not running.speed_work_allowed
        if n == 0 and symptomatic and not race_week and not walk_run_return:
            cap = config.symptomatic_weekly_cap_miles * (1 if intake.units == "mi" else MILES_TO_KM)
            assert running.target_distance <= cap + 1e-9
            s = intake.symptoms
            if s.onset == "sudden":
                assert running.target_distance <= usual * config.restart_fraction + 1e-9
            elif s.pain_running > config.mild_running_pain:
                assert running.target_distance <= usual * config.symptomatic_start_fraction + 1e-9
            elif max(s.pain_at_rest, s.pain_walking) > 0 and not (
                s.location == "sit_bone" or "sitting" in s.worse_when
            ):
                # pain at the sit bone or with sitting and running that hardly hurts keeps its running (§16.3, Goom)
                assert running.target_distance <= usual * config.symptomatic_start_fraction + 1e-9
        assert race_week or running.target_distance <= running.level + 1e-9, "a week never runs above its level"
        levels = [w.running.level for w in plan.weeks[:n] if w.running.level > 0]
        if not levels and n > 0 and running.level > 0 and not walk_run_return:  # documented: restarting from zero
            assert running.level <= usual * config.restart_fraction + 1e-9
        elif "four weeks" in running.source or walk_run_return:  # documented: the §7.2 return steps
            assert running.level <= usual + 1e-9 or walk_run_return
        elif levels and running.level > levels[-1] + 1e-9:  # the limits apply to new levels, not returns after a dip
            assert running.level <= levels[-1] * (1 + config.weekly_distance_step) + 1e-9
            if len(levels) >= 2:
                assert running.level <= levels[-2] * (1 + config.two_week_distance_limit) + 1e-9
        phase = pathway.phase(week.phase)
        ceiling = dose_ceiling(pathway.slug, phase.slug)
        for day in week.days:
            rehab_minutes = 0.0
            race_day = race is not None and day.date == race.date  # the race is on race day, whatever the day
            if day.sessions and not race_day:  # rest sessions too: nothing at all on a day the runner is not available
                assert WEEKDAYS[day.date.weekday()] in intake.available_days
            for session in day.sessions:
                if session.kind == "rest":
                    assert session.items == ()
                    continue
                # A strength session opens with its warm-up (so no Nordic is ever first), within the same minutes.
                assert bool(session.warm_up) == (session.kind == "strength"), session
                session_minutes = 0.0
                for item in session.warm_up:
                    spec = cat[item.exercise]
                    assert spec.equipment <= intake.equipment and not spec.contraindications & phase.forbidden_tags
                    assert_plain(item.reason, intake)
                    session_minutes += estimated_minutes(item.dose, config, spec.per_side)
                for item in session.items:
                    spec = cat[item.exercise]
                    assert spec.equipment <= intake.equipment, item.exercise
                    assert not spec.contraindications & phase.forbidden_tags, (phase.slug, item.exercise)
                    assert_plain(item.reason, intake)
                    for name, value in dataclasses.asdict(item.dose).items():
                        if value is not None and name != "distance":  # runs: bounded by the week's target
                            top = max(value) if isinstance(value, tuple) else value
                            assert top <= ceiling[item.exercise][name], (item.exercise, name, value)
                    assert (item.dose.laps or 0) <= 20 and (item.dose.minutes or 0) <= 60
                    session_minutes += estimated_minutes(item.dose, config, spec.per_side) * item.times_per_day
                if session.kind in REHAB_KINDS:
                    assert session.estimated_minutes == max(1, round(session_minutes)), session
                    rehab_minutes += session_minutes
                else:
                    assert session.estimated_minutes is None
            assert rehab_minutes <= intake.minutes_per_session + 1e-9


def assert_plain(reason: str, intake: Intake) -> None:
    """Written for the runner: no source code, slug or field name, and only their own unit."""
    assert reason
    assert not SOURCE_CODES.search(reason), reason
    assert not OTHER_UNIT[intake.units].search(reason), reason


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


def near_a_race(plan: Plan, week: Week) -> bool:
    races = [d.date for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise == "race"]
    reach = dt.timedelta(days=CONFIG.race_clear_days)
    return any(race - reach <= day.date <= race + reach for race in races for day in week.days)


def lengthening(slug: str) -> bool:
    spec = catalogue()[slug]
    return spec.category == "eccentric" or "lengthening_load" in spec.contraindications


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=16), injured=st.booleans())
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
        if near_a_race(plan, week):
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
