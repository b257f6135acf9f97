"""Plan pages: read through `programs.selectors.plans`; a plan another user may not see is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from programs.choices import PlanStatus
from programs.clinical.units import Distances
from programs.forms.plans import SwapForm, with_revision
from programs.models import Plan, PlannedSession, Prescription
from programs.selectors import decisions
from programs.selectors import plans as selectors
from programs.selectors.plans import SessionRow, StoredWeek
from programs.selectors.today import runner_today
from programs.selectors.units import day_shown, runner_distances, sessions_shown
from programs.services.revisions import PlanChanged
from programs.services.swaps import SwapChoices, exercise_swap, swap_choices_for, swappable_ids
from programs.templatetags.plans import run_names, session_label
from programs.views.common import exercise_names, phase_names, plan_for_user, this_week
from rehabplan.http import AuthenticatedRequest

DONE, PART_DONE, MISSED, TODAY, COMING, REST = "Done ✓", "Partly done", "Missed", "Today", "Coming", ""


# ---------------------------------------------------------------- the week, one line a day


@dataclass(frozen=True)
class DayLine:
    date: dt.date
    parts: tuple[str, ...]  # "Strength", "about 20 min", "Easy run 4 km"
    status: str  # one of DONE, PART_DONE, MISSED, TODAY, COMING, REST
    css: str  # the status's class in app.css

    @property
    def text(self) -> str:
        return " · ".join(self.parts)


def _session_parts(session: SessionRow, unit: str) -> list[str]:
    if session.kind == "run":
        return run_names(session, unit)
    parts = [session_label(session.kind)]
    if session.estimated_minutes:
        parts.append(f"about {session.estimated_minutes} min")
    return parts


def _status(date: dt.date, sessions: list[SessionRow], today: dt.date) -> tuple[str, str]:
    work = [s for s in sessions if s.kind != "rest"]
    done = sum(s.logged for s in work)
    if not work:
        return (TODAY, "today") if date == today else (REST, "")
    if done == len(work):
        return DONE, "done"
    if date < today:
        return (PART_DONE, "missed") if done else (MISSED, "missed")
    return (TODAY, "today") if date == today else (COMING, "coming")


def week_lines(week: StoredWeek, today: dt.date, distances: Distances) -> list[DayLine]:
    """Each day of the week as one line: what is planned, in the runner's units, and whether it was done."""
    first = week.plan.start + dt.timedelta(weeks=week.week.number - 1)
    by_date: dict[dt.date, list[SessionRow]] = {}
    for session in sessions_shown(week.sessions, distances):
        by_date.setdefault(session.date, []).append(session)
    lines = []
    for offset in range(7):
        date = first + dt.timedelta(days=offset)
        sessions = by_date.get(date, [])
        parts = [part for s in sessions if s.kind != "rest" for part in _session_parts(s, distances.words)]
        status, css = _status(date, sessions, today)
        lines.append(DayLine(date, tuple(parts) or (session_label("rest"),), status, css))
    return lines


def _running_line(week: StoredWeek, distances: Distances) -> str:
    row = week.week
    if not row.target_distance:
        return "No running this week"
    runs = "1 run" if row.max_runs == 1 else f"{row.max_runs} runs"
    speed = "" if row.speed_work_allowed else ", no speed work"
    return f"Running up to {distances.text(row.target_distance)} in at most {runs}{speed}"


@login_required
def plan_current_week(request: AuthenticatedRequest) -> HttpResponse:
    """The Week tab: the week of today in the runner's current plan (home when they have none)."""
    plan = selectors.runner_current_plan(request.user)
    if plan is None or plan.status == PlanStatus.NEEDS_CLINICIAN:
        return redirect("programs:home")
    return redirect("programs:plan-week", plan_id=plan.pk, number=this_week(plan))


