"""A physio adjusts an active plan's program (programs.clinical.edits) or keeps a program as a template of their own.

Every adjustment is one decision in the plan's log (kind `program`), by that physio, with their note and the edits
before and after. Only the unlogged future from the chosen day changes (`plan_sync.sync_future`): completed sessions
and their logs are history and are never touched.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access_log import record_access
from accounts.models import AccessedData, AccessKind, User
from exercises.catalogue import Catalogue
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical import types as domain
from programs.clinical.contract import intake_from_dict
from programs.clinical.edit_checks import edit_problems
from programs.clinical.edits import NO_EDITS, ProgramEdits, edits_to_dict
from programs.clinical.pathways import Pathway
from programs.clinical.start_window import start_window
from programs.clinical.state_json import pain_limits_from_dict, state_from_dict
from programs.clinical.words import RUNNING_NAME
from programs.models import Plan, PlanChange, ProgramTemplate
from programs.reminders.news import reminders_plan_changed
from programs.selectors.plans import plan_read
from programs.selectors.today import runner_today
from programs.services.assign import prefixed
from programs.services.care import require_linked_physio
from programs.services.generation import PinnedInputs, generate, generate_for, pinned_inputs
from programs.services.plan_sync import sync_future
from programs.services.revisions import plan_locked
from programs.services.templates import template_create, template_pain_limits


@transaction.atomic
def plan_program_edit(
    *, plan: Plan, physio: User, edits: ProgramEdits, note: str, start: dt.date, seen_revision: int | None = None
) -> PlanChange:
    """Replace a plan's program edits and regenerate its future from `start` (not before the runner's today).

    The edits are validated against the plan's pinned pathway and catalogue and the runner's equipment, as at
    assignment. Sessions before `start`, and every logged session, stay exactly as they were. Raises PermissionDenied
    without an active care link, ValidationError (by field) for an ended plan, an empty note, a start in the past or
    edits that do not fit, and PlanChanged when the plan was written since `seen_revision` (the one the physio read)."""
    plan = plan_locked(plan.pk, seen_revision=seen_revision)
    _require_editable(plan, physio)
    if not note.strip():
        raise ValidationError({"note": "Say what changes and why; the runner sees it."})
    if problem := start_window(runner_today(plan.runner)).problem(start):
        raise ValidationError({"start": problem})
    before = plan.program_edits or {}
    edited, generated = _edited_program(plan, edits)
    stored = plan_read(plan)
    plan.program_edits, plan.pain_limits = edited.program_edits, edited.pain_limits
    plan.save(update_fields=["program_edits", "pain_limits"])
    changes = sync_future(plan, generated, stored, after=start - dt.timedelta(days=1))
    change = PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.PROGRAM,
        effective_from=start,
        reason=note.strip(),
        rule="physio",
        before=before,
        after=edited.program_edits,
        item_changes=[c.change for c in changes],
        author=physio,
    )
    reminders_plan_changed(plan=plan, changes=[change], now=timezone.now())
    record_access(actor=physio, runner_id=plan.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return change


def plan_program_preview(*, plan: Plan, physio: User, edits: ProgramEdits) -> domain.Plan:
    """The plan's program with these edits, exactly as `plan_program_edit` generates it before keeping what is past
    and logged: the same checks, the plan's pinned catalogue, pathway and rules config, and the rules' decisions so
    far (a paused exercise stays paused, a held running target stays held). Saves nothing."""
    _require_editable(plan, physio)
    return _edited_program(plan, edits)[1]


def plan_program_base(*, plan: Plan, physio: User) -> domain.Plan:
    """The plan's program as it begins, without the physio's edits or the rules' decisions: every exercise the
    program holds, for the editor to list and edit (what is paused now is listed beside it, `paused_now`)."""
    _require_editable(plan, physio)
    inputs, intake, pathway = _checked(plan, NO_EDITS)
    return generate(
        intake,
        start=plan.start,
        weeks=plan.weeks,
        pain_limits=pain_limits_from_dict(_pain_limits_with(plan, NO_EDITS, pathway)),
        catalogue_used=inputs.catalogue,
        pathways_used=inputs.pathways,
        pathway=plan.pathway or None,
        edits=NO_EDITS,
        config=inputs.config,
    )


def _edited_program(plan: Plan, edits: ProgramEdits) -> tuple[Plan, domain.Plan]:
    """The plan with these edits (not saved) and the program it generates with the rules' state: what Save keeps
    from its first day and what Preview shows, from this one function."""
    _inputs, intake, pathway = _checked(plan, edits)
    edited = copy.copy(plan)
    edited.program_edits = edits_to_dict(edits)
    edited.pain_limits = _pain_limits_with(plan, edits, pathway)
    return edited, generate_for(edited, intake, state=state_from_dict(plan.state))


@dataclasses.dataclass(frozen=True)
class PausedNow:
    """An exercise (or the running) the rules have paused in this plan, from when and why (in the runner's words)."""

    name: str
    since: dt.date | None
    reason: str


def paused_now(plan: Plan, catalogue: Catalogue, *, today: dt.date) -> list[PausedNow]:
    """What the rules have paused in the plan as it stands (its state), for the editor: an edit changes doses and
    exercises, while a pause lasts until the runner's pain-free check, whatever the edit. `today`: the runner's."""
    state = state_from_dict(plan.state)
    names = catalogue.by_slug
    paused = [
        PausedNow(
            names[slot].name if slot in names else slot.replace("_", " ").capitalize(),
            dt.date.fromisoformat(adj.since) if adj.since else None,
            adj.reason,
        )
        for slot, adj in state.exercise_adjustments
        if adj.paused
    ]
    if state.run_pause_from and state.run_pause_until and today < dt.date.fromisoformat(state.run_pause_until):
        paused.append(PausedNow(RUNNING_NAME, dt.date.fromisoformat(state.run_pause_from), state.run_pause_reason))
    return paused


def _require_editable(plan: Plan, physio: User) -> None:
    require_linked_physio(physio, plan.runner_id, "change the plan")
    if plan.status == PlanStatus.ENDED:
        raise ValidationError({"plan": "This plan has ended; it is kept as it was."})


def _checked(plan: Plan, edits: ProgramEdits) -> tuple[PinnedInputs, domain.Intake, Pathway]:
    """The plan's pinned inputs, its runner's answers and its pathway, once the edits fit them and the runner's
    equipment, as at assignment. Raises ValidationError by field (dotted names inside the edits)."""
    inputs = pinned_inputs(plan)
    pathway = inputs.pathways[plan.pathway]
    intake = intake_from_dict(plan.intake.data)
    problems = edit_problems(edits, catalogue=inputs.catalogue, pathway=pathway, equipment=intake.equipment)
    if problems:
        raise ValidationError(prefixed("edits", problems))
    return inputs, intake, pathway


def _pain_limits_with(plan: Plan, edits: ProgramEdits, pathway: Pathway) -> dict[str, Any] | None:
    """The plan's pain limits (as stored) once the edits apply."""
    if edits.pain_limit is not None:
        limits = template_pain_limits(edits_to_dict(edits), pathway)
        return dataclasses.asdict(limits) if limits else None
    if (plan.program_edits or {}).get("pain_limit") is not None:  # the physio's limit is taken away: the pathway's own
        return dataclasses.asdict(pathway.pain_limits)
    return plan.pain_limits


@transaction.atomic
def template_from_plan(*, plan: Plan, physio: User, name: str, description: str = "") -> ProgramTemplate:
    """Keep a plan's program (its pathway, length and edits) as a template of the physio's own."""
    require_linked_physio(physio, plan.runner_id, "keep this program as a template")
    return template_create(
        owner=physio,
        name=name,
        pathway=plan.pathway,
        weeks=plan.weeks,
        program=plan.program_edits or {},
        description=description,
    )
