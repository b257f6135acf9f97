"""What every page view shares: the signed-in request type and the one way to fetch a plan the user may see."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from accounts.models import User

from .. import selectors
from ..models import Plan
from ..versions import pathway_of


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in account."""

    user: User
    htmx: HtmxDetails


def plan_for_user(request: AuthenticatedRequest, plan_id: int) -> Plan:
    """A plan the user may see, or a 404 (never a 403: another runner's plan does not exist for them)."""
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


def phase_names(plan: Plan) -> dict[str, str]:
    if plan.pathway_version is None:
        return {}
    return {phase.slug: phase.name for phase in pathway_of(plan.pathway_version).phases}


def this_week(plan: Plan) -> int:
    return min(max(selectors.week_number_of(plan, timezone.localdate()), 1), plan.weeks)
