"""A physio's page for one patient: the plan, every log, the charts of the runner's Progress page, the decisions and
the message thread.

Only an actively linked physio reads it (`CareLink.objects.patients_of`); anyone else gets a 404 that does not say
whether the runner exists, and a revoked link closes the page on the next request. The reads are the plan's read
model and the Progress page's, so the page runs a fixed number of queries whatever the plan's length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import care
from accounts.access_log import record_access
from accounts.models import AccessedData, User
from exercises.catalogue import ExerciseSpec
from exercises.pictures import picture
from programs.clinical.units import Distances
from programs.forms.intake_fields import RED_FLAG_QUESTIONS
from programs.forms.logs import MORNING_RED_FLAGS
from programs.models import DayLog, ExerciseLog, Plan, PlanWeek, SessionLog
from programs.selectors import patients
from programs.selectors import plans as selectors
from programs.selectors.plans import ItemRow, SessionRow
from programs.selectors.today import runner_today
from programs.selectors.units import runner_distances, sessions_shown
from programs.views.common import phase_names
from programs.views.progress import progress_context
from programs.views.sorting import Column, chosen_order, sort_headers, sorted_by
from programs.views.threads import MessageForm, send_from_form
from rehabplan.http import AuthenticatedRequest, physio_required

# Every decision is listed; this only bounds a pathological plan (the full log stays one link away).
DECISIONS_SHOWN = 500

RED_FLAG_LABELS: dict[str, str] = dict(RED_FLAG_QUESTIONS) | dict(MORNING_RED_FLAGS)

# The log tables' columns: a heading sorts by its key (the sessions' by `?sort=`, the days' by `?day_sort=`), dates
# and pains highest first; both tables start newest first.
LOG_COLUMNS = (
    Column("Date", "date", descending_first=True),
    Column("Exercise", "exercise"),
    Column("Prescribed"),
    Column("Done"),
    Column("As prescribed", "as_prescribed"),
    Column("Pain during", "pain_during", descending_first=True),
    Column("Pain after", "pain_after", descending_first=True),
    Column("Effort (RPE)", "rpe", descending_first=True),
    Column("Notes"),
)
DAY_COLUMNS = (
    Column("Date", "date", descending_first=True),
    Column("Next-morning pain", "next_morning_pain", descending_first=True),
    Column("Stiffness", "stiffness", descending_first=True),
    Column("Flare", "flare", descending_first=True),
    Column("Run", "run", descending_first=True),
    Column("Red flags answered yes", "red_flags", descending_first=True),
)


@dataclass(frozen=True)
class PlanDay:
    date: dt.date
    sessions: list[SessionRow]
    is_today: bool


@dataclass(frozen=True)
class PlanWeekView:
    week: PlanWeek
    days: list[PlanDay]
    is_this_week: bool
    target: str  # the week's running target in the runner's unit


@dataclass(frozen=True)
class LoggedExercise:
    session: SessionRow
    item: ItemRow
    log: ExerciseLog


@dataclass(frozen=True)
class SessionNote:
    session: SessionRow
    notes: str


@dataclass(frozen=True)
class DayLogView:
    log: DayLog
    red_flags: list[str]  # the questions answered yes, in words
    ran: str  # the distance run in the runner's unit, or ""


_LOG_VALUES: dict[str, Callable[[LoggedExercise], Any]] = {
    "date": lambda e: e.session.date,
    "exercise": lambda e: (e.item.spec.name if e.item.spec is not None else "").lower(),
    "as_prescribed": lambda e: e.log.completed_as_prescribed,
    "pain_during": lambda e: e.log.pain_during,
    "pain_after": lambda e: e.log.pain_after,
    "rpe": lambda e: e.log.rpe,
}
_DAY_VALUES: dict[str, Callable[[DayLogView], Any]] = {
    "date": lambda d: d.log.date,
    "next_morning_pain": lambda d: d.log.next_morning_pain,
    "stiffness": lambda d: d.log.stiffness,
    "flare": lambda d: d.log.flare,
    "run": lambda d: d.log.ran_distance,
    "red_flags": lambda d: len(d.red_flags),
}


@physio_required
def patient_detail(request: AuthenticatedRequest, runner_id: int) -> HttpResponse:
    return _page(request, runner_id, MessageForm())


@require_POST
@physio_required
def patient_messages(request: AuthenticatedRequest, runner_id: int) -> HttpResponse:
    form = MessageForm(request.POST)
    if send_from_form(form, author=request.user, other_id=runner_id) is not None:
        return redirect(reverse("programs:patient-detail", args=[runner_id]) + "#messages")
    return _page(request, runner_id, form, status=400)


def _page(request: AuthenticatedRequest, runner_id: int, form: MessageForm, status: int = 200) -> HttpResponse:
    physio = request.user
    runner = patients.linked_patient_or_404(physio, runner_id)
    record_access(actor=physio, runner_id=runner.pk, what=AccessedData.PATIENT_PAGE)
    today = runner_today(runner)  # the plan's days are the runner's
    row = patients.patient_row(physio, runner.pk, today=today)
    if row is None:  # the link was revoked between the two reads
        raise Http404("No such patient.")
    plan = selectors.runner_current_plan(runner)
    plan_context = _plan_context(plan, today, runner) if plan is not None else {}
    distances = plan_context.get("distances") or runner_distances(runner, None)
    notes = list(care.messages_visible_to(physio).filter(runner_id=runner.pk).order_by("-created_at", "-id"))
    unread = sum(note.author_id == runner.pk and note.read_at is None for note in notes)
    if unread:  # shown as new this once
        care.messages_mark_read(reader=physio, other_id=runner.pk)
    context: dict[str, Any] = {
        "runner": runner,
        "runner_name": row.name,
        "row": row,
        "today": today,
        "plan": plan,
        "notes": notes,
        "unread": unread,
        "form": form,
        "day_logs": _day_logs(runner, distances),
        # their session logs are read on each plan's own pages (plans_visible_to lets this physio open them)
        "earlier_plans": [
            p
            for p in Plan.objects.filter(runner=runner)
            .only("id", "start", "weeks", "status")
            .order_by("-created_at", "-id")
            if plan is None or p.pk != plan.pk
        ],
        **plan_context,
    }
    context |= _log_tables(request.GET, context.get("logged_exercises", []), context["day_logs"])
    return render(request, "programs/patient_detail.html", context, status=status)


def _plan_context(plan: Plan, today: dt.date, runner: User) -> dict[str, Any]:
    stored = selectors.plan_read(plan)
    distances = runner_distances(runner, stored.weeks[0].unit if stored.weeks else None)
    sessions = sessions_shown(stored.sessions, distances)
    this_week = selectors.week_number_of(plan, today)
    by_week: dict[int, dict[dt.date, list[SessionRow]]] = {}
    for session in sessions:
        by_week.setdefault(session.week_number, {}).setdefault(session.date, []).append(session)
    weeks = [
        PlanWeekView(
            week=week,
            days=[
                PlanDay(date, sessions, date == today)
                for date, sessions in sorted(by_week.get(week.number, {}).items())
            ],
            is_this_week=week.number == this_week,
            target=distances.text(week.target_distance),
        )
        for week in stored.weeks
    ]
    return {
        **progress_context(plan, today=today, runner=runner, decisions_limit=DECISIONS_SHOWN),
        "weeks": weeks,
        "drawn_exercises": _drawn_exercises(sessions),
        "phases": phase_names(plan),
        **_logged_exercises(plan, sessions),
        "distances": distances,
    }


def _drawn_exercises(sessions: list[SessionRow]) -> list[ExerciseSpec]:
    """Each exercise of the plan that has a drawing, once, in the order the plan first brings it: the page shows each
    picture once rather than on every day it is planned."""
    seen: dict[str, ExerciseSpec] = {}
    for item in (item for session in sessions for item in session.items):
        if item.spec is not None and item.exercise not in seen and picture(item.exercise) is not None:
            seen[item.exercise] = item.spec
    return list(seen.values())


def _logged_exercises(plan: Plan, sessions: list[SessionRow]) -> dict[str, Any]:
    """The plan's exercise logs, newest session first and in each session's order, and the sessions' own notes."""
    logged = [s for s in reversed(sessions) if s.logged]
    if not logged:
        return {"logged_exercises": [], "session_notes": []}
    notes = dict(SessionLog.objects.filter(session__plan=plan).exclude(notes="").values_list("session_id", "notes"))
    return {
        "logged_exercises": [LoggedExercise(s, item, log) for s in logged for item in s.items for log in item.logs],
        "session_notes": [SessionNote(s, notes[s.id]) for s in logged if s.id in notes],
    }


def _log_tables(query: QueryDict, exercises: list[LoggedExercise], days: list[DayLogView]) -> dict[str, Any]:
    """Both log tables in the order their headings asked for, and the headings' links."""
    log_order = chosen_order(query, "sort", LOG_COLUMNS, default="-date")
    day_order = chosen_order(query, "day_sort", DAY_COLUMNS, default="-date")
    return {
        "logged_exercises": sorted_by(exercises, log_order, _LOG_VALUES),
        "day_logs": sorted_by(days, day_order, _DAY_VALUES),
        "log_headers": sort_headers(query, "sort", LOG_COLUMNS, current=log_order, anchor="#session-logs"),
        "day_headers": sort_headers(query, "day_sort", DAY_COLUMNS, current=day_order, anchor="#day-logs"),
    }


def _day_logs(runner: User, distances: Distances) -> list[DayLogView]:
    """Every day log (morning checks, runs, red-flag answers) of the runner, newest first."""
    return [
        DayLogView(
            log,
            [RED_FLAG_LABELS.get(name, name.replace("_", " ").capitalize()) for name in log.red_flags],
            distances.text(log.ran_distance) if log.ran_distance is not None else "",
        )
        for log in DayLog.objects.filter(runner=runner).order_by("-date")
    ]
