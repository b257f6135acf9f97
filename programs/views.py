"""Plan pages: read through `programs.selectors`; a plan another user may not see is a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.models import User

from . import selectors
from .models import Plan
from .versions import pathway_of


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in account."""

    user: User


def _get_plan_for_user(request: AuthenticatedRequest, plan_id: int) -> Plan:
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=plan_id)


def _phase_names(plan: Plan) -> dict[str, str]:
    if plan.pathway_version is None:
        return {}
    return {phase.slug: phase.name for phase in pathway_of(plan.pathway_version).phases}


def _this_week(plan: Plan) -> int:
    return min(max(selectors.week_number_of(plan, timezone.localdate()), 1), plan.weeks)


def home(request: HttpRequest) -> HttpResponse:
    """Landing page; a runner sees this week of their current plan, a physio their linked patients' plans."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        if request.user.is_physio:
            context["plans"] = selectors.plans_visible_to(request.user).exclude(runner=request.user)
        else:
            plan = selectors.runner_current_plan(request.user)
            context["plan"] = plan
            if plan is not None:
                context["week"] = selectors.plan_week_read(plan, _this_week(plan))
                context["phases"] = _phase_names(plan)
    return render(request, "home.html", context)


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    weeks = plan.plan_weeks.order_by("number")
    context = {"plan": plan, "weeks": weeks, "phases": _phase_names(plan), "this_week": _this_week(plan)}
    return render(request, "programs/plan_detail.html", context)


@login_required
def plan_week(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    week = selectors.plan_week_read(plan, number)
    if week is None:
        raise Http404("This plan has no such week.")
    return render(request, "programs/plan_week.html", {"plan": plan, "week": week, "phases": _phase_names(plan)})


@login_required
def plan_day(request: AuthenticatedRequest, plan_id: int, date: str) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    try:
        day = selectors.plan_day_read(plan, dt.date.fromisoformat(date))
    except ValueError:
        raise Http404("Not a date.") from None
    if day.week is None:
        raise Http404("This day is outside the plan.")
    return render(request, "programs/plan_day.html", {"plan": plan, "day": day, "phases": _phase_names(plan)})


@login_required
def plan_changes(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = _get_plan_for_user(request, plan_id)
    names = {"running": "Running"} | {e.slug: e.name for e in selectors.catalogue_for(plan).exercises}
    context = {"plan": plan, "changes": selectors.plan_decisions(plan), "names": names}
    return render(request, "programs/plan_changes.html", context)
