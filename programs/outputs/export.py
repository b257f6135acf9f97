"""Everything RehabPlan stores about one user, for "Download all my data" (as JSON, or as one CSV).

Each kind of record is one query (a plan's days, sessions and items are `programs.selectors.plans.plan_read`, a fixed
number of queries per plan), so a runner with a year of logs downloads as fast as one with a week.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q

from accounts.access_log import access_entry
from accounts.models import CareLink, DataAccess, RunnerProfile, User
from programs.choices import ReminderStatus
from programs.models import DayLog, ExerciseLog, Intake, PlanChange, Reminder, SessionLog
from programs.selectors import plans as selectors
from programs.selectors.plan_json import links_for, plan_json
from programs.services.logs import DAY_LOG_FIELDS, EXERCISE_LOG_FIELDS

# 2: reminders are described in words (what, for_date, status…), and the settings hold the reminder choices.
# 3: the access log (who of their physios or RehabPlan's staff read or changed the runner's data, and when).
# 4: each planned session and prescription carries its id (and, for the runner's active plan, where to log it).
EXPORT_FORMAT = 4

_EXERCISE_LOG_FIELDS = (*EXERCISE_LOG_FIELDS, "completed_as_prescribed")
_DAY_LOG_FIELDS = ("date", *DAY_LOG_FIELDS)


# A reminder's status as the person reads it (the stored codes are for the program).
REMINDER_STATUS_WORDS: dict[str, str] = {
    ReminderStatus.PENDING: "Waiting to be sent",
    ReminderStatus.SENDING: "Being sent",
    ReminderStatus.SENT: "Sent",
    ReminderStatus.FAILED: "Could not be sent",
    ReminderStatus.SKIPPED: "Not sent",
}


def _profile(user: User) -> dict[str, Any] | None:
    profile = RunnerProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {field: getattr(profile, field) for field in RunnerProfile.SETTINGS}


def _plans(user: User) -> list[dict[str, Any]]:
    out = []
    for plan in (
        selectors.plans_visible_to(user).filter(runner=user).select_related("intake").order_by("created_at", "id")
    ):
        out.append(
            {
                "id": plan.pk,
                "created_at": plan.created_at,
                "start": plan.start,
                "weeks": plan.weeks,
                "status": plan.status,
                "intake_version": plan.intake.version if plan.intake_id else None,
                "plan": plan_json(selectors.plan_read(plan), links_for(plan, user)),
            }
        )
    return out


def _session_logs(user: User) -> list[dict[str, Any]]:
    exercise_logs = ExerciseLog.objects.select_related("prescription__exercise").order_by("id")
    logs = (
        SessionLog.objects.filter(runner=user)
        .select_related("session")
        .prefetch_related(Prefetch("exercise_logs", queryset=exercise_logs))
        .order_by("session__date", "id")
    )
    return [
        {
            "plan_id": log.session.plan_id,
            "date": log.session.date,
            "session": log.session.kind,
            "logged_at": log.created_at,
            "notes": log.notes,
            "exercises": [
                {"exercise": entry.prescription.exercise.name, **{f: getattr(entry, f) for f in _EXERCISE_LOG_FIELDS}}
                for entry in log.exercise_logs.all()
            ],
        }
        for log in logs
    ]


def account_export(user: User) -> dict[str, Any]:
    """The user's data as plain values (dates, decimals and times left for the JSON encoder or the CSV writer)."""
    intakes = Intake.objects.for_runner(user).order_by("version")
    changes = PlanChange.objects.filter(plan__runner=user).order_by("plan_id", "created_at", "id")
    links = CareLink.objects.filter(Q(runner=user) | Q(physio=user)).select_related("runner", "physio")
    return {
        "format": EXPORT_FORMAT,
        "account": {"email": user.email, "role": user.role, "date_joined": user.date_joined},
        "profile": _profile(user),
        "intakes": [{"version": i.version, "created_at": i.created_at, "answers": i.data} for i in intakes],
        "plans": _plans(user),
        "session_logs": _session_logs(user),
        "day_logs": [{f: getattr(d, f) for f in _DAY_LOG_FIELDS} for d in DayLog.objects.filter(runner=user)],
        "plan_changes": [
            {
                "plan_id": c.plan_id,
                "made_at": c.created_at,
                "effective_from": c.effective_from,
                "what": c.get_kind_display(),
                "exercise": c.exercise,
                "reason": c.reason,
            }
            for c in changes
        ],
        "care_links": [
            {
                "physio": link.physio.email,
                "runner": link.runner.email,
                "status": link.status,
                "consented_at": link.consented_at,
            }
            for link in links
        ],
        "reminders": [
            {
                "what": r.get_kind_display(),
                "for_date": r.local_date,
                "status": REMINDER_STATUS_WORDS[r.status],
                "due_at": r.due_at,
                "sent_at": r.sent_at,
                "subject": r.subject,
            }
            for r in Reminder.objects.filter(user=user).order_by("local_date", "due_at", "id")
        ],
        "access_log": [
            {"at": e.at, "who": e.who, "what": e.what, "action": e.action}
            for e in (access_entry(row, dt.UTC) for row in DataAccess.objects.of_runner(user))
        ],
    }


