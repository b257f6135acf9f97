"""Hypothesis strategies for valid intakes (as the lead's IntakeSerializer accepts them), plus small builders.

`intakes()` draws any valid intake; `clear_intakes()` only intakes without red flags (so a plan is generated);
`red_flag_intakes()` intakes with at least one red flag. All goal-race dates fall on or after `START`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from hypothesis import strategies as st

from exercises.catalogue import EQUIPMENT_SLUGS, Catalogue
from exercises.catalogue_file import load_catalogue_file
from programs.clinical.generator import generate_plan
from programs.clinical.pathway_files import load_pathways
from programs.clinical.pathways import Pathway
from programs.clinical.rules import default_pain_limits, evaluate
from programs.clinical.rules_types import Decision
from programs.clinical.types import (
    GOALS,
    LOCATIONS,
    RACE_DISTANCES,
    RED_FLAGS,
    WEEKDAYS,
    WORSE_WHEN,
    DayLog,
    ExerciseAdjustment,
    ExerciseLog,
    GoalRace,
    Intake,
    Plan,
    PlanState,
    Running,
    Symptoms,
)

START = dt.date(2026, 1, 5)  # a Monday


@cache
def catalogue() -> Catalogue:
    return load_catalogue_file()


@cache
def pathways() -> dict[str, Pathway]:
    return load_pathways()


def evaluate_plan(
    plan: Plan,
    state: PlanState,
    *,
    logs: Iterable[ExerciseLog] = (),
    days: Iterable[DayLog] = (),
    as_of: dt.date,
    answers: Mapping[str, Mapping[str, bool]] | None = None,
    equipment: frozenset[str] | None = None,
) -> tuple[PlanState, tuple[Decision, ...]]:
    """rules.evaluate on a generated plan with the test catalogue and its pathway's default pain limits."""
    pathway = pathways()[plan.pathway]
    return evaluate(
        plan=plan,
        state=state,
        exercise_logs=list(logs),
        day_logs=list(days),
        as_of=as_of,
        pathway=pathway,
        pain_limits=default_pain_limits(pathway),
        criteria_answers=answers or {},
        catalogue=catalogue(),
        equipment=equipment,
    )


@st.composite
def running(draw: st.DrawFn, *, start: dt.date = START) -> Running:
    weekly = draw(st.one_of(st.just(0.0), st.floats(min_value=1, max_value=160).map(lambda x: round(x, 1))))
    runs = draw(st.integers(min_value=1 if weekly > 0 else 0, max_value=10))
    race = draw(
        st.one_of(
            st.none(),
            st.builds(
                GoalRace,
                date=st.integers(min_value=0, max_value=120).map(lambda d: start + dt.timedelta(days=d)),
                distance=st.sampled_from(RACE_DISTANCES),
            ),
        )
    )
    return Running(
        weekly_distance=weekly,
        runs_per_week=runs,
        longest_run=round(draw(st.floats(min_value=0, max_value=1)) * weekly, 1),
        months_running=draw(st.integers(min_value=0, max_value=600)),
        races_per_year=draw(st.integers(min_value=0, max_value=30)),
        does_speed_work=draw(st.booleans()),
        goal_race=race,
    )


# Answers that stop a plan (the stop tier of programs.clinical.screening), one set per rule.
STOP_TRIGGERS: tuple[dict[str, Any], ...] = (
    {"bladder_or_bowel_change": True},
    {"saddle_numbness": True},
    {"unable_to_walk_normally": True},
    {"felt_pop": True, "bruising": True},
    {"spreading_bruising_or_swelling": True},
    {"fever_or_unwell": True},
    {"night_pain": True, "unexplained_weight_loss": True},
    {"night_pain": True, "history_of_cancer": True},
    {"pain_at_rest": 6},
)
# Answers that keep an active plan with an advisory (the advise tier), one set per rule, none of them a stop.
ADVISE_TRIGGERS: tuple[dict[str, Any], ...] = (
    {"numbness_or_tingling": True},
    {"location": "radiating"},
    {"onset": "sudden", "location": "sit_bone"},
    {"felt_pop": True},
    {"bruising": True},
    {"swelling": True},
    {"night_pain": True},
    {"pain_at_rest": 4},
    {"not_improving": True, "days_since_onset": 60},
)


