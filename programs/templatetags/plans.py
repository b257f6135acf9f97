"""Plain-language display of stored doses for the plan pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from exercises.catalogue import ExerciseSpec, dose_from_dict
from programs.clinical.dosing import describe
from programs.clinical.words import reason_without_verb, session_kind_label
from programs.selectors.plans import SessionRow

register = template.Library()


@register.filter
def dose_text(dose: dict[str, Any], spec: ExerciseSpec | None = None) -> str:
    """'3 × 12, 10, 8', '20 laps', '4 × 20 s each leg' from a prescription's stored dose and its exercise."""
    return describe(dose_from_dict(dose), spec is not None and spec.per_side)


@register.filter
def session_label(kind: str) -> str:
    return session_kind_label(kind)


def run_names(session: SessionRow, unit: str) -> list[str]:
    """A run session's runs in words: "Easy run 5 km", or the run's name alone when it has no distance."""
    runs = []
    for item in session.items:
        name = item.spec.name if item.spec is not None else "Run"
        distance = item.dose.get("distance")
        runs.append(f"{name} {distance:g} {unit}" if distance else name)
    return runs or ["Run"]


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")


@register.filter
def decision_reason(reason: str) -> str:
    """A decision's reason without the verb its title already shows: 'Stepped back: pain 6/10 during it …'."""
    return reason_without_verb(reason)
