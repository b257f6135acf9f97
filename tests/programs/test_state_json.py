"""The rules' state survives its trip through the database's JSON column."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from programs.clinical.state_json import state_from_dict, state_to_dict
from programs.clinical.types import ExerciseAdjustment, PlanState

iso_dates = st.dates().map(lambda d: d.isoformat())
adjustments = st.builds(
    ExerciseAdjustment,
    steps_back=st.integers(0, 5),
    variant=st.none() | st.sampled_from(["glute_bridge", "slider_curl"]),
    hold=st.booleans(),
    reason=st.text(max_size=30),
    since=st.none() | iso_dates,
    reviewed_through=st.none() | iso_dates,
    held_at=st.none() | st.integers(0, 9),
)
states = st.builds(
    PlanState,
    exercise_adjustments=st.dictionaries(st.sampled_from(["nordic_curl", "pool_kickboard_laps"]), adjustments).map(
        lambda d: tuple(sorted(d.items()))
    ),
    phase_extra_weeks=st.dictionaries(st.sampled_from(["stage_1", "stage_2"]), st.integers(1, 4)).map(
        lambda d: tuple(sorted(d.items()))
    ),
    criteria_met=st.frozensets(st.sampled_from(["stage_1", "stage_2"])),
    speed_work_cleared=st.booleans(),
    running_hold_weeks=st.integers(0, 3),
    running_hold_since=st.none() | iso_dates,
    running_hold_reason=st.text(max_size=30),
    days_reviewed_through=st.none() | iso_dates,
)


@given(states)
def test_state_round_trips_through_json(state: PlanState) -> None:
    assert state_from_dict(json.loads(json.dumps(state_to_dict(state)))) == state


def test_an_empty_column_is_the_initial_state() -> None:
    assert state_from_dict({}) == PlanState()
    assert state_from_dict(None) == PlanState()
