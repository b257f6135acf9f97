"""JSON form of the rules' state, a plan's pain limits and the rules config it was made with, as stored on `Plan`
rows.

Derived from the dataclass fields, so a field added to PlanState or RulesConfig is stored without touching this module.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from programs.clinical.config import RulesConfig
from programs.clinical.types import ExerciseAdjustment, PainLimits, PlanState

_STATE_FIELDS = tuple(f.name for f in dataclasses.fields(PlanState) if f.init)
_CONFIG_FIELDS = tuple(f.name for f in dataclasses.fields(RulesConfig) if f.init)


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
    for name in ("advisories", "attention", "reviewed_days"):
        if name in data:
            data[name] = tuple(data[name])
    return PlanState(**data)


def pain_limits_from_dict(data: Mapping[str, Any] | None) -> PainLimits | None:
    return PainLimits(**data) if data else None


def config_to_dict(config: RulesConfig) -> dict[str, Any]:
    """The rules config as JSON values (the pairs of `race_distances_km` and `taper_weeks`, and lists of names such as
    `nordic_type_exercises`, as lists)."""
    return {name: _json_value(getattr(config, name)) for name in _CONFIG_FIELDS}


def _json_value(value: Any) -> Any:
    return [_json_value(v) for v in value] if isinstance(value, tuple) else value


def config_from_dict(data: Mapping[str, Any]) -> RulesConfig:
    """The rules config a plan was made with (`Plan.rules_config`).

    A name RulesConfig no longer has is ignored. A field added after the plan was made takes its default: a new
    field's default is what the rules did before it existed, unless it mends a safety fault, when plans made before it
    take the safer rule at their next replan on purpose (docs/clinical-sources.md says which).
    """
    values = {name: data[name] for name in _CONFIG_FIELDS if name in data}
    for name, value in values.items():
        if isinstance(value, list):  # JSON has no tuples: pairs and lists of names come back as lists
            values[name] = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return RulesConfig(**values)
