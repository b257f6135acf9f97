"""What every programs page shares: the one way to fetch a plan the user may see, and a plan's phases and week.
The signed-in request type and the role checks are every app's (`rehabplan.http`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.access_log import record_access
from accounts.models import AccessedData
from programs.clinical.words import RUNNING_NAME
from programs.models import Plan
from programs.selectors import plans as selectors
from programs.selectors.today import runner_today
from programs.selectors.versions import pathway_of
from rehabplan.http import AuthenticatedRequest


def plan_for_user(request: AuthenticatedRequest, plan_id: int) -> Plan:
    """A plan the user may see, or a 404 (never a 403: another runner's plan does not exist for them). A physio's
    read is recorded in the runner's access log."""
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)
    record_access(actor=request.user, runner_id=plan.runner_id, what=AccessedData.PLAN)
    return plan


def phase_names(plan: Plan) -> dict[str, str]:
    if plan.pathway_version is None:
        return {}
    return {phase.slug: phase.name for phase in pathway_of(plan.pathway_version).phases}


def exercise_names(plan: Plan) -> dict[str, str]:
    """Exercise slugs (and "running") to the names a decision about them goes by."""
    return {"running": RUNNING_NAME} | {e.slug: e.name for e in selectors.catalogue_for(plan).exercises}


def this_week(plan: Plan) -> int:
    return min(max(selectors.week_number_of(plan, runner_today(plan.runner)), 1), plan.weeks)
