"""What every page view shares: the signed-in request type, the one way to fetch a plan the user may see, and the
physio pages' checks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from programs.models import Plan
from programs.selectors import plans as selectors
from programs.selectors.versions import pathway_of


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in account."""

    user: User
    htmx: HtmxDetails


def plan_for_user(request: AuthenticatedRequest, plan_id: int) -> Plan:
    """A plan the user may see, or a 404 (never a 403: another runner's plan does not exist for them)."""
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


def require_physio(request: AuthenticatedRequest) -> None:
    if not request.user.is_physio:
        raise PermissionDenied("Only a physiotherapist's account has patients.")


def phase_names(plan: Plan) -> dict[str, str]:
    if plan.pathway_version is None:
        return {}
    return {phase.slug: phase.name for phase in pathway_of(plan.pathway_version).phases}


def this_week(plan: Plan) -> int:
    return min(max(selectors.week_number_of(plan, selectors.runner_today(plan.runner)), 1), plan.weeks)
