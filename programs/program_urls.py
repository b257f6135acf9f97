"""A physio assigns and edits programs, and keeps templates."""

from __future__ import annotations

from django.urls import URLPattern, path

from programs.views import program_editor, templates

urlpatterns: list[URLPattern] = [
    path("patients/<int:runner_id>/assign/", program_editor.program_assign, name="program-assign"),
    path("patients/<int:runner_id>/plans/<int:plan_id>/edit/", program_editor.program_edit, name="program-edit"),
    path(
        "patients/<int:runner_id>/plans/<int:plan_id>/save-template/",
        program_editor.template_from_plan,
        name="template-from-plan",
    ),
    path("templates/", templates.template_list, name="template-list"),
    path("templates/<int:template_id>/", templates.template_edit, name="template-edit"),
    path("templates/<int:template_id>/delete/", templates.template_delete, name="template-delete"),
]
