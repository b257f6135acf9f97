"""A physio assigns a program to a linked runner (from a pathway, the runner's own answers or a template, edited
before it is published) and adjusts an active plan. The editor's form is `programs.forms.editor`; every write is a
service (`plan_assign`, `plan_program_edit`, `template_create`).

Only an actively linked physio reaches these pages; anyone else gets a 404, so nobody learns whether a runner exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from accounts.access_log import record_access
from accounts.care import display_name
from accounts.models import AccessedData, User
from programs.choices import PlanStatus
from programs.clinical import types as domain
from programs.clinical.contract import intake_from_dict
from programs.clinical.edits import NO_EDITS, EditsFormatError, ProgramEdits, edits_from_dict, edits_to_dict
from programs.clinical.pathways import choose_pathway
from programs.forms.editor import EditorForm
from programs.forms.editor_rows import rows_from_plan
from programs.forms.plans import with_revision
from programs.forms.program import AssignStartForm, PlanEditForm, TemplateNameForm
from programs.forms.service_errors import add_service_errors
from programs.models import Intake, Plan, ProgramTemplate
from programs.outputs.preview import preview_weeks
from programs.selectors.patients import linked_patient_or_404
from programs.selectors.today import runner_today
from programs.services.assign import plan_assign, program_preview
from programs.services.generation import PinnedInputs, current_inputs, pathways, pinned_inputs
from programs.services.program_edits import paused_now, plan_program_base, plan_program_edit, plan_program_preview
from programs.services.revisions import PlanChanged
from programs.services.templates import template_create
from rehabplan.http import AuthenticatedRequest


def patient_page(runner: User) -> str:
    """Where a physio goes after a change: the patient's page when it exists, else the patient list."""
    try:
        return reverse("programs:patient-detail", args=[runner.pk])
    except NoReverseMatch:
        return reverse("programs:patients")


def stored_edits(data: Any) -> ProgramEdits:
    """Edits saved earlier (validated when saved); a shape no longer understood starts the editor empty."""
    try:
        return edits_from_dict(data)
    except EditsFormatError:
        return NO_EDITS


def _unit(plan: domain.Plan) -> str:
    return plan.weeks[0].running.unit if plan.weeks else "km"


def _pain_limit(plan: domain.Plan) -> int | None:
    return plan.pain_limits.during if plan.pain_limits is not None else None


def _own_choice(runner: User) -> str:
    intake = Intake.objects.for_runner(runner).latest_first().first()
    if intake is None:
        return "none yet (this runner has not answered the questions)"
    slug, _why = choose_pathway(intake_from_dict(intake.data))
    return pathways()[slug].name


# ---------------------------------------------------------------- assign


@dataclasses.dataclass
class _AssignDraft:
    """Step 1's choice and the plan it gives before any edit: step 2 edits, previews and publishes from it."""

    runner: User
    start_form: AssignStartForm
    valid_start: bool
    template: ProgramTemplate | None
    pathway: str | None
    start: dt.date
    weeks: int
    # What the published plan will be made from: the previews, the checks and this page all read these.
    inputs: PinnedInputs
    base: domain.Plan
    initial: ProgramEdits
    context: dict[str, Any]


@login_required
def program_assign(request: AuthenticatedRequest, runner_id: int) -> HttpResponse:
    """Step 1 (GET, no choice yet): where the program starts from. Step 2 (GET with the choice, or POST): the
    editor, then Preview, Publish or Save as template."""
    runner = linked_patient_or_404(request.user, runner_id)
    record_access(actor=request.user, runner_id=runner.pk, what=AccessedData.INTAKE)  # the runner's own choice
    draft = _assign_draft(request, runner)
    if isinstance(draft, HttpResponse):
        return draft
    saving = request.POST.get("action") == "save_template"
    editor, name_form = _assign_forms(request, draft, saving=saving)
    if request.method == "GET":
        shown = draft.base if draft.initial == NO_EDITS else _preview_or_none(request.user, draft, draft.initial)
        return _editor_page(request, draft.context, shown, draft.inputs)
    if not (draft.valid_start and editor.is_valid() and (not saving or name_form.is_valid())):
        return _editor_page(request, draft.context, None, draft.inputs, status=400)
    return _assign_act(request, draft, editor.program_edits, name_form)


