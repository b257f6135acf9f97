"""The printable program and its PDF: a plan the user may not see is a 404, like every plan page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from programs.outputs.printing import PRINT_TEMPLATE, pdf_filename, plan_print_context
from programs.services.printing import plan_pdf_for_download
from programs.views.common import plan_for_user
from rehabplan.http import AuthenticatedRequest

# The waiting page reloads itself after this many seconds; a PDF takes about two to draw.
PDF_WAIT_RELOAD_SECONDS = 3


@login_required
def plan_print(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    return render(request, PRINT_TEMPLATE, plan_print_context(plan) | {"for_pdf": False})


@login_required
def plan_pdf_download(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    """The PDF from the cache; the first request for a plan as it is now gets a page that reloads until a worker has
    drawn it (202: not ready yet)."""
    plan = plan_for_user(request, plan_id)
    pdf = plan_pdf_for_download(plan)
    if pdf is None:
        context = {"plan": plan, "reload_seconds": PDF_WAIT_RELOAD_SECONDS}
        return render(request, "programs/print/pdf_wait.html", context, status=202)
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{pdf_filename(plan)}"'},
    )
