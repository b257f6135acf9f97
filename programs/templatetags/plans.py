"""Plain-language display of stored doses for the plan pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from exercises.catalogue import ExerciseSpec, dose_from_dict

from ..dosing import describe

register = template.Library()


@register.filter
def dose_text(dose: dict[str, Any], spec: ExerciseSpec | None = None) -> str:
    """'3 × 12, 10, 8', '20 laps', '4 × 20 s each leg' from a prescription's stored dose and its exercise."""
    return describe(dose_from_dict(dose), spec is not None and spec.per_side)


_SESSION_LABELS = {
    "strength": "Strength",
    "mobility": "Mobility",
    "run": "Run",
    "cross_training": "Cross-training",
    "rest": "Rest day",
}


@register.filter
def session_label(kind: str) -> str:
    return _SESSION_LABELS.get(kind, kind)


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")