@login_required
def plan_detail(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    weeks = list(plan.plan_weeks.order_by("number"))
    # One grouped count: the plan page stays a few queries for a 26-week plan.
    counts = {
        row["week_number"]: row
        for row in PlannedSession.objects.filter(plan=plan)
        .exclude(kind="rest")
        .values("week_number")
        .annotate(planned=Count("id"), done=Count("id", filter=Q(log__isnull=False)))
    }
    distances = runner_distances(plan.runner, weeks[0].unit if weeks else None)
    rows = [
        {"week": week, "target": distances.text(week.target_distance), "planned": 0, "done": 0}
        | counts.get(week.number, {})
        for week in weeks
    ]
    context = {"plan": plan, "rows": rows, "phases": phase_names(plan), "this_week": this_week(plan)}
    return render(request, "programs/plan_detail.html", context)


@login_required
def plan_week(request: AuthenticatedRequest, plan_id: int, number: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    week = selectors.plan_week_read(plan, number)
    if week is None:
        raise Http404("This plan has no such week.")
    distances = runner_distances(plan.runner, week.week.unit)
    context = {
        "plan": plan,
        "week": week,
        "phases": phase_names(plan),
        "lines": week_lines(week, runner_today(plan.runner), distances),
        "running": _running_line(week, distances),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < plan.weeks else None,
    }
    return render(request, "programs/plan_week.html", context)


@login_required
def plan_day(request: AuthenticatedRequest, plan_id: int, date: dt.date) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    day, distances = day_shown(plan, date, plan.runner)
    if day.week is None:
        raise Http404("This day is outside the plan.")
    swappable = swappable_ids(plan=plan, day=day, today=runner_today(plan.runner))
    swaps = [(item, s) for s in day.sessions for item in s.items if item.id in swappable]
    context = {"plan": plan, "day": day, "unit": distances.words, "phases": phase_names(plan), "swaps": swaps}
    return render(request, "programs/plan_day.html", context)


@login_required
def plan_changes(request: AuthenticatedRequest, plan_id: int) -> HttpResponse:
    plan = plan_for_user(request, plan_id)
    context = {"plan": plan, "changes": decisions.plan_decisions(plan), "names": exercise_names(plan)}
    return render(request, "programs/plan_changes.html", context)


# ---------------------------------------------------------------- swapping an exercise


@login_required
def plan_swap(request: AuthenticatedRequest, plan_id: int, prescription_id: int) -> HttpResponse:
    """The alternatives an exercise's pathway item lists that this runner can do; choosing one swaps it in the
    coming sessions (a POST), recorded as a plan change."""
    plan = plan_for_user(request, plan_id)
    prescription = _prescription_of(plan, prescription_id)
    today = runner_today(plan.runner)
    choices = swap_choices_for(prescription=prescription, today=today)
    form = _swap_form(request.POST if request.method == "POST" else None, choices, plan.revision)
    if form.is_bound and form.is_valid():
        try:
            change = exercise_swap(
                prescription=prescription,
                by=request.user,
                exercise=form.cleaned_data["exercise"],
                today=today,
                seen_revision=form.cleaned_data["revision"],
            )
        except PermissionDenied:
            raise Http404("No such plan.") from None
        except ValidationError as exc:
            for message in exc.message_dict.get("exercise", exc.messages):
                form.add_error("exercise", message)
        except PlanChanged as changed:
            return _swap_changed_page(request, plan.pk, prescription_id, changed)
        else:
            messages.success(request, change.reason)
            return redirect("programs:plan-day", plan_id=plan.pk, date=prescription.session.date)
    return _swap_page(request, prescription, choices, form, status=400 if form.errors else 200)


def _swap_form(data: QueryDict | None, choices: SwapChoices, revision: int) -> SwapForm:
    return SwapForm(data, choices=[(o.exercise, o.spec.name) for o in choices.others], initial={"revision": revision})


def _swap_page(
    request: AuthenticatedRequest, prescription: Prescription, choices: SwapChoices, form: SwapForm, *, status: int
) -> HttpResponse:
    context = {"plan": prescription.plan, "prescription": prescription, "session": prescription.session, "form": form}
    context |= {"current": choices.current, "options": choices.others, "unavailable": choices.unavailable}
    return render(request, "programs/swap.html", context, status=status)


def _swap_changed_page(
    request: AuthenticatedRequest, plan_id: int, prescription_id: int, changed: PlanChanged
) -> HttpResponse:
    """Nothing was swapped: the choices as the plan is now, the runner's choice kept, and the revision to swap at."""
    plan = plan_for_user(request, plan_id)
    prescription = _prescription_of(plan, prescription_id)
    choices = swap_choices_for(prescription=prescription, today=runner_today(plan.runner))
    form = _swap_form(with_revision(request.POST, changed.revision), choices, changed.revision)
    form.add_error(None, changed.message)
    return _swap_page(request, prescription, choices, form, status=409)


def _prescription_of(plan: Plan, prescription_id: int) -> Prescription:
    prescription = get_object_or_404(
        Prescription.objects.select_related("session", "exercise"), plan=plan, pk=prescription_id
    )
    prescription.plan = prescription.session.plan = plan  # the plan already read: no second query for it
    return prescription
