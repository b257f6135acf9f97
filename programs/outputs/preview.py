"""The program editor's preview in words: the first weeks day by day, and a summary of what the edits change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exercises.catalogue import Catalogue
from programs.clinical import types as domain
from programs.clinical.dosing import describe
from programs.clinical.edits import ProgramEdits
from programs.clinical.pathways import Pathway
from programs.clinical.words import session_kind_label


@dataclass(frozen=True)
class PreviewDay:
    date: dt.date
    sessions: tuple[tuple[str, tuple[str, ...]], ...]  # (session label, the items in words)


@dataclass(frozen=True)
class PreviewWeek:
    number: int
    phase: str
    running: str
    days: tuple[PreviewDay, ...]


def preview_weeks(
    plan: domain.Plan, catalogue: Catalogue, pathway: Pathway | None, *, weeks: int = 2
) -> tuple[PreviewWeek, ...]:
    """The first weeks of a previewed plan in words: each day's sessions and their exercises with their doses."""
    phases = {phase.slug: phase.name for phase in pathway.phases} if pathway is not None else {}
    out = []
    for week in plan.weeks[:weeks]:
        days = []
        for day in week.days:
            sessions = []
            for session in day.sessions:
                if session.kind == "rest":
                    continue
                items = tuple(_item_text(item, catalogue, week.running.unit) for item in session.items)
                sessions.append((session_kind_label(session.kind), items))
            if sessions:
                days.append(PreviewDay(day.date, tuple(sessions)))
        running = week.running
        words = (
            f"Running up to {running.target_distance:g} {running.unit} in at most {running.max_runs} runs"
            if running.max_runs
            else "No running"
        )
        out.append(PreviewWeek(week.number, phases.get(week.phase, ""), words, tuple(days)))
    return tuple(out)


def _item_text(item: domain.Item, catalogue: Catalogue, unit: str) -> str:
    spec = catalogue.by_slug.get(item.exercise)
    name = spec.name if spec is not None else item.exercise.replace("_", " ")
    if item.dose.distance:
        return f"{name}: {item.dose.distance:g} {unit}"
    return f"{name}: {describe(item.dose, spec is not None and spec.per_side)}"


def edits_summary(edits: ProgramEdits, catalogue: Catalogue) -> list[str]:
    """What a template or plan changes, one plain line per kind of change (for the physio's lists)."""

    def name(slug: str) -> str:
        spec = catalogue.by_slug.get(slug)
        return spec.name if spec is not None else slug.replace("_", " ")

    lines = []
    if edits.removed:
        lines.append("Leaves out " + ", ".join(sorted(map(name, edits.removed))))
    if edits.doses:
        fixed = (
            f"{name(slug)} {describe(dose, slug in catalogue and catalogue[slug].per_side)}"
            for slug, dose in sorted(edits.doses.items())
        )
        lines.append("Fixed doses: " + "; ".join(fixed))
    if edits.added:
        added = (
            f"{name(a.exercise)} ({session_kind_label(a.kind).lower()}"
            f"{', stage restriction overridden' if a.exercise in edits.overrides else ''})"
            for a in edits.added
        )
        lines.append("Adds " + ", ".join(added))
    if edits.order:
        lines.append("Own order: " + ", ".join(map(name, edits.order)))
    if edits.weekly_distance_cap is not None:
        lines.append(f"Running capped at {edits.weekly_distance_cap:g} a week")
    if edits.max_runs is not None:
        lines.append(f"At most {edits.max_runs} run{'s' if edits.max_runs != 1 else ''} a week")
    return lines
