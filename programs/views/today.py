"""The runner's home: Today, logging a session or run, and the morning check."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from .common import phase_names, this_week


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
                context["week"] = selectors.plan_week_read(plan, this_week(plan))
                context["phases"] = phase_names(plan)
    return render(request, "home.html", context)