@st.composite
def symptoms(draw: st.DrawFn, *, red_flags: bool | None = None, advise: bool = False) -> Symptoms:
    """red_flags: None = anything valid; False = no finding at all (no flag, rest pain < 4, no radiating pain, not a
    sudden onset at the sit bone, improving); True = at least one stop-tier answer. advise: at least one advise-tier
    answer and no stop-tier answer."""
    symptomatic = draw(st.booleans()) or advise or bool(red_flags)
    flags = {flag: False for flag in RED_FLAGS}
    if red_flags is None and not advise:
        flags = {flag: draw(st.booleans()) for flag in RED_FLAGS}
    if not symptomatic:
        return Symptoms(previous_hamstring_injury=draw(st.booleans()), **flags)
    pain = st.integers(min_value=0, max_value=10)
    clear = red_flags is False or advise
    location = draw(st.one_of(st.none(), st.sampled_from(LOCATIONS)))
    onset = draw(st.sampled_from(("gradual", "sudden")))
    if clear and (location == "radiating" or (onset == "sudden" and location == "sit_bone")):
        location = "mid_thigh"
    fields: dict[str, Any] = {
        "side": draw(st.sampled_from(("left", "right", "both"))),
        "onset": onset,
        "days_since_onset": draw(st.integers(min_value=0, max_value=365)),
        "pain_at_rest": draw(st.integers(min_value=0, max_value=3) if clear else pain),
        "pain_walking": draw(pain),
        "pain_running": draw(st.integers(min_value=1, max_value=10)),
        "location": location,
        "worse_when": frozenset(draw(st.lists(st.sampled_from(WORSE_WHEN), unique=True, max_size=3))),
        "not_improving": False if clear else draw(st.booleans()),
        "previous_hamstring_injury": draw(st.booleans()),
        **flags,
    }
    if red_flags:
        for trigger in draw(st.lists(st.sampled_from(STOP_TRIGGERS), min_size=1, max_size=2)):
            fields.update(trigger)
    if advise:
        for trigger in draw(st.lists(st.sampled_from(ADVISE_TRIGGERS), min_size=1, max_size=2, unique_by=str)):
            fields.update(trigger)
        if fields["felt_pop"] and fields["bruising"]:
            fields["bruising"] = False  # together they are a stop
        if fields["night_pain"]:
            fields["not_improving"] = False  # night pain not improving over 50 is a stop
    return Symptoms(**fields)


@st.composite
def intakes(draw: st.DrawFn, *, red_flags: bool | None = None, advise: bool = False, start: dt.date = START) -> Intake:
    run = draw(running(start=start))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    goal = draw(st.sampled_from(GOALS if run.goal_race else tuple(g for g in GOALS if g != "race")))
    return Intake(
        age=draw(st.integers(min_value=12, max_value=100)),
        sex=draw(st.sampled_from(("female", "male", "other", "unspecified"))),
        units=draw(st.sampled_from(("km", "mi"))),
        running=run,
        symptoms=draw(symptoms(red_flags=red_flags, advise=advise)),
        equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT_SLUGS), unique=True))),
        available_days=tuple(d for d in WEEKDAYS if d in days),
        minutes_per_session=draw(st.integers(min_value=10, max_value=180)),
        goal=goal,
    )


def clear_intakes(start: dt.date = START) -> st.SearchStrategy[Intake]:
    return intakes(red_flags=False, start=start)


def red_flag_intakes(start: dt.date = START) -> st.SearchStrategy[Intake]:
    """Intakes with at least one stop-tier answer."""
    return intakes(red_flags=True, start=start)


def advisory_intakes(start: dt.date = START) -> st.SearchStrategy[Intake]:
    """Intakes with at least one advise-tier answer and no stop-tier answer."""
    return intakes(advise=True, start=start)


# ---------------------------------------------------------------- plain builders for exact tests

ALL_EQUIPMENT = frozenset(EQUIPMENT_SLUGS)


