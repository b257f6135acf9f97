"""A physio assigns a plan to a linked runner: from the runner's own intake, on the pathway the physio chooses (or
their template's), through the same generator and safety rules as a plan the runner starts themselves.

A red flag in the intake still stops the plan (status needs_clinician, no exercises) until a physio clears it after
an assessment (`programs.services.care.plan_clinician_clear`): choosing a pathway never skips screening.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from .. import domain
from ..models import Intake, Plan, PlanChange, PlanChangeKind, PlanStatus, ProgramTemplate
from ..pathways import choose_pathway, entry_phase
from ..plan_json import intake_from_dict
from .care import _require_physio
from .generation import pathways
from .plans import plan_start
from .templates import template_pain_limits


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
) -> Plan:
    """A new plan for a linked runner, which becomes their one current plan (earlier plans end as they were).

    Generated from `intake` (default: the runner's latest) on `pathway`, else the template's, else the one the
    intake's rules choose; for `weeks`, else the template's; with the template's pain limit, else the pathway's.
    Recorded as a decision by the physio. Raises PermissionDenied without an active care link and ValidationError
    (by field) for an intake or template that is not the runner's or the physio's, or a choice that does not fit.
    """
    _require_physio(physio, runner.pk, "assign a plan")
    intake = _intake_of(runner, intake)
    if template is not None and template.owner_id != physio.pk:
        raise ValidationError({"template": "There is no such template."})
    if pathway and template is not None and pathway != template.pathway:
        raise ValidationError({"pathway": "This template is for another program: leave the program out or match it."})
    weeks = weeks or (template.weeks if template is not None else None)
    if weeks is None or not 1 <= weeks <= 52:
        raise ValidationError({"weeks": "Give a length from 1 to 52 weeks, or a template that has one."})
    runner_intake = intake_from_dict(intake.data)
    slug = pathway or (template.pathway if template is not None else None) or choose_pathway(runner_intake)[0]
    if slug not in pathways():
        raise ValidationError({"pathway": "There is no such program."})
    _require_past_early_stage(runner_intake, slug)
    limits = template_pain_limits(template.program, pathways()[slug]) if template is not None else None

    plan = plan_start(intake=intake, start=start, weeks=weeks, pathway=slug, pain_limits=limits)
    PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.ASSIGN,
        effective_from=start,
        reason=_assigned_reason(plan, template),
        rule="physio",
        author=physio,
    )
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


def _assigned_reason(plan: Plan, template: ProgramTemplate | None) -> str:
    """Plain words for the runner: which program, how long, from when, and the pain limit if the physio set one."""
    name = pathways()[plan.pathway].name
    length = f"{plan.weeks} week{'s' if plan.weeks != 1 else ''}"
    reason = f"Assigned by your physio: {name[:1].lower()}{name[1:]}, {length} from {plan.start:%a} {plan.start.day} {plan.start:%b}"
    limit = template.program.get("pain_limit") if template is not None else None
    if limit is not None:
        reason += f", with pain kept at {limit}/10 or less"
    if plan.status == PlanStatus.NEEDS_CLINICIAN:
        return f"{reason}. It starts once a clinician has checked what you reported."
    return f"{reason}."
