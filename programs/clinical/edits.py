"""A physio's edits to a program: what they leave out, the doses they fix, what they add, the order, the pain limit and
the running caps. Pure: data in, data out (docs/design.md §1).

The edits are kept on the plan (`Plan.program_edits`, as `edits_to_dict`) or on a template (`ProgramTemplate.program`)
and applied on every generation (`programs.clinical.generator.generate_plan`), so the replan, a clearance and a stage change
keep them. The safety rules stay the generator's: an added exercise goes only where the runner has its equipment and
the stage allows it, and never when it is tagged `red_flag` or an open advisory restricts it. A stage that forbids one
of its tags gets it only with the physio's recorded reason (`overrides`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exercises.catalogue import Catalogue, Dose, ExerciseSpec, dose_from_dict, dose_to_dict
from programs.clinical import types as domain
from programs.clinical.config import DEFAULT_CONFIG, RulesConfig
from programs.clinical.dosing import describe, estimated_minutes, session_minutes, session_parts
from programs.clinical.pathways import Pathway, Phase
from programs.clinical.rules_types import Decision

ADDABLE_KINDS: tuple[str, ...] = tuple(k for k in domain.SESSION_KINDS if k in domain.REHAB_KINDS)
SET_BY_PHYSIO = "Set by your physio."
ADDED_BY_PHYSIO = "Added by your physio."
KEPT_BY_PHYSIO = "Kept at the dose your physio set"
# A tag no override ever lifts: red-flag exercises (docs/design.md §5). What an open advisory restricts is passed in.
NEVER_TAGS = frozenset({"red_flag"})
# The week's runs and the race: set by the running rules within the physio's weekly caps, never one by one.
WEEKLY_RUNS = frozenset({"easy_run", "long_run", "race"})


@dataclass(frozen=True)
class AddedExercise:
    exercise: str  # catalogue slug
    kind: str  # the session kind it joins: one of ADDABLE_KINDS
    dose: Dose


@dataclass(frozen=True)
class ProgramEdits:
    """What a physio changed in the pathway's program. Exercise edits match the exercise actually scheduled."""

    removed: frozenset[str] = frozenset()  # left out everywhere
    doses: Mapping[str, Dose] = field(default_factory=dict)  # fixed: the rules never progress or regress them
    added: tuple[AddedExercise, ...] = ()
    order: tuple[str, ...] = ()  # wanted order within a session; exercises not named keep their place after
    overrides: Mapping[str, str] = field(default_factory=dict)  # slug -> why it is prescribed where a stage forbids it
    pain_limit: int | None = None
    weekly_distance_cap: float | None = None  # in the runner's unit
    max_runs: int | None = None

    @property
    def changes_exercises(self) -> bool:
        return bool(self.removed or self.doses or self.added or self.order)

    @property
    def caps_running(self) -> bool:
        return self.weekly_distance_cap is not None or self.max_runs is not None


NO_EDITS = ProgramEdits()


