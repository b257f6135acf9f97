"""The JSON contract of docs/design.md §3: a Plan out, an Intake in (already validated by the lead's serializer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from exercises.catalogue import dose_to_dict
from programs.clinical.types import (
    RED_FLAGS,
    WEEKDAYS,
    Day,
    GoalRace,
    Intake,
    Item,
    Plan,
    Running,
    Session,
    Symptoms,
    Week,
)


def _item_to_dict(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"exercise": item.exercise, **dose_to_dict(item.dose)}
    out["pain_limit"] = item.pain_limit
    out["reason"] = item.reason
    out["source"] = item.source
    if item.times_per_day > 1:
        out["times_per_day"] = item.times_per_day
    return out


def _session_to_dict(session: Session) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": session.kind}
    if session.estimated_minutes is not None:
        out["estimated_minutes"] = session.estimated_minutes
    if session.warm_up:
        out["warm_up"] = [_item_to_dict(i) for i in session.warm_up]
    out["items"] = [_item_to_dict(i) for i in session.items]
    return out


def day_to_dict(day: Day) -> dict[str, Any]:
    return {"date": day.date.isoformat(), "sessions": [_session_to_dict(session) for session in day.sessions]}


def week_to_dict(week: Week) -> dict[str, Any]:
    return {
        "number": week.number,
        "phase": week.phase,
        "running": {
            "target_distance": week.running.target_distance,
            "unit": week.running.unit,
            "max_runs": week.running.max_runs,
            "rest_days": week.running.rest_days,
            "speed_work_allowed": week.running.speed_work_allowed,
            "reason": week.running.reason,
            "source": week.running.source,
        },
        "days": [day_to_dict(day) for day in week.days],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """Exactly the plan JSON of docs/design.md §3 (dose fields only where they apply; dates as ISO strings).

    The one serialiser of a plan: for a freshly generated plan and for a stored one read back
    (`programs.selectors.plans.StoredPlan.to_domain`) alike."""
    return {
        "status": plan.status,
        "referral": {
            "urgency": plan.referral.urgency,
            "message": plan.referral.message,
            "reasons": list(plan.referral.reasons),
            "stops_plan": plan.referral.stops_plan,
        }
        if plan.referral
        else None,
        "pathway": plan.pathway,
        "pathway_reason": plan.pathway_reason,
        "weeks": [week_to_dict(week) for week in plan.weeks],
    }


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _days_since_onset(symptoms: Mapping[str, Any]) -> int:
    """The serializer stores days; intakes stored before it did have whole weeks."""
    if symptoms.get("days_since_onset") is not None:
        return int(symptoms["days_since_onset"])
    return round(float(symptoms.get("weeks_since_onset") or 0) * 7)


def _previous_strains(symptoms: Mapping[str, Any]) -> int:
    """Intakes stored before the count was asked have only the yes/no: a yes counts as one earlier strain."""
    if symptoms.get("previous_strains") is not None:
        return int(symptoms["previous_strains"])
    return 1 if symptoms.get("previous_hamstring_injury") else 0


def intake_from_dict(data: Mapping[str, Any]) -> Intake:
    """Build an Intake from already-validated JSON (docs/design.md §3 names). Dates may be ISO strings or dates."""
    running = data["running"]
    race = running.get("goal_race")
    symptoms = data["symptoms"]
    available = set(data["available_days"])
    return Intake(
        age=int(data["age"]),
        sex=str(data["sex"]),
        units=data["units"],
        running=Running(
            weekly_distance=float(running["weekly_distance"]),
            runs_per_week=int(running["runs_per_week"]),
            longest_run=float(running["longest_run"]),
            months_running=int(running["months_running"]),
            races_per_year=int(running["races_per_year"]),
            does_speed_work=bool(running["does_speed_work"]),
            goal_race=GoalRace(date=_date(race["date"]), distance=race["distance"]) if race else None,
            keep_walk_run=bool(running.get("keep_walk_run")),
        ),
        symptoms=Symptoms(
            side=symptoms["side"],
            onset=symptoms["onset"],
            days_since_onset=_days_since_onset(symptoms),
            pain_at_rest=int(symptoms["pain_at_rest"]),
            pain_walking=int(symptoms["pain_walking"]),
            pain_running=int(symptoms["pain_running"]),
            location=symptoms.get("location"),
            worse_when=frozenset(symptoms.get("worse_when") or ()),
            # .get: intakes stored before a question was added read it as not answered yes
            **{flag: bool(symptoms.get(flag)) for flag in (*RED_FLAGS, "not_improving")},
            # one answer, two shapes: any earlier strain is a previous hamstring injury
            previous_hamstring_injury=bool(symptoms.get("previous_hamstring_injury"))
            or _previous_strains(symptoms) > 0,
            previous_strains=_previous_strains(symptoms),
        ),
        equipment=frozenset(data["equipment"]),
        available_days=tuple(d for d in WEEKDAYS if d in available),
        minutes_per_session=int(data["minutes_per_session"]),
        goal=str(data["goal"]),
    )
