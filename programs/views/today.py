"""The runner's home: Today, logging a session or run, and the morning check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from programs.choices import PlanStatus
from programs.clinical.state_json import state_from_dict
from programs.clinical.units import Distances
from programs.forms.logs import MorningCheckForm, SessionLogForm, is_loggable
from programs.models import Plan, PlannedSession
from programs.selectors import decisions
from programs.selectors import plans as selectors
from programs.selectors.plans import StoredDay
from programs.selectors.today import runner_today
from programs.selectors.units import day_shown
from programs.services.logs import day_log_record, session_log_record
from programs.templatetags.plans import change_lines
from programs.views.common import exercise_names, phase_names
from programs.views.patients import patient_list_page
from rehabplan.http import AuthenticatedRequest

SKIP_MORNING_CHECK = "morning_check_skipped"


def home(request: HttpRequest) -> HttpResponse:
    """Today for a runner; the linked patients' plans for a physio; what RehabPlan is for everyone else."""
    if not request.user.is_authenticated:
        return render(request, "home.html")
    if request.user.is_physio:
        return patient_list_page(request)  # type: ignore[arg-type]
    plan = selectors.runner_current_plan(request.user)
    if plan is None:
        return render(request, "programs/today.html", {"plan": None})
    return _today(request, plan)  # type: ignore[arg-type]


def _today(
    request: AuthenticatedRequest,
    plan: Plan,
    *,
    bound: SessionLogForm | None = None,
    morning_form: MorningCheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = runner_today(request.user)
    day, distances = day_shown(plan, today, request.user)
    cards = _cards(plan, day, distances, bound)
    context: dict[str, Any] = {
        "plan": plan,
        "day": day,
        "today": today,
        "unit": distances.words,
        "cards": cards,
        "logging": any(card["form"] for card in cards),
        "phases": phase_names(plan),
        "next_session": None if day.sessions else selectors.next_session_after(plan, today),
    }
    due = _morning_check_due(request, plan, today)
    if morning_form is not None or due:
        recheck = due == selectors.RED_FLAG_RECHECK_NOW
        context["morning_form"] = morning_form or MorningCheckForm(
            ask_pain_free_check=_has_paused(plan), after_severe_pain=recheck
        )
        context["after_session_day"] = due == selectors.MORNING_AFTER_SESSION_DAY
        context["after_severe_pain"] = recheck
    return render(request, "programs/today.html", context, status=status)


def _cards(plan: Plan, day: StoredDay, distances: Distances, bound: SessionLogForm | None) -> list[dict[str, Any]]:
    """Each session of the day: its log form while it can be logged, else the lines of what its log changed."""
    logged_ids = [session.id for session in day.sessions if session.logged]
    changes = decisions.changes_caused_by_sessions(plan, logged_ids)
    names = exercise_names(plan) if changes else {}
    cards = []
    for session in day.sessions:
        form = None
        if is_loggable(session) and not session.logged and plan.status == PlanStatus.ACTIVE:
            form = bound if bound is not None and bound.session.id == session.id else SessionLogForm(session, distances)
        items = [{"item": item, "fields": form.bound_fields_of(item) if form else []} for item in session.items]
        caused = [change for change in changes if change.cause_log and change.cause_log.session_id == session.id]
        cards.append({"session": session, "form": form, "items": items, "changes": change_lines(caused, names)})
    return cards


def _has_paused(plan: Plan) -> bool:
    return any(adjustment.paused for _, adjustment in state_from_dict(plan.state).exercise_adjustments)


def _morning_check_due(request: HttpRequest, plan: Plan, today: dt.date) -> str | None:
    """The first visit after a session day asks how the leg feels this morning, once."""
    if plan.status != PlanStatus.ACTIVE or request.session.get(SKIP_MORNING_CHECK) == today.isoformat():
        return None
    # After severe pain the rules ask the red-flag questions again at the next check, session day or not.
    return selectors.morning_check_due(plan, today, recheck=bool(plan.state.get("recheck_red_flags")))


def _runner_plan(request: AuthenticatedRequest) -> Plan:
    plan = selectors.runner_current_plan(request.user)
    if plan is None or request.user.is_physio:
        raise Http404("No plan to log against.")
    return plan


@login_required
@require_POST
def session_log(request: AuthenticatedRequest, session_id: int) -> HttpResponse:
    """Save what the runner did in one session (or run), then show Today with what changed because of it."""
    session = get_object_or_404(PlannedSession.objects.for_runner(request.user), pk=session_id)
    plan = session.plan
    if session.date > runner_today(request.user):
        messages.error(request, "This session is still to come: log it on the day.")
        return redirect("programs:home")
    day, distances = day_shown(plan, session.date, request.user)
    row = next(s for s in day.sessions if s.id == session.id)
    form = SessionLogForm(row, distances, request.POST)
    if form.is_valid():
        try:
            log = session_log_record(
                session=session,
                runner=request.user,
                entries=form.entries(),
                notes=form.cleaned_data["notes"],
                day=form.day_values(),
                client_id=form.cleaned_data.get("client_id"),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Saved. Here is what it means for your plan.")
            return redirect(reverse("programs:home") + f"#session-{log.session_id}")
    return _today(request, plan, bound=form, status=400)


@login_required
def morning_check(request: AuthenticatedRequest) -> HttpResponse:
    """Next-morning pain and stiffness, and the short red-flag questions; the rules read the answers at once."""
    plan = _runner_plan(request)
    if request.method != "POST":
        return _today(request, plan, morning_form=MorningCheckForm(ask_pain_free_check=_has_paused(plan)))
    if request.POST.get("skip"):
        request.session[SKIP_MORNING_CHECK] = runner_today(request.user).isoformat()
        return redirect("programs:home")
    form = MorningCheckForm(request.POST, ask_pain_free_check=_has_paused(plan))
    if not form.is_valid():
        return _today(request, plan, morning_form=form, status=400)
    since = timezone.now()
    day_log_record(
        runner=request.user,
        date=runner_today(request.user),
        values=form.day_values(),
        client_id=form.cleaned_data.get("client_id"),
    )
    plan.refresh_from_db()
    if plan.status == PlanStatus.NEEDS_CLINICIAN:
        messages.error(request, "Thank you. What you noticed needs a clinician: please read the message below.")
    else:
        messages.success(request, "Thank you, your morning check is saved.")
    changes = decisions.changes_since(plan, since)
    for _, line in change_lines(changes, exercise_names(plan) if changes else {}):
        messages.info(request, line)
    return redirect("programs:home")