class EditsFormatError(ValueError):
    """The edits' JSON is not the expected shape; `errors` by field (dotted names inside the edits)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


# ---------------------------------------------------------------- JSON


def _slug_list(value: Any, name: str, errors: dict[str, list[str]]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors.setdefault(name, []).append("Give a list of exercises.")
        return ()
    return tuple(value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def edits_from_dict(data: Mapping[str, Any] | None) -> ProgramEdits:
    """The edits from their JSON form (`edits_to_dict`); an old template's `{"pain_limit": n}` loads too.
    Raises EditsFormatError for a shape that is not the edits' (unknown keys, a dose that is not a dose).
    Whether the exercises exist and fit is `edit_problems`' question."""
    if not data:
        return NO_EDITS
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise EditsFormatError({"non_field_errors": ["Give the changes as an object."]})
    unknown = sorted(set(data) - {f.name for f in dataclasses.fields(ProgramEdits)})
    if unknown:
        errors["non_field_errors"] = [f"Plans cannot follow these settings: {', '.join(unknown)}."]
    removed = frozenset(_slug_list(data.get("removed"), "removed", errors))
    order = _slug_list(data.get("order"), "order", errors)
    doses: dict[str, Dose] = {}
    raw_doses = data.get("doses") or {}
    if not isinstance(raw_doses, Mapping):
        errors["doses"] = ["Give the doses by exercise."]
        raw_doses = {}
    for slug, raw in raw_doses.items():
        try:
            doses[str(slug)] = dose_from_dict(raw)
        except ValueError as exc:
            errors.setdefault(f"doses.{slug}", []).append(str(exc))
    added: list[AddedExercise] = []
    raw_added = data.get("added") or []
    if not isinstance(raw_added, list | tuple):
        errors["added"] = ["Give a list of exercises to add."]
        raw_added = []
    for i, row in enumerate(raw_added):
        if not isinstance(row, Mapping) or not isinstance(row.get("exercise"), str) or "kind" not in row:
            errors.setdefault(f"added.{i}", []).append("Give the exercise, the session it joins and its dose.")
            continue
        try:
            dose = dose_from_dict(row.get("dose") or {})
        except ValueError as exc:
            errors.setdefault(f"added.{i}.dose", []).append(str(exc))
            continue
        added.append(AddedExercise(row["exercise"], str(row["kind"]), dose))
    raw_overrides = data.get("overrides") or {}
    if not isinstance(raw_overrides, Mapping) or not all(isinstance(v, str) for v in raw_overrides.values()):
        errors["overrides"] = ["Give the reason for each override as text."]
        raw_overrides = {}
    overrides = {str(k): v.strip() for k, v in raw_overrides.items()}
    pain_limit, cap, max_runs = data.get("pain_limit"), data.get("weekly_distance_cap"), data.get("max_runs")
    if pain_limit is not None and not _whole(pain_limit):
        errors["pain_limit"] = ["The pain limit is a whole number from 0 to 10."]
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int | float)):
        errors["weekly_distance_cap"] = ["Give the weekly distance as a number."]
    if max_runs is not None and not _whole(max_runs):
        errors["max_runs"] = ["Give the number of runs a week as a whole number from 0 to 7."]
    if errors:
        raise EditsFormatError(errors)
    return ProgramEdits(
        removed=removed,
        doses=doses,
        added=tuple(added),
        order=order,
        overrides=overrides,
        pain_limit=pain_limit,
        weekly_distance_cap=float(cap) if cap is not None else None,
        max_runs=max_runs,
    )


def edits_to_dict(edits: ProgramEdits) -> dict[str, Any]:
    """JSON-safe, only what is set (`{}` for no edits), in a stable order so equal edits store equal JSON."""
    out: dict[str, Any] = {}
    if edits.removed:
        out["removed"] = sorted(edits.removed)
    if edits.doses:
        out["doses"] = {slug: dose_to_dict(dose) for slug, dose in sorted(edits.doses.items())}
    if edits.added:
        out["added"] = [{"exercise": a.exercise, "kind": a.kind, "dose": dose_to_dict(a.dose)} for a in edits.added]
    if edits.order:
        out["order"] = list(edits.order)
    if edits.overrides:
        out["overrides"] = dict(sorted(edits.overrides.items()))
    for name in ("pain_limit", "weekly_distance_cap", "max_runs"):
        value = getattr(edits, name)
        if value is not None:
            out[name] = value
    return out


# ---------------------------------------------------------------- applying


def exercise_allowed(
    spec: ExerciseSpec | None,
    phase: Phase,
    *,
    equipment: frozenset[str],
    restricted: frozenset[str],
    overrides: Mapping[str, str] = {},
) -> bool:
    """The generator's check (programs.clinical.generator._allowed) with the physio's overrides: equipment, never a red-flag
    tag or what an open advisory restricts, and a stage's forbidden tags only with a recorded reason."""
    if spec is None or not spec.equipment <= equipment or spec.contraindications & (restricted | NEVER_TAGS):
        return False
    return not spec.contraindications & phase.forbidden_tags or bool(overrides.get(spec.slug, "").strip())


def cap_running(targets: Sequence[domain.RunningTarget], edits: ProgramEdits) -> tuple[domain.RunningTarget, ...]:
    """Each week's running within the physio's caps (distance in the runner's unit, runs a week); the reason says so."""
    if not edits.caps_running:
        return tuple(targets)
    out = []
    for target in targets:
        distance, runs, reason = target.target_distance, target.max_runs, target.reason
        cap = edits.weekly_distance_cap
        if edits.max_runs == 0 and distance > 0:
            distance, runs = 0.0, 0
            reason = (
                f"No running this week: your physio has paused running (was {target.target_distance:g} {target.unit})"
            )
        else:
            if cap is not None and distance > cap:
                distance = cap
                own = reason[:1].lower() + reason[1:]
                reason = f"Capped by your physio at {cap:g} {target.unit} a week (the program's own target: {own})"
            if edits.max_runs is not None and distance > 0 and runs > edits.max_runs:
                runs = edits.max_runs
                reason += f"; at most {runs} run{'s' if runs != 1 else ''} a week, as your physio set"
        if (distance, runs, reason) != (target.target_distance, target.max_runs, target.reason):
            target = dataclasses.replace(
                target, target_distance=distance, max_runs=runs, rest_days=7 - runs, reason=reason
            )
        out.append(target)
    return tuple(out)


