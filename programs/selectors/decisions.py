"""Reading a plan's decision log (`PlanChange`): the whole log, what a session's logs caused, what came since."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from programs.models import Plan, PlanChange


def plan_decisions(plan: Plan) -> QuerySet[PlanChange]:
    """The plan's decision log, newest first, with who or what caused each decision."""
    return PlanChange.objects.filter(plan=plan).newest_first()


def changes_caused_by_sessions(plan: Plan, session_ids: list[int]) -> list[PlanChange]:
    """The decisions the logs of these sessions caused, in the order they were made (what Today shows after a log)."""
    if not session_ids:
        return []
    return list(
        PlanChange.objects.filter(plan=plan, cause_log__session_id__in=session_ids)
        .select_related("cause_log")
        .order_by("created_at", "id")
    )


def changes_since(plan: Plan, since: dt.datetime) -> list[PlanChange]:
    return list(PlanChange.objects.filter(plan=plan, created_at__gte=since).order_by("created_at", "id"))
