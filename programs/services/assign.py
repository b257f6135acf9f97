"""A physio assigns a plan to a linked runner: from the runner's own intake, on the pathway the physio chooses (or
their template's), through the same generator and safety rules as a plan the runner starts themselves.

A red flag in the intake still stops the plan (status needs_clinician, no exercises) until a physio clears it after
an assessment (`programs.services.care.plan_clinician_clear`): choosing a pathway never skips screening.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access_log import record_access
from accounts.models import AccessedData, AccessKind, User
from exercises.catalogue import Catalogue
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical import types as domain
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.contract import intake_from_dict
from programs.clinical.edit_checks import edit_problems
from programs.clinical.edits import NO_EDITS, ProgramEdits, edits_from_dict, edits_to_dict
from programs.clinical.pathways import choose_pathway, entry_phase
from programs.models import Intake, Plan, PlanChange, ProgramTemplate
from programs.reminders.news import reminders_plan_changed
from programs.services.care import require_linked_physio
from programs.services.generation import PinnedInputs, current_inputs, generate, pathways, pinned_inputs
from programs.services.plans import plan_start
from programs.services.templates import template_pain_limits


@dataclasses.dataclass(frozen=True)
class _Assignment:
    """What plan_assign and program_preview have checked and worked out."""

    intake: Intake
    runner_intake: domain.Intake
    pathway: str
    weeks: int
    edits: ProgramEdits
    pain_limits: domain.PainLimits | None
    inputs: PinnedInputs  # what the plan will be made from: the checks and the preview read the same


def _assignment(
    *,
    physio: User,
    runner: User,
    weeks: int | None,
    pathway: str | None,
    template: ProgramTemplate | None,
    intake: Intake | None,
    edits: ProgramEdits | None,
    inputs: PinnedInputs | None = None,
) -> _Assignment:
    require_linked_physio(physio, runner.pk, "assign a plan")
    intake = _intake_of(runner, intake)
    if template is not None and template.owner_id != physio.pk:
        raise ValidationError({"template": "There is no such template."})
    if pathway and template is not None and pathway != template.pathway:
        raise ValidationError({"pathway": "This template is for another program: leave the program out or match it."})
    weeks = weeks or (template.weeks if template is not None else None)
    if weeks is None or not 1 <= weeks <= MAX_PLAN_WEEKS:
        raise ValidationError({"weeks": f"Give a length from 1 to {MAX_PLAN_WEEKS} weeks, or a template that has one."})
    runner_intake = intake_from_dict(intake.data)
    slug = pathway or (template.pathway if template is not None else None) or choose_pathway(runner_intake)[0]
    inputs = inputs or current_inputs()
    if slug not in inputs.pathways:
        raise ValidationError({"pathway": "There is no such program."})
    _require_past_early_stage(runner_intake, slug)
    if edits is None:  # the template's changes are the starting point
        edits = edits_from_dict(template.program) if template is not None else NO_EDITS
    chosen = inputs.pathways[slug]
    problems = edit_problems(edits, catalogue=inputs.catalogue, pathway=chosen, equipment=runner_intake.equipment)
    if problems:
        raise ValidationError(prefixed("edits", problems))
    limits = template_pain_limits(edits_to_dict(edits), chosen)
    return _Assignment(intake, runner_intake, slug, weeks, edits, limits, inputs)


def prefixed(name: str, problems: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Problems inside one field's value named after the field (`edits.doses.nordic_curl`), as the API names them."""
    return {name if key == "non_field_errors" else f"{name}.{key}": messages for key, messages in problems.items()}


def program_preview(
    *,
    physio: User,
    runner: User,
    start: dt.date,
    weeks: int | None = None,
    pathway: str | None = None,
    template: ProgramTemplate | None = None,
    intake: Intake | None = None,
    edits: ProgramEdits | None = NO_EDITS,
    inputs: PinnedInputs | None = None,
) -> domain.Plan:
    """The plan `plan_assign` would create with these choices, after the same checks and from the same catalogue,
    pathway and rules config (`current_inputs`; `inputs` when the page has read them already); saves nothing.
    `edits` None: the template's."""
    chosen = _assignment(
        physio=physio,
        runner=runner,
        weeks=weeks,
        pathway=pathway,
        template=template,
        intake=intake,
        edits=edits,
        inputs=inputs,
    )
    return generate(
        chosen.runner_intake,
        start=start,
        weeks=chosen.weeks,
        pain_limits=chosen.pain_limits,
        catalogue_used=chosen.inputs.catalogue,
        pathways_used=chosen.inputs.pathways,
        pathway=chosen.pathway,
        edits=chosen.edits,
        config=chosen.inputs.config,
    )