def _fixed_item(item: domain.Item, dose: Dose, spec: ExerciseSpec) -> domain.Item:
    return dataclasses.replace(item, dose=dose, reason=f"{spec.name}: {describe(dose, spec.per_side)}. {SET_BY_PHYSIO}")


def _added_item(added: AddedExercise, spec: ExerciseSpec, pain_limit: int, overridden: bool) -> domain.Item:
    source = "Added by the physio" + (
        " (the stage leaves it out; the physio's recorded override)" if overridden else ""
    )
    source = f"{source}; {spec.source}" if spec.source else source
    reason = f"{spec.name}: {describe(added.dose, spec.per_side)}. {ADDED_BY_PHYSIO}"
    return domain.Item(added.exercise, added.dose, pain_limit, reason, slot=added.exercise, source=source)


def _session_minutes(session: domain.Session, catalogue: Catalogue, config: RulesConfig) -> int:
    """As the read model works them out from stored doses (programs.selectors.plans), warm-up first, in the same order."""
    parts = [estimated_minutes(i.dose, config, catalogue[i.exercise].per_side) for i in session.warm_up]
    parts += [
        estimated_minutes(i.dose, config, catalogue[i.exercise].per_side) * i.times_per_day for i in session.items
    ]
    return session_minutes(session_parts(parts))


def apply_edits(
    plan: domain.Plan,
    edits: ProgramEdits,
    *,
    catalogue: Catalogue,
    pathway: Pathway,
    equipment: frozenset[str],
    restricted: frozenset[str] = frozenset(),
    config: RulesConfig = DEFAULT_CONFIG,
) -> domain.Plan:
    """The generated plan with the physio's exercise edits: removed exercises left out (from a warm-up too, while
    another warm-up exercise is left), fixed doses
    set (the reason says the physio set them), added exercises in every session of their kind in the stages that
    allow them (exercise_allowed), and each session's items in the physio's order. Running caps are applied to the
    weekly targets before runs are placed (`cap_running`, called by the generator). Pure and deterministic."""
    if not (edits.changes_exercises or edits.max_runs is not None) or not plan.weeks:
        return plan
    limit = plan.pain_limits.during if plan.pain_limits else 5
    rank = {slug: i for i, slug in enumerate(edits.order)}
    # Generated plans repeat the same items and sessions week after week: each is edited once and then reused.
    additions_of: dict[str, dict[str, list[domain.Item]]] = {}
    fixed: dict[int, domain.Item] = {}
    edited: dict[tuple[object, ...], domain.Session | None] = {}

    def additions(phase: Phase) -> dict[str, list[domain.Item]]:
        found = additions_of.get(phase.slug)
        if found is None:
            found = additions_of[phase.slug] = {}
            for added in edits.added:
                spec = catalogue.by_slug.get(added.exercise)
                if added.exercise in edits.removed or added.kind not in ADDABLE_KINDS or spec is None:
                    continue
                if spec.category == "running" or not exercise_allowed(
                    spec, phase, equipment=equipment, restricted=restricted, overrides=edits.overrides
                ):
                    continue
                overridden = bool(spec.contraindications & phase.forbidden_tags)
                found.setdefault(added.kind, []).append(_added_item(added, spec, limit, overridden))
        return found

    def fixed_item(item: domain.Item) -> domain.Item:
        found = fixed.get(id(item))
        if found is None:
            found = fixed[id(item)] = _fixed_item(item, edits.doses[item.exercise], catalogue[item.exercise])
        return found

    def edit(session: domain.Session, phase: Phase) -> domain.Session | None:
        """The session with the edits (a run session's stage work too, never the week's runs), the same object when
        nothing changes, None when nothing is left."""
        key = (phase.slug, session.kind, *map(id, session.items), None, *map(id, session.warm_up))
        if key in edited:
            return edited[key]
        items = [i for i in session.items if i.exercise not in edits.removed or i.exercise in WEEKLY_RUNS]
        items = [fixed_item(i) if i.exercise in edits.doses and i.exercise not in WEEKLY_RUNS else i for i in items]
        present = {i.exercise for i in items}
        items += [i for i in additions(phase).get(session.kind, ()) if i.exercise not in present]
        items.sort(key=lambda i: rank.get(i.exercise, len(rank)))
        # A strength session always opens with a warm-up (a Nordic is never first): an exercise is removed from it
        # only when another warm-up exercise is left.
        warm_up = tuple(i for i in session.warm_up if i.exercise not in edits.removed) or session.warm_up
        result: domain.Session | None = None
        if items:
            unchanged = len(items) == len(session.items) and all(
                a is b for a, b in zip(items, session.items, strict=True)
            )
            if unchanged and warm_up == session.warm_up:
                result = session
            else:
                result = dataclasses.replace(session, items=tuple(items), warm_up=warm_up)
                if session.kind in domain.REHAB_KINDS:  # run sessions carry no minutes
                    result = dataclasses.replace(result, estimated_minutes=_session_minutes(result, catalogue, config))
        edited[key] = result
        return result

    weeks = []
    for week in plan.weeks:
        phase = pathway.phase(week.phase)
        days = []
        for day in week.days:
            sessions = [edit(session, phase) if session.kind != "rest" else session for session in day.sessions]
            kept = tuple(s for s in sessions if s is not None)
            if day.sessions and not kept:
                kept = (domain.Session("rest"),)
            same = len(kept) == len(day.sessions) and all(a is b for a, b in zip(kept, day.sessions, strict=True))
            days.append(day if same else dataclasses.replace(day, sessions=kept))
        week = dataclasses.replace(week, days=tuple(days))
        weeks.append(_within_max_runs(week, edits.max_runs) if edits.max_runs is not None else week)
    return dataclasses.replace(plan, weeks=tuple(weeks))


