"""Hypothesis strategies for valid intakes (as the lead's IntakeSerializer accepts them), plus small builders.

`intakes()` draws any valid intake; `clear_intakes()` only intakes without red flags (so a plan is generated);
`red_flag_intakes()` intakes with at least one red flag. All goal-race dates fall on or after `START`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from typing import Any

from hypothesis import strategies as st

from exercises.catalogue import EQUIPMENT_SLUGS, Catalogue, load_catalogue_file
from programs.domain import (
    GOALS,
    LOCATIONS,
    RACE_DISTANCES,
    RED_FLAGS,
    WEEKDAYS,
    WORSE_WHEN,
    ExerciseAdjustment,
    GoalRace,
    Intake,
    PlanState,
    Running,
    Symptoms,
)
from programs.pathways import Pathway, load_pathways

START = dt.date(2026, 1, 5)  # a Monday


@cache
def catalogue() -> Catalogue:
    return load_catalogue_file()


@cache
def pathways() -> dict[str, Pathway]:
    return load_pathways()


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


@st.composite
def symptoms(draw: st.DrawFn, *, red_flags: bool | None = None) -> Symptoms:
    """red_flags: None = anything valid; False = none at all (no flag, rest pain < 4, not > 4 weeks); True = ≥1."""
    symptomatic = draw(st.booleans())
    flags = {flag: False for flag in RED_FLAGS}
    if red_flags is None:
        flags = {flag: draw(st.booleans()) for flag in RED_FLAGS}
    elif red_flags:
        chosen = draw(st.lists(st.sampled_from(RED_FLAGS), min_size=1, max_size=3, unique=True))
        flags.update(dict.fromkeys(chosen, True))
    if not symptomatic:
        return Symptoms(previous_hamstring_injury=draw(st.booleans()), **flags)
    pain = st.integers(min_value=0, max_value=10)
    rest = draw(st.integers(min_value=0, max_value=3) if red_flags is False else pain)
    walking = draw(pain)
    weeks = draw(st.integers(min_value=0, max_value=4 if red_flags is False and (rest or walking) else 52))
    return Symptoms(
        side=draw(st.sampled_from(("left", "right", "both"))),
        onset=draw(st.sampled_from(("gradual", "sudden"))),
        weeks_since_onset=weeks,
        pain_at_rest=rest,
        pain_walking=walking,
        pain_running=draw(st.integers(min_value=1, max_value=10)),
        location=draw(st.one_of(st.none(), st.sampled_from(LOCATIONS))),
        worse_when=frozenset(draw(st.lists(st.sampled_from(WORSE_WHEN), unique=True, max_size=3))),
        previous_hamstring_injury=draw(st.booleans()),
        **flags,
    )


@st.composite
def intakes(draw: st.DrawFn, *, red_flags: bool | None = None, start: dt.date = START) -> Intake:
    run = draw(running(start=start))
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
    goal = draw(st.sampled_from(GOALS if run.goal_race else tuple(g for g in GOALS if g != "race")))
    return Intake(
        age=draw(st.integers(min_value=12, max_value=100)),
        sex=draw(st.sampled_from(("female", "male", "other", "unspecified"))),
        units=draw(st.sampled_from(("km", "mi"))),
        running=run,
        symptoms=draw(symptoms(red_flags=red_flags)),
        equipment=frozenset(draw(st.lists(st.sampled_from(EQUIPMENT_SLUGS), unique=True))),
        available_days=tuple(d for d in WEEKDAYS if d in days),
        minutes_per_session=draw(st.integers(min_value=10, max_value=180)),
        goal=goal,
    )


def clear_intakes(start: dt.date = START) -> st.SearchStrategy[Intake]:
    return intakes(red_flags=False, start=start)


def red_flag_intakes(start: dt.date = START) -> st.SearchStrategy[Intake]:
    return intakes(red_flags=True, start=start)


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


def symptomatic(intake: Intake, **fields: Any) -> Intake:
    base = {"side": "left", "onset": "gradual", "weeks_since_onset": 2, "pain_running": 4}
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
                    reason="held: pain 4/10 on Mon 2026-01-05",
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
