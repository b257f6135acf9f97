"""Plan pages: read through `programs.selectors`; a plan another user may not see is a 404."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from .. import selectors
from .common import AuthenticatedRequest, phase_names, plan_for_user, this_week


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    weeks = plan.plan_weeks.order_by("number")
    context = {"plan": plan, "weeks": weeks, "phases": phase_names(plan), "this_week": this_week(plan)}
    return render(request, "programs/plan_detail.html", context)


@login_required
def plan_week(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    week = selectors.plan_week_read(plan, number)
    if week is None:
        raise Http404("This plan has no such week.")
    return render(request, "programs/plan_week.html", {"plan": plan, "week": week, "phases": phase_names(plan)})


@login_required
def plan_day(request: AuthenticatedRequest, plan_id: int, date: str) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    try:
        day = selectors.plan_day_read(plan, dt.date.fromisoformat(date))
    except ValueError:
        raise Http404("Not a date.") from None
    if day.week is None:
        raise Http404("This day is outside the plan.")
    return render(request, "programs/plan_day.html", {"plan": plan, "day": day, "phases": phase_names(plan)})


@login_required
def plan_changes(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    names = {"running": "Running"} | {e.slug: e.name for e in selectors.catalogue_for(plan).exercises}
    context = {"plan": plan, "changes": selectors.plan_decisions(plan), "names": names}
    return render(request, "programs/plan_changes.html", context)
