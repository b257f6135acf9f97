"""A physio's own program templates: the list (make one from a program, delete one) and the editor without a runner.

Without a runner there is no intake to generate from, so the template editor lists the program's own exercises
with their starting doses; the generator's checks for a runner (equipment, stage) run when it is assigned.
Another physio's template does not exist for this one (404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from programs.clinical.edits import edits_to_dict
from programs.forms.editor import EditorForm, TemplateForm, add_service_errors, edits_summary, rows_from_pathway
from programs.models import ProgramTemplate
from programs.services import generation as inputs
from programs.services import templates as template_services
from programs.views.program_editor import stored_edits
from rehabplan.http import AuthenticatedRequest


def _physio(request: AuthenticatedRequest) -> None:
    if not request.user.is_physio:
        raise PermissionDenied("Only a physiotherapist keeps program templates.")


def _own_template(request: AuthenticatedRequest, template_id: int) -> ProgramTemplate:
    _physio(request)
    return get_object_or_404(ProgramTemplate, pk=template_id, owner=request.user)


@login_required
def template_list(request: AuthenticatedRequest) -> HttpResponse:
    """The physio's templates with what each changes; POST makes a new one from a program, then opens its editor."""
    _physio(request)
    pathways = inputs.pathways()
    form = TemplateForm(request.POST if request.method == "POST" else None, pathways=pathways, with_description=False)
    status = 200
    if form.is_bound:
        if form.is_valid():
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
        status = 400
    catalogue = inputs.catalogue()
    rows = [
        {
            "template": t,
            "pathway_name": pathways[t.pathway].name if t.pathway in pathways else t.pathway,
            "summary": edits_summary(stored_edits(t.program), catalogue),
            "pain_limit": t.program.get("pain_limit"),
        }
        for t in ProgramTemplate.objects.filter(owner=request.user)
    ]
    context = {"rows": rows, "form": form}
    return render(request, "programs/templates_list.html", context, status=status)


@login_required
def template_edit(request: AuthenticatedRequest, template_id: int) -> HttpResponse:
    """A template's name, description, program, weeks and its edits of that program."""
    template = _own_template(request, template_id)
    pathways = inputs.pathways()
    data = request.POST if request.method == "POST" else None
    initial = {f: getattr(template, f) for f in ("name", "description", "pathway", "weeks")}
    form = TemplateForm(data, initial=initial, pathways=pathways)
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
    context: dict[str, Any] = {
        "template": template,
        "form": form,
        "editor": editor,
        "pathway": pathway,
    }
    if data is None:
        return render(request, "programs/template_edit.html", context)
    if form.is_valid() and editor.is_valid():
        try:
            template_services.template_update(
                template=template,
                by=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                pathway=form.cleaned_data["pathway"],
                weeks=form.cleaned_data["weeks"],
                program=edits_to_dict(editor.program_edits),
            )
        except ValidationError as exc:
            add_service_errors(exc, form, editor)
        except PermissionDenied:
            raise Http404("There is no such template.") from None
        else:
            flash.success(request, f"Template “{template.name}” saved.")
            return redirect("programs:template-edit", template_id=template.pk)
    return render(request, "programs/template_edit.html", context, status=400)


@login_required
def template_delete(request: AuthenticatedRequest, template_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes. Plans assigned from the template keep everything they were made with."""
    template = _own_template(request, template_id)
    if request.method == "POST":
        name = template.name
        template_services.template_delete(template=template, by=request.user)
        flash.success(request, f"Template “{name}” deleted. Plans made from it stay as they are.")
        return redirect("programs:template-list")
    return render(request, "programs/template_edit.html", {"template": template, "confirm_delete": True})
