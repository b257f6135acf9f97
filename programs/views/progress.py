"""The Progress page: the runner's current plan as charts (sessions done, pain, running) and its decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from accounts.models import User
from programs.clinical.progress import adherence_by_week, has_adherence, has_running, pain_series, running_by_week
from programs.models import Plan
from programs.outputs import charts
from programs.selectors import plans as selectors
from programs.selectors.progress import plan_progress_read
from programs.selectors.today import runner_today
from programs.selectors.units import runner_distances, running_shown
from programs.views.common import exercise_names
from rehabplan.http import AuthenticatedRequest, runner_required


@runner_required  # a physio reads a patient's progress from the patient's page
def progress(request: AuthenticatedRequest) -> HttpResponse:
    plan = selectors.runner_current_plan(request.user)
    if plan is None:
        return render(request, "programs/progress.html", {"plan": None})
    return render(
        request, "programs/progress.html", progress_context(plan, today=runner_today(request.user), runner=request.user)
    )


def progress_context(plan: Plan, *, today: dt.date, runner: User, decisions_limit: int = 10) -> dict[str, Any]:
    """The charts, their figures and the newest decisions of a plan: the runner's Progress page and a physio's
    patient page show the same ones, distances in the unit the plan's `runner` chose."""
    read = plan_progress_read(plan, decisions_limit=decisions_limit)
    distances = runner_distances(runner, read.unit)
    adherence = adherence_by_week(read.sessions, start=plan.start, weeks=plan.weeks, today=today)
    pain = pain_series(read.exercise_logs, read.day_logs)
    running = running_by_week(read.targets, read.exercise_logs, read.day_logs, start=plan.start, today=today)
    running = running_shown(running, distances)
    names = exercise_names(plan)
    return {
        "plan": plan,
        "started": plan.start <= today,
        "adherence": adherence,
        "adherence_chart": charts.adherence_chart(adherence) if has_adherence(adherence) else None,
        "pain": pain,
        "pain_limit": read.pain_limit,
        "pain_chart": charts.pain_chart(pain, read.pain_limit) if pain else None,
        "running": running,
        "unit": distances.words,
        "running_chart": charts.running_chart(running, distances.words) if has_running(running) else None,
        "changes": read.decisions,
        "more_changes": read.more_decisions,
        "names": names,
    }
