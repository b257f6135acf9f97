"""The runner's plan as a calendar to subscribe to: one all-day event per planned session or run.

`plan_calendar` is pure: it takes the plan's domain value and the exercise names and returns the .ics bytes.
An event's UID comes from the plan, the date and the session kind, never from session rows: a replan rewrites those
rows, and a calendar app must see the same event changed, not a new one beside a deleted one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping

from icalendar import Calendar, Event

from exercises.catalogue import ExerciseSpec
from programs.clinical import types as domain
from programs.clinical.dosing import describe
from programs.clinical.units import Distances
from programs.clinical.words import session_kind_label
from programs.models import Plan
from programs.selectors import plans as selectors

CALENDAR_NAME = "RehabPlan"


def event_uid(plan_id: int, date: dt.date, kind: str) -> str:
    # Hashed so the feed does not show plan numbers; stable for the same plan, day and kind.
    digest = hashlib.sha256(f"{plan_id}:{date.isoformat()}:{kind}".encode()).hexdigest()[:32]
    return f"{digest}@rehabplan"


def _distance(value: float, plan_unit: str, units: str) -> str:
    return Distances(stored=plan_unit, shown=units).text(value)


def _name(slug: str, specs: Mapping[str, ExerciseSpec]) -> str:
    spec = specs.get(slug)
    return spec.name if spec is not None else slug.replace("_", " ").capitalize()


def _item_line(item: domain.Item, specs: Mapping[str, ExerciseSpec], plan_unit: str, units: str) -> str:
    if item.dose.distance is not None and not item.dose.sets:
        dose = _distance(item.dose.distance, plan_unit, units)
        if item.dose.pace_percent:
            dose += f" at {item.dose.pace_percent} % pace"
    else:
        spec = specs.get(item.exercise)
        dose = describe(item.dose, spec is not None and spec.per_side)
    times = f", {item.times_per_day} times a day" if item.times_per_day > 1 else ""
    return f"{_name(item.exercise, specs)}: {dose}{times}"


def session_summary(session: domain.Session, specs: Mapping[str, ExerciseSpec], plan_unit: str, units: str) -> str:
    """'Strength · about 20 min', 'Easy run 5 km', 'Walk–jog intervals'."""
    if session.kind == "run":
        for item in session.items:
            if item.dose.distance is not None:
                return f"{_name(item.exercise, specs)} {_distance(item.dose.distance, plan_unit, units)}"
        return _name(session.items[0].exercise, specs) if session.items else "Run"
    words = session_kind_label(session.kind)
    return f"{words} · about {session.estimated_minutes} min" if session.estimated_minutes else words


def plan_calendar(
    plan: domain.Plan,
    *,
    plan_id: int,
    specs: Mapping[str, ExerciseSpec],
    units: str,
    day_url: Callable[[dt.date], str],
    now: dt.datetime,
) -> bytes:
    calendar = _calendar()
    if plan.status != "active":
        # A plan paused until a clinician has seen the runner has no sessions to go to.
        return calendar.to_ical()
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                if session.kind == "rest":
                    continue
                calendar.add_component(_event(session, day.date, week, plan_id, specs, units, day_url, now))
    return calendar.to_ical()


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//RehabPlan//Hamstring plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    # Calendar apps that honour these check for changes a few times a day (a session logged, a replan).
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    return calendar


def _event(
    session: domain.Session,
    date: dt.date,
    week: domain.Week,
    plan_id: int,
    specs: Mapping[str, ExerciseSpec],
    units: str,
    day_url: Callable[[dt.date], str],
    now: dt.datetime,
) -> Event:
    plan_unit = week.running.unit
    url = day_url(date)
    lines = [f"• {_item_line(item, specs, plan_unit, units)}" for item in session.items]
    if session.warm_up:
        lines.insert(0, "Start with the warm-up.")
    lines += ["", f"Open the day in RehabPlan: {url}"]
    event = Event()
    event.add("uid", event_uid(plan_id, date, session.kind))
    event.add("dtstamp", now)
    event.add("dtstart", date)
    event.add("dtend", date + dt.timedelta(days=1))
    event.add("summary", session_summary(session, specs, plan_unit, units))
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # an all-day plan entry, not a busy meeting
    return event


def runner_calendar(
    plan: Plan | None, *, units: str, day_url: Callable[[Plan, dt.date], str], now: dt.datetime
) -> bytes:
    """The calendar of the runner's current plan (an empty calendar while there is none)."""
    if plan is None:
        return _calendar().to_ical()
    return plan_calendar(
        selectors.plan_read(plan).to_domain(),
        plan_id=plan.pk,
        specs=selectors.catalogue_for(plan).by_slug,
        units=units,
        day_url=lambda date: day_url(plan, date),
        now=now,
    )
