"""Plain-language display of stored doses for the plan pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from exercises.catalogue import ExerciseSpec, dose_from_dict
from programs.clinical.dosing import describe
from programs.clinical.words import session_kind_label
from programs.models import PlanChange
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


# The rules' reasons open with the verb the decision's title already says ("regressed: pain 6/10 during it …").
_DECIDED_PREFIX = re.compile(r"^(?:progressed|regressed|held|paused|resumed|on track)\s*:\s*", re.IGNORECASE)


@register.filter
def decision_reason(reason: str) -> str:
    """A decision's reason without the verb its title already shows: 'Stepped back: pain 6/10 during it …'."""
    return _DECIDED_PREFIX.sub("", reason, count=1)


def change_line(change: PlanChange, names: Mapping[str, str]) -> str:
    """A decision in one sentence that names its exercise: 'Nordic curl paused: pain 7/10 on Sat 21 Nov, …'.

    `names` maps exercise slugs (and "running") to names; a decision about the whole plan opens with its title."""
    title = change.get_kind_display()
    name = names.get(change.exercise, "")
    if name and not title.lower().startswith(name.lower()):
        title = f"{name} {title[0].lower()}{title[1:]}"
    reason = decision_reason(change.reason).rstrip()
    return f"{title}: {reason}" if reason.endswith((".", "!", "?")) else f"{title}: {reason}."


def change_lines(changes: Iterable[PlanChange], names: Mapping[str, str]) -> list[tuple[PlanChange, str]]:
    """The decisions with their lines, in order, each line once (two runs of the rules may record one decision)."""
    lines: dict[str, PlanChange] = {}
    for change in changes:
        lines.setdefault(change_line(change, names), change)
    return [(change, line) for line, change in lines.items()]
