"""JSON form of the rules' state and a plan's pain limits, as stored on `Plan` rows.

Derived from the dataclass fields, so a field added to PlanState is stored without touching this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from programs.clinical.types import ExerciseAdjustment, PainLimits, PlanState

_STATE_FIELDS = tuple(f.name for f in dataclasses.fields(PlanState) if f.init)


def state_to_dict(state: PlanState) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in _STATE_FIELDS:
        value = getattr(state, name)
        if name == "exercise_adjustments":
            value = {slug: dataclasses.asdict(adj) for slug, adj in value}
        elif name in ("phase_extra_weeks", "swaps"):
            value = dict(value)
        elif isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, tuple):
            value = list(value)
        data[name] = value
    return data


def state_from_dict(data: Mapping[str, Any] | None) -> PlanState:
    data = {name: value for name, value in (data or {}).items() if name in _STATE_FIELDS}
    if "exercise_adjustments" in data:
        data["exercise_adjustments"] = tuple(
            (slug, ExerciseAdjustment(**adj)) for slug, adj in sorted(data["exercise_adjustments"].items())
        )
    for name in ("phase_extra_weeks", "swaps"):
        if name in data:
            data[name] = tuple(sorted(data[name].items()))
    for name in ("criteria_met", "reported_flags"):
        if name in data:
            data[name] = frozenset(data[name])
    for name in ("advisories", "attention"):
        if name in data:
            data[name] = tuple(data[name])
    return PlanState(**data)


def pain_limits_from_dict(data: Mapping[str, Any] | None) -> PainLimits | None:
    return PainLimits(**data) if data else None