def _assign_draft(request: AuthenticatedRequest, runner: User) -> _AssignDraft | HttpResponse:
    """Step 1 read from the request: the page itself while nothing (or nothing valid) is chosen."""
    today = runner_today(runner)
    templates = list(ProgramTemplate.objects.filter(owner=request.user))
    data = request.POST if request.method == "POST" else (request.GET if "source" in request.GET else None)
    start_form = AssignStartForm(
        data, own_choice=_own_choice(runner), pathways=pathways(), templates=templates, today=today
    )
    context: dict[str, Any] = {"runner": runner, "runner_name": display_name(runner), "start_form": start_form}
    if data is None:
        return render(request, "programs/program_editor.html", {**context, "step": 1})
    valid_start = start_form.is_valid()
    if "source" in start_form.errors or (request.method == "GET" and not valid_start):
        return render(request, "programs/program_editor.html", {**context, "step": 1}, status=400)
    template = start_form.template
    pathway = start_form.pathway or (template.pathway if template is not None else None)
    start = start_form.cleaned_data.get("start") or today
    weeks = start_form.chosen_weeks()
    inputs = current_inputs()
    try:
        base = program_preview(
            physio=request.user, runner=runner, start=start, weeks=weeks, pathway=pathway, inputs=inputs
        )
    except ValidationError as exc:
        add_service_errors(exc, start_form)
        return render(request, "programs/program_editor.html", {**context, "step": 1}, status=400)
    except PermissionDenied:
        raise Http404("There is no such patient.") from None
    initial = stored_edits(template.program) if template is not None else NO_EDITS
    return _AssignDraft(
        runner, start_form, valid_start, template, pathway, start, weeks, inputs, base, initial, context
    )


def _assign_forms(
    request: AuthenticatedRequest, draft: _AssignDraft, *, saving: bool
) -> tuple[EditorForm, TemplateNameForm]:
    """Step 2's editor, and the template name (bound only when saving: a name typed earlier is kept, but an empty
    one is no error on Preview or Publish)."""
    catalogue = draft.inputs.catalogue
    editor = EditorForm(
        request.POST if request.method == "POST" else None,
        rows=rows_from_plan(draft.base, catalogue),
        catalogue=catalogue,
        edits=draft.initial,
        unit=_unit(draft.base),
        default_pain_limit=_pain_limit(draft.base),
    )
    name_form = TemplateNameForm(request.POST if saving else None, initial={"name": request.POST.get("name", "")})
    draft.context.update(
        step=2,
        editor=editor,
        name_form=name_form,
        base=draft.base,
        pathway_name=_pathway_name(draft.base.pathway, draft.inputs),
    )
    return editor, name_form


def _assign_act(
    request: AuthenticatedRequest, draft: _AssignDraft, edits: ProgramEdits, name_form: TemplateNameForm
) -> HttpResponse:
    """Publish, or preview (and save as a template): each through its service, whose objections go to the forms."""
    action = request.POST.get("action", "preview")
    try:
        if action == "publish":
            plan_assign(
                physio=request.user,
                runner=draft.runner,
                start=draft.start,
                weeks=draft.weeks,
                pathway=draft.pathway,
                template=draft.template,
                edits=edits,
            )
            flash.success(request, f"Published: {display_name(draft.runner)} sees the new plan now.")
            return redirect(patient_page(draft.runner))
        preview = _draft_preview(request.user, draft, edits)
        if action == "save_template":
            saved = template_create(
                owner=request.user,
                name=name_form.cleaned_data["name"],
                pathway=preview.pathway or draft.pathway or "",
                weeks=draft.weeks,
                program=edits_to_dict(edits),
                description="",
            )
            flash.success(request, f"Saved as your template “{saved.name}”.")
    except ValidationError as exc:
        add_service_errors(exc, draft.context["editor"], draft.start_form, name_form)
        return _editor_page(request, draft.context, None, draft.inputs, status=400)
    return _editor_page(request, draft.context, preview, draft.inputs)


def _draft_preview(physio: User, draft: _AssignDraft, edits: ProgramEdits) -> domain.Plan:
    """The plan step 1's choice gives with these edits (a service's refusal raises ValidationError)."""
    return program_preview(
        physio=physio,
        runner=draft.runner,
        start=draft.start,
        weeks=draft.weeks,
        pathway=draft.pathway,
        edits=edits,
        inputs=draft.inputs,
    )


def _preview_or_none(physio: User, draft: _AssignDraft, edits: ProgramEdits) -> domain.Plan | None:
    try:
        return _draft_preview(physio, draft, edits)
    except ValidationError:
        return None  # a template that no longer fits: the editor shows it, and Preview names what is wrong


def _pathway_name(slug: str | None, inputs: PinnedInputs) -> str:
    pathway = inputs.pathways.get(slug or "")
    return pathway.name if pathway is not None else ""


def _editor_page(
    request: AuthenticatedRequest,
    context: dict[str, Any],
    preview: domain.Plan | None,
    inputs: PinnedInputs,
    *,
    status: int = 200,
    from_date: dt.date | None = None,
) -> HttpResponse:
    """The editor, with the preview in words from the catalogue and pathway the plan is (or will be) made from."""
    if preview is not None:
        weeks = preview.weeks
        if from_date is not None:
            weeks = tuple(w for w in weeks if w.days and w.days[-1].date >= from_date)
        pathway = inputs.pathways.get(preview.pathway or "")
        context["preview"] = preview_weeks(
            dataclasses.replace(preview, weeks=weeks), inputs.catalogue, pathway, weeks=2
        )
        context["preview_plan"] = preview
    return render(request, "programs/program_editor.html", context, status=status)


# ---------------------------------------------------------------- adjust an active plan


