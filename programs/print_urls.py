"""A plan as a printable page and as a PDF download."""

from __future__ import annotations

from django.urls import URLPattern, path

from programs.views import printing

urlpatterns: list[URLPattern] = [
    path("plans/<int:plan_id>/print/", printing.plan_print, name="plan-print"),
    path("plans/<int:plan_id>/program.pdf", printing.plan_pdf_download, name="plan-pdf"),
]
