"""Plain-language display of stored doses for the plan pages."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from exercises.catalogue import ExerciseSpec, dose_from_dict
from programs.clinical.dosing import describe
from programs.clinical.words import for_reader, reason_without_verb, session_kind_label
from programs.models import PlanChange
from programs.selectors.plans import ItemRow, SessionRow

register = template.Library()


@register.filter
def dose_text(dose: dict[str, Any], spec: ExerciseSpec | None = None) -> str:
    """'3 × 12, 10, 8', '20 laps', '4 × 20 s each leg' from a prescription's stored dose and its exercise."""
    return describe(dose_from_dict(dose), spec is not None and spec.per_side)


@register.filter
def done_text(log: Any, item: ItemRow) -> str:
    """What an exercise log says was done, worded as its dose is on the runner's pages: the prescribed dose with the
    numbers the runner logged in place of the prescribed ones ('1 × 10 × 2 s each leg' for one set ticked of two).
    A run's distance is left to the caller, who knows the runner's unit."""
    if log.sets_done == 0:
        return "none"
    logged = {
        "sets": log.sets_done,
        "reps": _reps_done(log.reps_done),
        "hold_seconds": log.hold_seconds,
        "minutes": log.minutes,
        "laps": log.laps,
    }
    logged = {name: value for name, value in logged.items() if value}
    if not logged and not log.completed_as_prescribed:
        return "–"  # only pain was logged: how much was done is not known
    done = dataclasses.replace(dose_from_dict(item.dose), **logged)
    if isinstance(done.reps, tuple) and done.sets:  # reps set by set: as many as the sets done
        done = dataclasses.replace(done, reps=done.reps[: done.sets])
    return describe(done, item.spec is not None and item.spec.per_side)


def _reps_done(reps: Any) -> int | tuple[int, ...] | None:
    """Reps as a dose holds them: one number when every set had the same ('3 × 10', not '3 × 10, 10, 10')."""
    if isinstance(reps, list):
        return (reps[0] if len(set(reps)) == 1 else tuple(reps)) if reps else None
    return reps or None


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
def voice(text: str, reader: Any) -> str:
    """Stored wording written to the runner, in the third person when a physio reads it (`words.third_person`)."""
    return for_reader(str(text), physio=bool(getattr(reader, "is_physio", False)))


@register.filter
def get_item(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")


@register.filter
def decision_reason(reason: str) -> str:
    """A decision's reason without the verb its title already shows: 'Stepped back: pain 6/10 during it …'."""
    return reason_without_verb(reason)


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
