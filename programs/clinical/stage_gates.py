"""Stage gates: a pathway stage with exit questions hands over only when every one is answered yes. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from programs.clinical.pathways import Pathway, phase_slots
from programs.clinical.rules_types import Decision
from programs.clinical.types import Plan, PlanState


def stage_gate(
    plan: Plan, state: PlanState, pathway: Pathway, as_of: dt.date, answers: Mapping[str, Mapping[str, bool]]
) -> tuple[PlanState, list[Decision]]:
    """stage_gate: a phase with exit criteria hands over only when every question is answered yes (Aspetar;
    Heiderscheit 2010; Goom 2016: progress by symptoms, not time). Its planned length is a minimum; in its last week
    without all yes it is extended by a week, with the open questions as the reason."""
    if (plan.referral is not None and plan.referral.protect_only) or not plan.weeks:
        return state, []  # held in the first stage until a clinician has cleared the runner
    first = next((i for i, p in enumerate(pathway.phases) if p.slug == plan.weeks[0].phase), 0)
    slots = phase_slots(pathway, len(plan.weeks), state, first=first)
    week = (as_of - plan.start).days // 7
    if not 0 <= week < len(slots):
        return state, []
    slot = slots[week]
    first_of_phase = week - slot.week_in_phase
    candidates = [(slot.phase, first_of_phase, week)]
    if slot.week_in_phase == 0 and week > 0:
        # Not evaluated during the previous stage's last week: it must not hand over unchecked.
        prev = slots[week - 1]
        candidates.insert(0, (prev.phase, week - 1 - prev.week_in_phase, week - 1))
    extra = dict(state.phase_extra_weeks)
    for phase, first, _ in candidates:
        if not phase.exit_criteria or phase is pathway.phases[-1] or phase.slug in state.criteria_met:
            continue
        given = answers.get(phase.slug, {})
        open_questions = [q for q in phase.exit_criteria if given.get(q) is not True]
        end = first + phase.weeks + extra.get(phase.slug, 0)  # first week after the phase
        if not open_questions:
            keep = max(0, week + 1 - first - phase.weeks) if end > week + 1 else extra.get(phase.slug, 0)
            extra[phase.slug] = keep
            new_state = replace(
                state,
                criteria_met=state.criteria_met | {phase.slug},
                phase_extra_weeks=tuple(sorted((k, v) for k, v in extra.items() if v)),
            )
            starts = plan.start + dt.timedelta(weeks=first + phase.weeks + keep)
            return new_state, [
                Decision(None, "phase_advance", f"{phase.name}: checklist all yes; the next stage starts {starts}")
            ]
        if end <= week + 1:
            # In its last week (or found already past its end): the stage runs on through next week. The same
            # target on every call keeps evaluate idempotent.
            new_end = week + 2
            extra[phase.slug] = new_end - first - phase.weeks
            new_state = replace(state, phase_extra_weeks=tuple(sorted((k, v) for k, v in extra.items() if v)))
            return new_state, [
                Decision(
                    None,
                    "phase_hold",
                    f"{phase.name} extended by a week: not yet yes — {'; '.join(open_questions)}",
                )
            ]
    return state, []
