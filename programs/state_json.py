"""JSON form of the rules' state and a plan's pain limits, as stored on `Plan` rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .domain import ExerciseAdjustment, PainLimits, PlanState


def state_to_dict(state: PlanState) -> dict[str, Any]:
    return {
        "exercise_adjustments": {slug: dataclasses.asdict(adj) for slug, adj in state.exercise_adjustments},
        "phase_extra_weeks": dict(state.phase_extra_weeks),
        "criteria_met": sorted(state.criteria_met),
        "speed_work_cleared": state.speed_work_cleared,
        "running_hold_weeks": state.running_hold_weeks,
    }


def state_from_dict(data: Mapping[str, Any] | None) -> PlanState:
    data = data or {}
    return PlanState(
        exercise_adjustments=tuple(
            (slug, ExerciseAdjustment(**adj)) for slug, adj in sorted(data.get("exercise_adjustments", {}).items())
        ),
        phase_extra_weeks=tuple(sorted(data.get("phase_extra_weeks", {}).items())),
        criteria_met=frozenset(data.get("criteria_met", ())),
        speed_work_cleared=bool(data.get("speed_work_cleared", False)),
        running_hold_weeks=int(data.get("running_hold_weeks", 0)),
    )


def pain_limits_from_dict(data: Mapping[str, Any] | None) -> PainLimits | None:
    return PainLimits(**data) if data else None
