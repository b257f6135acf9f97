"""The printable program and its PDF: a plan the user may not see is a 404, like every plan page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from programs.outputs.printing import PRINT_TEMPLATE, pdf_filename, plan_pdf, plan_print_context
from programs.views.common import plan_for_user
from rehabplan.http import AuthenticatedRequest


@login_required
def plan_print(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    return render(request, PRINT_TEMPLATE, plan_print_context(plan) | {"for_pdf": False})


@login_required
def plan_pdf_download(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    return HttpResponse(
        plan_pdf(plan),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_filename(plan)}"'},
    )
