"""The decision log's shapes: what a PlanChange row holds for each kind, and how the rules' decisions become rows.

Pure: takes the rules' decisions, the states before and after, and the concrete item changes a replan made; returns
plain values for `programs.models.PlanChange`. The schema of `before`/`after` per kind is in docs/plan-changes.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from programs.clinical.dosing import describe
from programs.clinical.rules import Decision
from programs.clinical.types import ExerciseAdjustment, Item, Plan, PlanState

RUNNING = "running"


class ItemChange(TypedDict):
    """One concrete change to a future session: an item added, changed or removed, or a week's running target.

    `exercise` is the exercise slug, or "running" for a week's running target (then `date` is the week's first
    day and `session` is "run"). `before`/`after` are `{"exercise", "dose", "pain_limit"}` for items and the
    week's running fields for running; null when the item was added (before) or removed (after)."""

    date: str
    session: str
    exercise: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class SlotChange:
    """An ItemChange and the slot it belongs to, so it can be attached to the decision about that slot."""

    slot: str
    change: ItemChange


@dataclass
class DecisionRow:
    kind: str
    exercise: str
    rule: str
    reason: str
    before: Any
    after: Any
    item_changes: list[ItemChange] = field(default_factory=list)


_KIND = {
    "progress": ("progress", "pain"),
    "hold": ("hold", "pain"),
    "regress": ("regress", "pain"),
    "pause": ("pause", "severe_pain"),
    "resume": ("resume", "pain_free_check"),
    "missed": ("hold", "missed_session"),
    "phase_hold": ("stage_hold", "stage_gate"),
    "phase_advance": ("stage_advance", "stage_gate"),
    "speed_work_cleared": ("running", "speed_work"),
    "running_hold": ("running", "running_load"),
    "load_hold": ("hold", "morning_pain"),
    "load_resume": ("resume", "morning_pain"),
    "red_flag": ("red_flag", "screening"),
    "review_advised": ("red_flag", "morning_pain"),
    "check_advised": ("red_flag", "severe_pain"),
}
_WHOLE_PLAN = {"load_hold", "load_resume", "red_flag", "review_advised", "check_advised"}


def kind_of(action: str) -> str:
    """The decision kind (a PlanChange.kind) of a rules action."""
    return _KIND[action][0]


def adjustment_view(adj: ExerciseAdjustment | None) -> dict[str, Any]:
    """`before`/`after` of progress, hold, regress, pause and resume: where the exercise sits against its schedule."""
    adj = adj or ExerciseAdjustment()
    return {
        "hold": adj.hold,
        "held_at": adj.held_at,
        "steps_back": adj.steps_back,
        "variant": adj.variant,
        "paused": adj.paused,
        "reduced": adj.reduced,
    }


def running_view(state: PlanState) -> dict[str, Any]:
    """`before`/`after` of running decisions."""
    return {
        "hold_weeks": state.running_hold_weeks,
        "hold_since": state.running_hold_since,
        "speed_work_cleared": state.speed_work_cleared,
        "paused_from": state.run_pause_from,
        "paused_until": state.run_pause_until,
        "cut_from": state.running_cut_from,
        "cut_to": state.running_cut_to,
    }


def plan_view(state: PlanState) -> dict[str, Any]:
    """`before`/`after` of whole-plan decisions (a hold of all loading, red flags reported later, advice)."""
    return {
        "load_hold_since": state.load_hold_since,
        "reported_flags": sorted(state.reported_flags),
        "advisories": list(state.advisories),
        "clinician_cleared": state.clinician_cleared,
    }


def stage_view(state: PlanState) -> dict[str, Any]:
    """`before`/`after` of stage decisions: extra weeks per stage and the stages whose checklist was all yes."""
    return {"extra_weeks": dict(state.phase_extra_weeks), "criteria_met": sorted(state.criteria_met)}