def _editable_plan(runner: User, plan_id: int) -> Plan:
    plans = Plan.objects.select_related("intake", "catalogue_version", "pathway_version").defer(
        "catalogue_version__data",
        "pathway_version__data",  # parsed once per process (programs.selectors.versions)
    )
    plan = get_object_or_404(plans, pk=plan_id, runner=runner)
    if plan.status == PlanStatus.ENDED:
        raise Http404("This plan has ended.")
    return plan


@login_required
def program_edit(request: AuthenticatedRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """The editor for an active plan, pre-filled with its edits; saving needs a note and a first day (not before
    the runner's today). Logged and completed sessions never change (`plan_program_edit`)."""
    runner = linked_patient_or_404(request.user, runner_id)
    plan = _editable_plan(runner, plan_id)
    record_access(actor=request.user, runner_id=runner.pk, what=AccessedData.PLAN)
    return plan_edit_page(request, runner, plan, editing=request.method == "POST")


def plan_edit_page(
    request: AuthenticatedRequest,
    runner: User,
    plan: Plan,
    *,
    editing: bool,
    name_form: TemplateNameForm | None = None,
) -> HttpResponse:
    # The plan's own catalogue, pathway and rules config: the preview, the checks and saving all read these.
    inputs = pinned_inputs(plan)
    context = _plan_edit_context(request, runner, plan, inputs, editing=editing, name_form=name_form)
    editor, change_form = context["editor"], context["change_form"]
    if not editing:
        return _editor_page(request, context, None, inputs, status=400 if name_form is not None else 200)
    if not (editor.is_valid() and change_form.is_valid()):
        return _editor_page(request, context, None, inputs, status=400)
    return _plan_edit_act(request, context, inputs)


def _plan_edit_context(
    request: AuthenticatedRequest,
    runner: User,
    plan: Plan,
    inputs: PinnedInputs,
    *,
    editing: bool,
    name_form: TemplateNameForm | None,
    data: QueryDict | None = None,
) -> dict[str, Any]:
    """The editor pre-filled with the plan's edits, the change's note and first day, and the plan before edits; bound
    to what was sent (`data`, else the request's POST when editing)."""
    data = data if data is not None else request.POST if editing else None
    today = runner_today(runner)
    try:
        base = plan_program_base(plan=plan, physio=request.user)
    except PermissionDenied:
        raise Http404("There is no such patient.") from None
    editor = EditorForm(
        data,
        rows=rows_from_plan(base, inputs.catalogue),
        catalogue=inputs.catalogue,
        edits=stored_edits(plan.program_edits),
        unit=_unit(base),
        default_pain_limit=_pain_limit(base),
    )
    return {
        "runner": runner,
        "runner_name": display_name(runner),
        "plan": plan,
        "editor": editor,
        "change_form": PlanEditForm(data, today=today, revision=plan.revision),
        "name_form": name_form or TemplateNameForm(),
        "base": base,
        "pathway_name": _pathway_name(plan.pathway, inputs),
        "editing_plan": True,
        "paused": paused_now(plan, inputs.catalogue, today=today),
    }


def _plan_edit_act(request: AuthenticatedRequest, context: dict[str, Any], inputs: PinnedInputs) -> HttpResponse:
    """Save the edits from their first day, or preview them: each through its service, whose objections go to the
    forms."""
    plan, runner, editor, change_form = context["plan"], context["runner"], context["editor"], context["change_form"]
    edits = editor.program_edits
    start = change_form.cleaned_data["start"]
    try:
        if request.POST.get("action") == "save":
            note, revision = change_form.cleaned_data["note"], change_form.cleaned_data["revision"]
            plan_program_edit(
                plan=plan, physio=request.user, edits=edits, note=note, start=start, seen_revision=revision
            )
            flash.success(
                request, f"Saved: {display_name(runner)} sees the changed plan from {start:%a} {start.day} {start:%b}."
            )
            return redirect(patient_page(runner))
        preview = plan_program_preview(plan=plan, physio=request.user, edits=edits)
    except ValidationError as exc:
        add_service_errors(exc, editor, change_form)
        return _editor_page(request, context, None, inputs, status=400)
    except PermissionDenied:
        raise Http404("There is no such patient.") from None
    except PlanChanged as changed:
        return _plan_changed_page(request, runner, plan.pk, changed)
    return _editor_page(request, context, preview, inputs, from_date=start)


def _plan_changed_page(request: AuthenticatedRequest, runner: User, plan_id: int, changed: PlanChanged) -> HttpResponse:
    """Nothing was saved: the editor on the plan as it is now, still holding what the physio typed, and carrying the
    revision a second save names."""
    plan = _editable_plan(runner, plan_id)
    inputs = pinned_inputs(plan)
    data = with_revision(request.POST, changed.revision)
    context = _plan_edit_context(request, runner, plan, inputs, editing=True, name_form=None, data=data)
    context["change_form"].add_error(None, changed.message)
    return _editor_page(request, context, None, inputs, status=409)
