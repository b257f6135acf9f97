"""A physio's own program templates: the list (make one from a program, delete one), the editor without a runner,
and saving a patient's program as a template.

Without a runner there is no intake to generate from, so the template editor lists the program's own exercises
with their starting doses; the generator's checks for a runner (equipment, stage) run when it is assigned.
Another physio's template does not exist for this one (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from accounts.access_log import record_access
from accounts.care import display_name
from accounts.models import AccessedData
from programs.choices import PlanStatus
from programs.clinical.edits import edits_to_dict
from programs.clinical.pathways import Pathway
from programs.forms.editor import EditorForm
from programs.forms.editor_rows import rows_from_pathway
from programs.forms.program import TemplateForm, TemplateNameForm
from programs.forms.service_errors import add_service_errors
from programs.models import Plan, ProgramTemplate
from programs.outputs.preview import edits_summary
from programs.selectors.patients import linked_patient_or_404
from programs.services import generation as inputs
from programs.services import templates as template_services
from programs.services.program_edits import template_from_plan as template_from_plan_saved
from programs.views.program_editor import plan_edit_page, stored_edits
from rehabplan.http import AuthenticatedRequest, physio_required


def _own_template(request: AuthenticatedRequest, template_id: int) -> ProgramTemplate:
    return get_object_or_404(ProgramTemplate, pk=template_id, owner=request.user)


@physio_required
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    """The physio's templates with what each changes; POST makes a new one from a program, then opens its editor."""
    pathways = inputs.pathways()
    form = TemplateForm(request.POST if request.method == "POST" else None, pathways=pathways, with_description=False)
    if form.is_bound and form.is_valid():
        try:
            template = template_services.template_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                pathway=form.cleaned_data["pathway"],
                weeks=form.cleaned_data["weeks"],
                program={},
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            flash.success(request, f"Template “{template.name}” made: now change it as you like.")
            return redirect("programs:template-edit", template_id=template.pk)
    context = {"rows": _template_rows(request, pathways), "form": form}
    return render(request, "programs/templates_list.html", context, status=400 if form.is_bound else 200)


def _template_rows(request: AuthenticatedRequest, pathways: Mapping[str, Pathway]) -> list[dict[str, Any]]:
    catalogue = inputs.catalogue()
    return [
        {
            "template": t,
            "pathway_name": pathways[t.pathway].name if t.pathway in pathways else t.pathway,
            "summary": edits_summary(stored_edits(t.program), catalogue),
            "pain_limit": t.program.get("pain_limit"),
        }
        for t in ProgramTemplate.objects.filter(owner=request.user)
    ]


@physio_required
def template_edit(request: AuthenticatedRequest, template_id: int) -> HttpResponse:
    """A template's name, description, program, weeks and its edits of that program."""
    template = _own_template(request, template_id)
    data = request.POST if request.method == "POST" else None
    context = _template_edit_context(template, data)
    if data is None:
        return render(request, "programs/template_edit.html", context)
    form, editor = context["form"], context["editor"]
    if form.is_valid() and editor.is_valid():
        try:
            template_services.template_update(
                template=template,
                by=request.user,
                program=edits_to_dict(editor.program_edits),
                **{f: form.cleaned_data[f] for f in ("name", "description", "pathway", "weeks")},
            )
        except ValidationError as exc:
            add_service_errors(exc, form, editor)
        except PermissionDenied:
            raise Http404("There is no such template.") from None
        else:
            flash.success(request, f"Template “{template.name}” saved.")
            return redirect("programs:template-edit", template_id=template.pk)
    return render(request, "programs/template_edit.html", context, status=400)


def _template_edit_context(template: ProgramTemplate, data: QueryDict | None) -> dict[str, Any]:
    """The template's own fields and its editor, on the program chosen (the one sent, else the template's)."""
    pathways = inputs.pathways()
    initial = {f: getattr(template, f) for f in ("name", "description", "pathway", "weeks")}
    chosen = data.get("pathway") if data is not None else template.pathway
    pathway = pathways.get(str(chosen)) or pathways.get(template.pathway) or next(iter(pathways.values()))
    catalogue = inputs.catalogue()
    editor = EditorForm(
        data,
        rows=rows_from_pathway(pathway, catalogue),
        catalogue=catalogue,
        edits=stored_edits(template.program),
        unit="the runner's unit",
        default_pain_limit=pathway.pain_limits.during,
    )
    form = TemplateForm(data, initial=initial, pathways=pathways)
    return {"template": template, "form": form, "editor": editor, "pathway": pathway}


@physio_required
def template_delete(request: AuthenticatedRequest, template_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes. Plans assigned from the template keep everything they were made with."""
    template = _own_template(request, template_id)
    if request.method == "POST":
        name = template.name
        template_services.template_delete(template=template, by=request.user)
        flash.success(request, f"Template “{name}” deleted. Plans made from it stay as they are.")
        return redirect("programs:template-list")
    return render(request, "programs/template_edit.html", {"template": template, "confirm_delete": True})


@login_required
def template_from_plan(request: AuthenticatedRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """Save a patient's program (its pathway, weeks and edits) as one of the physio's templates."""
    runner = linked_patient_or_404(request.user, runner_id)
    plan = get_object_or_404(Plan, pk=plan_id, runner=runner)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    record_access(actor=request.user, runner_id=runner.pk, what=AccessedData.PLAN)
    form = TemplateNameForm(request.POST)
    if form.is_valid():
        try:
            template = template_from_plan_saved(plan=plan, physio=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(exc, form)
        except PermissionDenied:
            raise Http404("There is no such patient.") from None
        else:
            flash.success(request, f"Saved as your template “{template.name}”.")
            return redirect("programs:template-edit", template_id=template.pk)
    if plan.status == PlanStatus.ENDED:
        return render(
            request,
            "programs/program_editor.html",
            {"runner": runner, "runner_name": display_name(runner), "name_form": form, "name_only": plan},
            status=400,
        )
    return plan_edit_page(request, runner, plan, editing=False, name_form=form)