def decision_rows(
    decisions: tuple[Decision, ...],
    before: PlanState,
    after: PlanState,
    changes: list[SlotChange],
    names: Mapping[str, str],
    around: PlansAround | None = None,
) -> list[DecisionRow]:
    """One row per decision, each carrying the item changes about its exercise (running changes go to the running
    decision). Changes no decision names go to a decision about the whole plan when there is one (a stage change, a
    hold of all loading, a red flag reported later: they move whole sessions);
    otherwise they are knock-on effects of the day's time budget (a shorter exercise leaves room for another) and
    get one `update` row of their own. `names` are the exercises' names, for that row's reason. With the plans
    `around` the replan, a decision about an exercise ends with its dose from what to what (`dose_change_words`)."""
    rows: list[DecisionRow] = []
    for decision in decisions:
        kind, rule = _KIND[decision.action]
        if decision.exercise is not None:
            views = (
                adjustment_view(before.adjustments.get(decision.exercise)),
                adjustment_view(after.adjustments.get(decision.exercise)),
            )
            subject = decision.exercise
        elif kind == "running":
            views, subject = (running_view(before), running_view(after)), RUNNING
        elif decision.action in _WHOLE_PLAN:
            views, subject = (plan_view(before), plan_view(after)), ""
        else:
            views, subject = (stage_view(before), stage_view(after)), ""
        rows.append(DecisionRow(kind, subject, rule, decision.reason, *views))
    by_subject = {row.exercise: row for row in reversed(rows) if row.exercise}
    # A decision about the whole plan (a stage change, a hold of all loading, a red flag) moves whole sessions.
    stage = next((row for row in rows if not row.exercise), None)
    knock_on: list[ItemChange] = []
    for slot_change in changes:
        key = RUNNING if slot_change.change["exercise"] == RUNNING else slot_change.slot
        row = by_subject.get(key) or stage
        (row.item_changes if row is not None else knock_on).append(slot_change.change)
    if around is not None:
        for row in rows:
            if row.exercise and row.exercise != RUNNING and (words := dose_change_words(row.exercise, around, names)):
                row.reason = f"{row.reason}; {words}"
    if knock_on:
        rows.append(
            DecisionRow(
                "update",
                "",
                "time_budget",
                f"{_listed(_knock_on_names(knock_on, names))} change too, to keep each day within your time.",
                None,
                None,
                knock_on,
            )
        )
    return rows


@dataclass(frozen=True)
class PlansAround:
    """The plan before and after a replan, and the last day it kept as it was (what was done is on or before it)."""

    before: Plan
    after: Plan
    through: dt.date


def dose_change_words(slot: str, around: PlansAround, names: Mapping[str, str]) -> str:
    """'2 × 5 → 3 × 5': the dose of the slot's exercise last planned up to `through` and of its next one in the new
    plan (with both names when the next is another exercise, such as its easier variant, and the exercise's name when
    it fills the slot in place of the one the decision is titled with); empty when they are the same or either is
    missing (a paused exercise has no next one)."""
    done = next((item for date, item in reversed(_slot_items(around.before, slot)) if date <= around.through), None)
    coming = next((item for date, item in _slot_items(around.after, slot) if date > around.through), None)
    if done is None or coming is None or (done.exercise, done.dose) == (coming.exercise, coming.dose):
        return ""

    def name(item: Item) -> str:
        return names.get(item.exercise, item.exercise.replace("_", " ").capitalize())

    if done.exercise == coming.exercise:
        doses = f"{describe(done.dose)} → {describe(coming.dose)}"
        # The decision is titled with the slot's exercise: name another one only when it fills the slot instead.
        return doses if done.exercise == slot else f"{name(done)}, done in its place: {doses}"
    return f"{name(done)} {describe(done.dose)} → {name(coming)} {describe(coming.dose)}"


def _slot_items(plan: Plan, slot: str) -> list[tuple[dt.date, Item]]:
    return [
        (day.date, item)
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
        if item.slot == slot
    ]


def _knock_on_names(knock_on: list[ItemChange], names: Mapping[str, str]) -> list[str]:
    """The exercises a knock-on change moved, by name; the running load goes unnamed beside named runs."""
    named = sorted({names[c["exercise"]] for c in knock_on if c["exercise"] != RUNNING and c["exercise"] in names})
    if named:
        return named
    return ["Your runs"] if any(c["exercise"] == RUNNING for c in knock_on) else ["Other coming sessions"]


def _listed(words: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
