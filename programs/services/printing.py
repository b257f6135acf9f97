"""A plan's PDF for a download: read from the cache, or drawn by a Celery worker so no web worker waits on
WeasyPrint (programs.outputs.pdf_copies keeps the copies)."""

from __future__ import annotations

from programs.models import Plan
from programs.outputs import pdf_copies


def plan_pdf_for_download(plan: Plan) -> bytes | None:
    """The plan's PDF as it is now, or None while a worker draws it (queued once, by the first request that missed).

    With a per-process cache (a first run) a worker's copy would never reach the web process, so it is drawn here."""
    pdf = pdf_copies.stored_pdf(plan)
    if pdf is not None:
        return pdf
    if not pdf_copies.workers_share_the_cache():
        return pdf_copies.pdf_draw(plan)
    if pdf_copies.drawing_claimed(plan):
        from programs.tasks import plan_pdf_draw

        plan_pdf_draw.delay(plan.pk)
    return None


def plan_pdf_draw(plan_id: int) -> bool:
    """Draw the plan's PDF as it is now unless a copy is already kept; True when it drew one. A plan deleted since
    the request is nothing to draw."""
    plan = Plan.objects.printable().filter(pk=plan_id).first()
    if plan is None or pdf_copies.stored_pdf(plan) is not None:
        return False
    pdf_copies.pdf_draw(plan)
    return True