def make_intake(
    *,
    units: str = "km",
    weekly_distance: float = 40.0,
    runs_per_week: int = 4,
    goal_race: GoalRace | None = None,
    equipment: frozenset[str] = ALL_EQUIPMENT,
    available_days: tuple[str, ...] = WEEKDAYS,
    minutes_per_session: int = 60,
    **symptom_fields: Any,
) -> Intake:
    """A valid intake; with no symptom fields, a pain-free runner (prevention)."""
    return Intake(
        age=35,
        sex="female",
        units=units,  # type: ignore[arg-type]
        running=Running(weekly_distance, runs_per_week, min(weekly_distance, 15.0), 60, 4, True, goal_race),
        symptoms=Symptoms(**symptom_fields),
        equipment=equipment,
        available_days=available_days,
        minutes_per_session=minutes_per_session,
        goal="race" if goal_race else "prevention",
    )


def smallest_intake(
    weekly_distance: float,
    day: str,
    minutes_per_session: int,
    *,
    runs_per_week: int = 1,
    longest_run: float = 0.0,
    race_on: dt.date | None = None,
    **symptom_fields: Any,
) -> Intake:
    """The shape Hypothesis shrinks a failure to: a 12-year-old novice with no equipment, one available day, a 5 km
    race or none, and the goal of pain relief; for failures found once and then kept as explicit examples."""
    race = GoalRace(race_on, "5k") if race_on is not None else None
    return Intake(
        age=12,
        sex="female",
        units="km",
        running=Running(weekly_distance, runs_per_week, longest_run, 0, 0, False, race),
        symptoms=Symptoms(**symptom_fields),
        equipment=frozenset(),
        available_days=(day,),
        minutes_per_session=minutes_per_session,
        goal="pain_relief",
    )


def race_in_strain_stage_three() -> Plan:
    """A physio's strain program for a healthy 20 km runner with a 5 km race on Wednesday of week 5: running comes
    back in week 4 (stage 3), the race week and its recovery week fall in stage 3, and stage 4 starts in week 7."""
    intake = make_intake(weekly_distance=20, runs_per_week=3, goal_race=GoalRace(dt.date(2026, 2, 4), "5k"))
    return generate_plan(
        intake, start=START, weeks=8, catalogue=catalogue(), pathways=pathways(), pathway="acute_strain"
    )


def symptomatic(intake: Intake, **fields: Any) -> Intake:
    base = {"side": "left", "onset": "gradual", "days_since_onset": 14, "pain_running": 4}
    return replace(intake, symptoms=Symptoms(**{**base, **fields}))


@st.composite
def plan_states(draw: st.DrawFn, *, start: dt.date = START) -> PlanState:
    """Any state the rules could have produced: holds, step-backs, easier variants, extended stages, holds on running."""
    cat = catalogue()
    bases = sorted({item.exercise for p in pathways().values() for phase in p.phases for item in phase.items})
    chosen = draw(st.lists(st.sampled_from(bases), unique=True, max_size=4))
    adjustments = []
    for slug in sorted(chosen):
        hold = draw(st.booleans())
        adjustments.append(
            (
                slug,
                ExerciseAdjustment(
                    steps_back=draw(st.integers(min_value=0, max_value=4)),
                    variant=draw(st.sampled_from((None, cat[slug].easier))),
                    hold=hold,
                    held_at=draw(st.integers(min_value=0, max_value=3)) if hold else None,
                    reason="held: pain 4/10 on Mon 5 Jan",
                    since=(start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))).isoformat(),
                ),
            )
        )
    gated = sorted({phase.slug for p in pathways().values() for phase in p.phases if phase.exit_criteria})
    extra = draw(st.dictionaries(st.sampled_from(gated), st.integers(min_value=1, max_value=3), max_size=2))
    hold_weeks = draw(st.integers(min_value=0, max_value=3))
    return PlanState(
        exercise_adjustments=tuple(adjustments),
        phase_extra_weeks=tuple(sorted(extra.items())),
        criteria_met=frozenset(draw(st.lists(st.sampled_from(gated), unique=True, max_size=2))),
        speed_work_cleared=draw(st.booleans()),
        running_hold_weeks=hold_weeks,
        running_hold_since=(start + dt.timedelta(weeks=draw(st.integers(min_value=1, max_value=8)))).isoformat()
        if hold_weeks
        else None,
        running_hold_reason="tightness after running" if hold_weeks else "",
    )