def export_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# A spreadsheet runs a cell that starts with one of these as a formula; a runner's notes must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _section(writer: Any, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer.writerow([title])
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    writer.writerow([])


def export_csv(data: dict[str, Any]) -> str:
    """One file, one titled table after another: account, profile, intakes, plans and their sessions, what was logged,
    day logs, plan changes, care links, reminders and the access log."""
    out = io.StringIO()
    writer = csv.writer(out)
    account = data["account"]
    _section(
        writer, "Account", ["email", "role", "date_joined"], [[account[k] for k in ("email", "role", "date_joined")]]
    )
    profile = data["profile"]
    if profile is not None:
        _section(writer, "Settings", list(profile), [list(profile.values())])
    _section(
        writer,
        "Intakes",
        ["version", "created_at", "answers"],
        [[i["version"], i["created_at"], i["answers"]] for i in data["intakes"]],
    )
    _section(
        writer,
        "Plans",
        ["plan_id", "created_at", "start", "weeks", "status", "pathway"],
        [[p["id"], p["created_at"], p["start"], p["weeks"], p["status"], p["plan"]["pathway"]] for p in data["plans"]],
    )
    _section(
        writer,
        "Planned sessions",
        ["plan_id", "week", "date", "session", "exercise", "dose", "pain_limit", "reason"],
        _planned_rows(data["plans"]),
    )
    _section(
        writer,
        "Logged exercises",
        ["plan_id", "date", "session", "exercise", *_EXERCISE_LOG_FIELDS, "session_notes"],
        [
            [
                log["plan_id"],
                log["date"],
                log["session"],
                entry["exercise"],
                *(entry[f] for f in _EXERCISE_LOG_FIELDS),
                log["notes"],
            ]
            for log in data["session_logs"]
            for entry in log["exercises"]
        ],
    )
    _section(writer, "Day logs", list(_DAY_LOG_FIELDS), [[d[f] for f in _DAY_LOG_FIELDS] for d in data["day_logs"]])
    change_fields = ["plan_id", "made_at", "effective_from", "what", "exercise", "reason"]
    _section(writer, "Plan changes", change_fields, [[c[f] for f in change_fields] for c in data["plan_changes"]])
    link_fields = ["physio", "runner", "status", "consented_at"]
    _section(writer, "Care links", link_fields, [[c[f] for f in link_fields] for c in data["care_links"]])
    reminder_fields = ["what", "for_date", "status", "due_at", "sent_at", "subject"]
    _section(writer, "Reminders", reminder_fields, [[r[f] for f in reminder_fields] for r in data["reminders"]])
    access_fields = ["at", "who", "what", "action"]
    _section(writer, "Access log", access_fields, [[a[f] for f in access_fields] for a in data["access_log"]])
    return out.getvalue()


_DOSE_KEYS = ("sets", "reps", "hold_seconds", "minutes", "laps", "metres", "distance", "intervals", "pace_percent")


def _planned_rows(plans: list[dict[str, Any]]) -> Iterable[list[Any]]:
    for plan in plans:
        for week in plan["plan"]["weeks"]:
            for day in week["days"]:
                for session in day["sessions"]:
                    for item in session["items"] or [{}]:
                        dose = {k: item[k] for k in _DOSE_KEYS if k in item}
                        yield [
                            plan["id"],
                            week["number"],
                            day["date"],
                            session["kind"],
                            item.get("exercise", ""),
                            dose or "",
                            item.get("pain_limit"),
                            item.get("reason", ""),
                        ]
