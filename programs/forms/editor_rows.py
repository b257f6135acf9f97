"""The rows a program editor shows: a plan's or a pathway's exercises with their doses, by kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exercises.catalogue import Catalogue, Dose
from programs.clinical import types as domain
from programs.clinical.dosing import describe
from programs.clinical.pathways import Pathway

EDITABLE_KINDS: tuple[str, ...] = ("strength", "mobility", "cross_training")  # what a physio edits exercise by exercise


@dataclass(frozen=True)
class ProgramRow:
    """One exercise of the program as it starts, before the physio's edits."""

    exercise: str
    name: str
    kind: str
    dosing: str
    start_dose: str  # the dose it starts at, in words
    start: Dose  # the same in numbers: the dose boxes show them as placeholders


def rows_from_plan(plan: domain.Plan, catalogue: Catalogue) -> tuple[ProgramRow, ...]:
    """Each exercise of a generated plan once, grouped by session kind in the order the plan first meets them."""
    seen: dict[str, ProgramRow] = {}
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                if session.kind not in EDITABLE_KINDS:
                    continue
                for item in session.items:
                    if item.exercise not in seen and item.exercise in catalogue:
                        seen[item.exercise] = _row(item.exercise, session.kind, item.dose, catalogue)
    return _by_kind(seen.values())


def rows_from_pathway(pathway: Pathway, catalogue: Catalogue) -> tuple[ProgramRow, ...]:
    """Each exercise a pathway lists once (without a runner: no equipment or stage checks, its own starting dose)."""
    seen: dict[str, ProgramRow] = {}
    for phase in pathway.phases:
        for item in phase.items:
            if item.kind in EDITABLE_KINDS and item.exercise not in seen and item.exercise in catalogue:
                seen[item.exercise] = _row(item.exercise, item.kind, item.dose, catalogue)
    return _by_kind(seen.values())


def _row(slug: str, kind: str, dose: Dose, catalogue: Catalogue) -> ProgramRow:
    spec = catalogue[slug]
    return ProgramRow(slug, spec.name, kind, spec.dosing, describe(dose, spec.per_side), dose)


def _by_kind(rows: Iterable[ProgramRow]) -> tuple[ProgramRow, ...]:
    return tuple(sorted(rows, key=lambda row: EDITABLE_KINDS.index(row.kind)))


def exercise_choices(catalogue: Catalogue) -> list[tuple[str, str]]:
    """Every exercise a physio can add, by its name (running is set by the running caps, not exercise by exercise)."""
    named = sorted((spec.name, spec.slug) for spec in catalogue.exercises if spec.category != "running")
    return [("", "Choose an exercise…"), *((slug, name) for name, slug in named)]