_RUN_PREFERENCE = {"race": 0, "long_run": 1}


def _within_max_runs(week: domain.Week, max_runs: int) -> domain.Week:
    """At most `max_runs` run sessions in the week, the stage's own running work included: the race and the long run
    are kept first, then the earliest runs. A day left without sessions keeps its rest session."""
    runs = [(day.date, s) for day in week.days for s in day.sessions if s.kind == "run"]
    if len(runs) <= max_runs:
        return week

    def preference(run: tuple[dt.date, domain.Session]) -> tuple[int, dt.date]:
        return min(_RUN_PREFERENCE.get(i.exercise, 2) for i in run[1].items), run[0]

    # A day has at most one run session (sessions are grouped by kind), so the date names it.
    kept = {date for date, _ in sorted(runs, key=preference)[:max_runs]}
    days = []
    for day in week.days:
        sessions = tuple(s for s in day.sessions if s.kind != "run" or day.date in kept)
        if day.sessions and not sessions:
            sessions = (domain.Session("rest"),)
        # By value, not length: a day whose only session was a run now has a rest session instead, one for one.
        days.append(day if sessions == day.sessions else dataclasses.replace(day, sessions=sessions))
    return dataclasses.replace(week, days=tuple(days))


# ---------------------------------------------------------------- the rules and a fixed dose

_DOSE_ACTIONS = frozenset({"progress", "hold", "regress", "missed"})


def physio_kept(
    decisions: Sequence[Decision], edits: ProgramEdits, current: domain.Plan, new_state: domain.PlanState
) -> tuple[Decision, ...]:
    """The rules' dose decisions on an exercise whose dose the physio fixed say that the dose stays as set, rather
    than announcing a change that never happens. A step back to an easier version still happens (a different
    exercise, which the fixed dose does not cover), so that decision is left as it is."""
    if not edits.doses:
        return tuple(decisions)
    fixed = set(edits.doses) | {
        item.slot
        for week in current.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
        if item.exercise in edits.doses
    }
    out = []
    for decision in decisions:
        if decision.exercise in fixed and decision.action in _DOSE_ACTIONS:
            adjustment = new_state.adjustments.get(decision.exercise)
            variant = adjustment.variant if adjustment is not None else None
            if not (decision.action == "regress" and variant and variant not in edits.doses):
                said = decision.reason[:1].lower() + decision.reason[1:]
                decision = dataclasses.replace(decision, reason=f"{KEPT_BY_PHYSIO} (otherwise: {said})")
        out.append(decision)
    return tuple(out)