@transaction.atomic
def plan_assign(
    *,
    physio: User,
    runner: User,
    start: dt.date,
    weeks: int | None = None,
    pathway: str | None = None,
    template: ProgramTemplate | None = None,
    intake: Intake | None = None,
    edits: ProgramEdits | None = None,
) -> Plan:
    """A new plan for a linked runner, which becomes their one current plan (earlier plans end as they were).

    Generated from `intake` (default: the runner's latest) on `pathway`, else the template's, else the one the
    intake's rules choose; for `weeks`, else the template's; with the physio's `edits` (programs.clinical.edits),
    else the template's, validated as the generator's safety rules require (`edit_problems`); the pain limit from
    the edits, else the pathway's. Recorded as a decision by the physio, with the edits and any stage restriction
    they override. Raises PermissionDenied without an active care link and ValidationError (by field) for an intake
    or template that is not the runner's or the physio's, or a choice that does not fit.
    """
    chosen = _assignment(
        physio=physio, runner=runner, weeks=weeks, pathway=pathway, template=template, intake=intake, edits=edits
    )
    plan = plan_start(
        intake=chosen.intake,
        start=start,
        weeks=chosen.weeks,
        pathway=chosen.pathway,
        pain_limits=chosen.pain_limits,
        edits=chosen.edits,
    )
    assigned = PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.ASSIGN,
        effective_from=start,
        reason=_assigned_reason(plan, chosen.edits),
        rule="physio",
        after=edits_to_dict(chosen.edits) or None,
        author=physio,
    )
    reminders_plan_changed(plan=plan, changes=[assigned], now=timezone.now())
    record_access(actor=physio, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return plan


def _require_past_early_stage(intake: domain.Intake, slug: str) -> None:
    """Another program than the one the runner's answers fit is refused while those answers put them in that
    program's early stage, whose exercises are restricted (docs/design.md §5: no Nordics, static stretching or heavy
    hinges before an acute strain's strength stage; no deep hip flexion under load early in sit-bone tendon pain).
    Another program knows nothing of those limits, so choosing it could prescribe exactly what they leave out."""
    own, _why = choose_pathway(intake)
    if slug == own:
        return
    fitting = pathways()[own]
    if fitting.phases[entry_phase(fitting, intake.symptoms)].forbidden_tags:
        name = f"{fitting.name[:1].lower()}{fitting.name[1:]}"
        raise ValidationError(
            {
                "pathway": f"This runner's answers fit the {name} program, and its early stage leaves out exercises "
                "that are not safe yet. Assign that program (a template can set its pain limit), or this one once "
                "they are past that stage."
            }
        )


def _intake_of(runner: User, intake: Intake | None) -> Intake:
    if intake is not None:
        if intake.runner_id != runner.pk:
            raise ValidationError({"intake": "There is no such intake for this runner."})
        return intake
    latest = Intake.objects.for_runner(runner).latest_first().first()
    if latest is None:
        raise ValidationError({"intake": "This runner has not answered the questions for a plan yet."})
    return latest


def _assigned_reason(plan: Plan, edits: ProgramEdits) -> str:
    """Plain words for the runner: which program, how long, from when, the pain limit if the physio set one, and
    any exercise they prescribe where its stage would leave it out, with their reason."""
    catalogue, pinned, _config = pinned_inputs(plan)
    name = pinned[plan.pathway].name
    length = f"{plan.weeks} week{'s' if plan.weeks != 1 else ''}"
    reason = f"Assigned by your physio: {name[:1].lower()}{name[1:]}, {length} from {plan.start:%a} {plan.start.day} {plan.start:%b}"
    if edits.pain_limit is not None:
        reason += f", with pain kept at {edits.pain_limit}/10 or less"
    overrides = override_text(edits, catalogue)
    if overrides:
        reason += f". {overrides}"
    if plan.status == PlanStatus.NEEDS_CLINICIAN:
        return f"{reason}. It starts once a clinician has checked what you reported."
    return f"{reason}."


def override_text(edits: ProgramEdits, catalogue: Catalogue) -> str:
    """The physio's recorded overrides in words: each exercise prescribed where a stage leaves it out, and why."""
    names = catalogue.by_slug
    parts = [
        f"{names[slug].name if slug in names else slug} is prescribed even where its stage leaves it out: {why}"
        for slug, why in sorted(edits.overrides.items())
    ]
    return "; ".join(parts) + "." if parts else ""
