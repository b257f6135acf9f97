"""What severe pain in an exercise changes beyond the exercise itself. Pure; called by `programs.clinical.rules`.

Severe pain (config.severe_pain_at): no running increase and no speed work next week, the red-flag questions asked
again, and a linked physio told (house choice, docs/clinical-sources.md §16.2). Early after a strain (a stage whose
running is still walk–jog or none), severe pain in the walk–jog also pauses the lengthening exercises, which load the
same healing muscle, and advises having it checked (house choice, conservative; Askling 2013 starts them only while
pain-free, docs/clinical-sources.md §6.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from exercises.catalogue import Catalogue
from programs.clinical.day_rules import hold_running, hold_speed
from programs.clinical.pathways import Pathway
from programs.clinical.rules_types import Decision
from programs.clinical.types import ExerciseAdjustment, Plan, PlanState

# The catalogue category of the exercises that lengthen the hamstring under load (the Askling exercises).
LENGTHENING = "eccentric"
_EARLY_RUNNING = frozenset({"none", "walk_jog"})
STRAIN_ADVICE_KEY = "strain_check"


def after_severe_pain(
    plan: Plan,
    state: PlanState,
    pauses: Sequence[Decision],
    as_of: dt.date,
    pathway: Pathway,
    catalogue: Catalogue | None,
) -> tuple[PlanState, list[Decision]]:
    """Severe pain in any exercise: no running increase and no speed work for at least the next week, the red-flag
    questions asked again at the next check, and a linked physio told."""
    if not pauses:
        return state, []
    reason = "severe pain in an exercise: running stays where it is and no speed work next week"
    state = hold_speed(plan, hold_running(plan, state, as_of, reason), as_of)
    state = replace(
        state,
        recheck_red_flags=True,
        attention=(*state.attention, *(f"{_name(p.exercise, catalogue)} {p.reason}" for p in pauses)),
    )
    return _early_strain_spike(plan, state, pauses, pathway, catalogue)


def _early_strain_spike(
    plan: Plan, state: PlanState, pauses: Sequence[Decision], pathway: Pathway, catalogue: Catalogue | None
) -> tuple[PlanState, list[Decision]]:
    """Severe pain in a run-type exercise (the walk–jog) in an early stage: the stage's lengthening exercises pause
    from the same day as it, and the runner is advised to have it checked."""
    adjustments = state.adjustments
    spike = next(
        (
            p
            for p in pauses
            if p.exercise and _category(p.exercise, catalogue) == "running" and p.exercise in adjustments
        ),
        None,
    )
    if spike is None or spike.exercise is None:
        return state, []
    since = adjustments[spike.exercise].since
    if since is None:
        return state, []
    week = (dt.date.fromisoformat(since) - plan.start).days // 7
    slug = plan.weeks[min(max(week, 0), len(plan.weeks) - 1)].phase if plan.weeks else None
    phase = next((p for p in pathway.phases if p.slug == slug), None)
    if phase is None or phase.running not in _EARLY_RUNNING:
        return state, []
    lengthening = sorted(
        item.exercise
        for item in phase.items
        if _category(item.exercise, catalogue) == LENGTHENING or item.exercise.startswith("askling_")
    )
    reason = (
        "paused with the walk–jog: it hurt a lot early after your strain, and this exercise stretches the same "
        "muscle under load; it comes back after a pain-free try"
    )
    decisions: list[Decision] = []
    updated = dict(adjustments)
    for slot in lengthening:
        adj = updated.get(slot, ExerciseAdjustment())
        if adj.paused:
            continue
        updated[slot] = replace(adj, paused=True, hold=True, held_at=0, since=since, reason=reason)
        decisions.append(Decision(slot, "pause", reason))
    state = replace(state, exercise_adjustments=tuple(sorted(updated.items())))
    if not any(a.startswith(STRAIN_ADVICE_KEY + ":") for a in state.advisories):
        advice = (
            "strong pain in the walk–jog this early after a strain: please have the leg checked by a physio or doctor "
            "before you build up again"
        )
        state = replace(state, advisories=(*state.advisories, f"{STRAIN_ADVICE_KEY}: {advice}"))
        decisions.append(Decision(None, "check_advised", advice))
    return state, decisions


def _category(slug: str, catalogue: Catalogue | None) -> str | None:
    spec = catalogue.by_slug.get(slug) if catalogue is not None else None
    return spec.category if spec is not None else ("running" if slug == "walk_jog" else None)


def _name(slug: str | None, catalogue: Catalogue | None) -> str:
    spec = catalogue.by_slug.get(slug) if catalogue is not None and slug else None
    return spec.name if spec is not None else (slug or "").replace("_", " ").capitalize()
