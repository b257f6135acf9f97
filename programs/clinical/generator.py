"""Intake + catalogue + pathway + rules state → a dated plan (docs/design.md §3). Pure and deterministic.

Regenerating with the same (intake, start, weeks, state) gives the same plan, so the lead can re-run it after each
evaluation and diff the future. Safety rules (docs/design.md §5) are enforced here, not trusted to the data alone:
an exercise is only prescribed if the runner has its equipment and the phase does not forbid any of its tags.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from exercises.catalogue import Catalogue
from programs.clinical.config import DEFAULT_CONFIG, RulesConfig
from programs.clinical.edits import NO_EDITS, ProgramEdits, apply_edits, cap_running
from programs.clinical.pathways import (
    ITEM_CONDITIONS,
    Pathway,
    PathwayItem,
    Phase,
    Rule,
    choose_pathway,
    entry_phase,
    phase_slots,
    physio_choice_reason,
)
from programs.clinical.placement import Entry, PlanBuilder, day_sessions, exercise_fits, place_phase
from programs.clinical.rules import default_pain_limits
from programs.clinical.run_cuts import cut_targets, pause_runs, walk_minutes
from programs.clinical.run_days import gate_run_through, place_runs
from programs.clinical.running_gates import race_block
from programs.clinical.running_load import running_targets, speed_allowed
from programs.clinical.screening import NO_RUNNING_TAG, no_running_target, screen_for_plan, without_running
from programs.clinical.spacing import space_hamstring_work
from programs.clinical.types import (
    INITIAL_STATE,
    Day,
    Intake,
    PainLimits,
    Plan,
    PlanState,
    Referral,
    RunningTarget,
    Week,
)


def swap_choices(
    item: PathwayItem,
    phase: Phase,
    *,
    intake: Intake,
    catalogue: Catalogue,
    restricted: frozenset[str],
    swaps: Mapping[str, str],
) -> tuple[PathwayItem, ...]:
    """What the runner may schedule in an item's place in this phase: the item and its listed alternatives that
    their equipment allows and the phase (or an open advisory's `restricted` tags) does not forbid, leaving out what
    the phase's other items schedule (taking it would push one of them out of the plan)."""
    never = restricted | {"red_flag"}

    def allowed(slug: str) -> bool:
        return exercise_fits(catalogue, intake.equipment, slug, phase, never)

    taken: set[str] = set()
    for other in phase.items:
        if other is item or (other.only_if and not ITEM_CONDITIONS[other.only_if](intake)):
            continue
        preferred = [c for c in other.alternatives if c.exercise == swaps.get(other.exercise)]
        candidates = (*preferred, other, *other.alternatives)
        pick = next((c for c in candidates if c.exercise not in taken and allowed(c.exercise)), None)
        if pick is not None:
            taken.add(pick.exercise)
    return tuple(c for c in (item, *item.alternatives) if c.exercise not in taken and allowed(c.exercise))


def pathway_item_of(phase: Phase, slot: str) -> PathwayItem | None:
    """The phase's item whose place a scheduled exercise (`Item.slot`) fills: the item itself or one of its
    alternatives."""
    return next((item for item in phase.items if item.exercise == slot), None) or next(
        (item for item in phase.items if any(alt.exercise == slot for alt in item.alternatives)), None
    )


def generate_plan(
    intake: Intake,
    *,
    start: dt.date,
    weeks: int,
    catalogue: Catalogue,
    pathways: Mapping[str, Pathway],
    config: RulesConfig = DEFAULT_CONFIG,
    state: PlanState = INITIAL_STATE,
    pain_limits: PainLimits | None = None,
    pathway: str | None = None,
    edits: ProgramEdits = NO_EDITS,
) -> Plan:
    """Screen, choose the pathway, lay out its phases, then the running targets and each day's sessions.

    `pathway` is a physio's choice (a slug of `pathways`) in place of the one the intake's rules pick; screening,
    the entry stage and each phase's forbidden exercises apply to it exactly as to a chosen one (and
    `programs.services.assign` refuses another program while the runner's own is in a restricted early stage).

    A stop-tier red flag returns status needs_clinician with the referral and no weeks (docs/design.md §5); an
    advisory gives an active plan with the referral, without the exercises it restricts, and (protect_only) in the
    first stage only. Both hold until a physio has cleared the runner after assessment (state.clinician_cleared).
    The plan starts at the furthest stage whose entry criteria the runner already meets (`entry_phase`).
    `edits` are a physio's changes (programs.clinical.edits): the running caps bound each week's target before runs are
    placed, and the exercise edits are applied to the finished plan under the same safety checks.
    """
    slug, why = choose_pathway(intake)
    if pathway is not None and pathway != slug:
        slug, why = pathway, physio_choice_reason(pathways[pathway], intake)
    template = pathways[slug]
    limits = pain_limits or default_pain_limits(template)
    referral = _referral(intake, state, config, limits)
    if referral is not None and referral.stops_plan:
        return Plan("needs_clinician", referral, slug, why, limits, start, ())
    protect_only = referral is not None and referral.protect_only
    first = 0 if protect_only else entry_phase(template, intake.symptoms)
    slots = phase_slots(template, weeks, state, first=first, protect_only=protect_only)
    restricted = frozenset(referral.restrictions) if referral is not None else frozenset()
    no_running = referral is not None and referral.no_running
    if no_running:  # a pop or bruising, at intake or reported since: no runs, walk–jog or drills until cleared
        catalogue, restricted = without_running(catalogue), restricted | {NO_RUNNING_TAG}
    builder = PlanBuilder(intake, catalogue, limits, state, config, start, restricted)
    days: dict[int, list[Entry]] = defaultdict(list)
    speed = [
        speed_allowed(slot, intake, state, start + dt.timedelta(weeks=w), week=w, config=config)
        for w, slot in enumerate(slots)
    ]
    walk_jog = [0] * len(slots)
    carried: dict[tuple[str, Rule], int] = {}
    first = 0
    while first < len(slots):
        phase = slots[first].phase
        last = first
        while last + 1 < len(slots) and slots[last + 1].phase is phase:
            last += 1
        place_phase(phase, builder, first, last + 1, start, days, speed, walk_jog, carried)
        first = last + 1
    race_left_out = race_block(intake, state, slots, start, config)
    targets = running_targets(
        intake,
        slots,
        start=start,
        config=config,
        state=state,
        walk_jog_sessions=walk_jog,
        race_left_out=race_left_out,
        pain_limit=limits.during,
    )
    targets = cap_running(targets, edits)
    targets = cut_targets(targets, start=start, state=state, config=config)
    if no_running:
        targets = tuple(no_running_target(target) for target in targets)
    runs = place_runs(
        targets,
        start=start,
        intake=intake,
        config=config,
        pain_limit=limits.during,
        return_weeks=_return_weeks(targets, intake),
        race_advised=not no_running and race_left_out is None,
    )
    runs, walks = pause_runs(runs, state=state, config=config)
    for offset, entries in days.items():
        days[offset] = [gate_run_through(entry, targets[offset // 7], config) for entry in entries]
    for date, run_items in runs.items():
        offset = (date - start).days
        if 0 <= offset < 7 * len(slots):
            days[offset].extend((0, item, 0.0, "run", False) for item in run_items)
    for date, walk in walks.items():
        offset = (date - start).days
        if 0 <= offset < 7 * len(slots):
            days[offset].append((0, walk, walk_minutes(walk), "cross_training", True))
    space_hamstring_work(
        days,
        start=start,
        weeks=len(slots),
        intake=intake,
        catalogue=catalogue,
        config=config,
        builds=builder.builds,
    )
    out_weeks = []
    for w, slot in enumerate(slots):
        week_days = tuple(
            Day(
                start + dt.timedelta(days=d),
                day_sessions(days.get(d, ()), intake.minutes_per_session, builder, d, slot.phase),
            )
            for d in range(7 * w, 7 * w + 7)
        )
        out_weeks.append(Week(w + 1, slot.phase.slug, targets[w], week_days))
    plan = Plan("active", referral, slug, why, limits, start, tuple(out_weeks))
    return apply_edits(
        plan,
        edits,
        catalogue=catalogue,
        pathway=template,
        equipment=intake.equipment,
        restricted=restricted,
        config=config,
    )


def _return_weeks(targets: Sequence[RunningTarget], intake: Intake) -> frozenset[int]:
    """The first two weeks of running again (after weeks without, or from the start after a strain): alternate days."""
    weeks: set[int] = set()
    for w, target in enumerate(targets):
        restart = w > 0 and targets[w - 1].target_distance == 0
        if target.target_distance > 0 and (restart or (w == 0 and intake.symptoms.onset == "sudden")):
            weeks |= {w, w + 1}
    return frozenset(weeks)


def _referral(intake: Intake, state: PlanState, config: RulesConfig, limits: PainLimits) -> Referral | None:
    """Screening of the intake with the red flags reported since (a pop or bruising reported at a day log rules out
    running as one at intake does), the advice the pathway's pain limit calls for, plus the rules' advice, until a
    clinician clears."""
    if state.clinician_cleared:
        return None
    if state.reported_flags:
        flags: dict[str, Any] = dict.fromkeys(state.reported_flags, True)
        intake = dataclasses.replace(intake, symptoms=dataclasses.replace(intake.symptoms, **flags))
    return screen_for_plan(intake, limits.during, config=config, advisories=state.advisories)
