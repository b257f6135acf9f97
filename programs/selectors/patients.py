"""A physio's patient list: one row per actively linked runner, with what a physio triages by.

Shared by the API (`/api/v1/patients/`) and the physio's pages. A physio's caseload is small, so the rows are built
from a fixed number of queries (nine, whatever the number of patients: counted by tests) and sorted and filtered in
Python. Only active care links are read (`CareLink.objects.of_physio`): a runner who has not accepted, or who revoked
the link, is not there.

Definitions (the same on every surface):
- adherence over 7 and 28 days: the planned sessions that are not rest, from the current plan, dated in the window
  before today, plus today's sessions once logged (today's are not missed yet, but what is done today counts), and
  the share of them logged; None when none was planned.
- last pain: the pain during the latest logged exercise; last morning pain: the latest next-morning pain reported.
- days since last log: since the latest session log or day log (morning check, run) of any plan.
- flags look at the last FLAG_WINDOW_DAYS days, so an old episode does not flag a runner for ever:
  `red_flag` the current plan is stopped for a clinician or carries a safety advisory (whatever its age);
  `severe_pain` an exercise logged with pain at or above the rules' severe threshold for its limit
  (programs.clinical.config.RulesConfig.severe_pain_at); `over_limit_twice` the two latest exercise pains both above
  their item's pain limit; `morning_pain_rising` the three latest next-morning pains each higher than the one before;
  `no_log_4_days` nothing logged for four days or more (or never, once the plan has run four days).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import F, Max, Q, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404

from accounts.care import display_name
from accounts.models import CareLink, User
from programs.choices import PlanStatus
from programs.clinical.config import DEFAULT_CONFIG
from programs.clinical.pathway_files import load_pathways
from programs.models import DayLog, ExerciseLog, Plan, PlannedSession, PlanWeek, SessionLog
from programs.selectors.plans import week_number_of

FLAG_WINDOW_DAYS = 14
NO_LOG_DAYS = 4

FLAG_LABELS: dict[str, str] = {
    "red_flag": "Red flag: needs a clinician's assessment",
    "severe_pain": "Severe pain logged in an exercise",
    "over_limit_twice": "Pain above the limit in the last two logged exercises",
    "morning_pain_rising": "Next-morning pain rising three times in a row",
    "no_log_4_days": "Nothing logged for 4 days or more",
}
FLAG_CODES: tuple[str, ...] = tuple(FLAG_LABELS)

# ?ordering= keys and how each sorts; a missing value (None) always sorts last, whichever the direction.
ORDERING_KEYS: tuple[str, ...] = (
    "name",
    "linked_since",
    "adherence_7",
    "adherence_28",
    "days_since_last_log",
    "last_pain",
    "last_morning_pain",
    "flags",
)


@dataclass(frozen=True)
class Flag:
    code: str
    label: str


@dataclass(frozen=True)
class Adherence:
    planned: int
    done: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.planned) if self.planned else None


NOTHING_PLANNED = Adherence(0, 0)


@dataclass(frozen=True)
class PatientRow:
    """One actively linked runner as their physio's list shows them."""

    id: int
    name: str
    email: str
    linked_since: dt.datetime | None
    plan: Plan | None
    pathway: str
    pathway_name: str
    week: int | None
    phase: str
    phase_name: str
    adherence_7: Adherence
    adherence_28: Adherence
    last_pain: int | None
    last_pain_on: dt.date | None
    last_morning_pain: int | None
    last_morning_pain_on: dt.date | None
    last_log_on: dt.date | None
    days_since_last_log: int | None
    flags: tuple[Flag, ...] = field(default=())

    @property
    def flag_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.flags)


def patients_of(physio: User) -> QuerySet[User]:
    """The runners actively linked to this physio (`CareLink.objects.of_physio`, the one care-link rule)."""
    return User.objects.filter(pk__in=CareLink.objects.patients_of(physio)).select_related("runner_profile")


def linked_patient_or_404(physio: User, runner_id: int) -> User:
    """The runner, only when actively linked to this physio; a 404 otherwise, whether or not the runner exists (an
    outsider learns nothing). The physio's pages and the API both fetch a patient here."""
    return get_object_or_404(patients_of(physio), pk=runner_id)


def patient_rows(physio: User, *, today: dt.date) -> list[PatientRow]:
    """Every actively linked runner of the physio, by name (nine queries whatever the caseload)."""
    return _rows(CareLink.objects.of_physio(physio), today)


def patient_row(physio: User, runner_id: int, *, today: dt.date) -> PatientRow | None:
    """One runner's row, or None when the runner is not this physio's active patient (the caller's 404)."""
    rows = _rows(CareLink.objects.of_physio(physio).filter(runner_id=runner_id), today)
    return rows[0] if rows else None


def filter_rows(rows: Iterable[PatientRow], *, flag: str | None = None, pathway: str | None = None) -> list[PatientRow]:
    return [r for r in rows if (flag is None or flag in r.flag_codes) and (pathway is None or r.pathway == pathway)]


def sort_rows(rows: Sequence[PatientRow], ordering: str | None) -> list[PatientRow]:
    """Rows by an ORDERING_KEYS key (`-key` for descending); the default puts the most flags first, then by name."""
    by_name = sorted(rows, key=lambda r: (r.name.lower(), r.id))
    if not ordering:
        return sorted(by_name, key=lambda r: -len(r.flags))
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    if key not in ORDERING_KEYS:
        raise ValueError(f"unknown ordering {ordering!r}")
    present = [r for r in by_name if _sort_value(r, key) is not None]
    missing = [r for r in by_name if _sort_value(r, key) is None]
    return sorted(present, key=lambda r: _sort_value(r, key), reverse=descending) + missing


def _sort_value(row: PatientRow, key: str) -> Any:
    if key in ("adherence_7", "adherence_28"):
        return getattr(row, key).percent
    if key == "flags":
        return len(row.flags)
    return row.name.lower() if key == "name" else getattr(row, key)


# ---------------------------------------------------------------- building the rows


def _rows(links: Any, today: dt.date) -> list[PatientRow]:
    links = list(links.select_related("runner").order_by("runner__first_name", "runner__last_name", "runner__email"))
    if not links:
        return []
    runner_ids = [link.runner_id for link in links]
    plans = _current_plans(runner_ids)
    plan_ids = [p.pk for p in plans.values()]
    phases = _phases(plans.values(), today)
    adherence = _adherence(plan_ids, today)
    pains = _latest_pains(runner_ids)
    severe = _severe_pain(runner_ids, today)
    mornings = _latest_mornings(runner_ids)
    last_logs = _last_log_dates(runner_ids)
    pathways = load_pathways()
    rows = []
    for link in links:
        runner, plan = link.runner, plans.get(link.runner_id)
        pathway = pathways.get(plan.pathway) if plan and plan.pathway else None
        week = min(max(week_number_of(plan, today), 1), plan.weeks) if plan and plan.weeks else None
        phase = phases.get(plan.pk, "") if plan else ""
        last_log_on = last_logs.get(runner.pk)
        pain_logs, morning_logs = pains.get(runner.pk, []), mornings.get(runner.pk, [])
        row = PatientRow(
            id=runner.pk,
            name=display_name(runner),
            email=runner.email,
            linked_since=link.consented_at,
            plan=plan,
            pathway=plan.pathway if plan else "",
            pathway_name=pathway.name if pathway else (plan.pathway.replace("_", " ").capitalize() if plan else ""),
            week=week,
            phase=phase,
            phase_name=_phase_name(pathway, phase),
            adherence_7=adherence.get((plan.pk if plan else 0, 7), NOTHING_PLANNED),
            adherence_28=adherence.get((plan.pk if plan else 0, 28), NOTHING_PLANNED),
            last_pain=pain_logs[0]["pain_during"] if pain_logs else None,
            last_pain_on=pain_logs[0]["date"] if pain_logs else None,
            last_morning_pain=morning_logs[0]["next_morning_pain"] if morning_logs else None,
            last_morning_pain_on=morning_logs[0]["date"] if morning_logs else None,
            last_log_on=last_log_on,
            days_since_last_log=max((today - last_log_on).days, 0) if last_log_on else None,
        )
        codes = _flags(row, today, pain_logs, morning_logs, severe=runner.pk in severe)
        rows.append(_with_flags(row, codes))
    return rows


def _with_flags(row: PatientRow, codes: list[str]) -> PatientRow:
    return replace(row, flags=tuple(Flag(code, _flag_label(code, row)) for code in codes))


def _flag_label(code: str, row: PatientRow) -> str:
    if code != "red_flag":
        return FLAG_LABELS[code]
    if row.plan is not None and row.plan.status == PlanStatus.NEEDS_CLINICIAN:
        return "Red flag: the plan is stopped until a clinician has seen them"
    return "Red flag: advised to see a clinician; the plan goes on"


def _flags(
    row: PatientRow,
    today: dt.date,
    pain_logs: list[dict[str, Any]],
    morning_logs: list[dict[str, Any]],
    *,
    severe: bool,
) -> list[str]:
    since = today - dt.timedelta(days=FLAG_WINDOW_DAYS)
    codes = []
    plan = row.plan
    if plan is not None and (plan.status == PlanStatus.NEEDS_CLINICIAN or plan.referral):
        codes.append("red_flag")
    if severe:
        codes.append("severe_pain")
    if (
        len(pain_logs) == 2
        and pain_logs[0]["date"] >= since
        and all(p["pain_during"] > p["pain_limit"] for p in pain_logs)
    ):
        codes.append("over_limit_twice")
    if len(morning_logs) == 3 and morning_logs[0]["date"] >= since:
        newest, middle, oldest = (m["next_morning_pain"] for m in morning_logs)
        if oldest < middle < newest:
            codes.append("morning_pain_rising")
    started_long_ago = plan is not None and (today - plan.start).days >= NO_LOG_DAYS
    if (row.days_since_last_log or 0) >= NO_LOG_DAYS or (row.last_log_on is None and started_long_ago):
        codes.append("no_log_4_days")
    return codes


def _phase_name(pathway: Any, phase: str) -> str:
    if not phase:
        return ""
    if pathway is not None:
        for p in pathway.phases:
            if p.slug == phase:
                return str(p.name)
    return phase.replace("_", " ").capitalize()


def _current_plans(runner_ids: list[int]) -> dict[int, Plan]:
    """Each runner's plan in use: the newest that has not ended (Plan.objects.current_for_runner, for many)."""
    found: dict[int, Plan] = {}
    plans = (
        Plan.objects.filter(runner_id__in=runner_ids)
        .exclude(status=PlanStatus.ENDED)
        # `state` too: its `attention` is what the rules asked a physio to look at, which the list shows
        .only(
            "id", "runner_id", "status", "referral", "pathway", "start", "weeks", "pain_limits", "state", "created_at"
        )
        .order_by("-created_at", "-id")
    )
    for plan in plans:
        found.setdefault(plan.runner_id, plan)
    return found


def _phases(plans: Iterable[Plan], today: dt.date) -> dict[int, str]:
    """The phase of this week of each plan (one row per plan)."""
    where = Q()
    for plan in plans:
        if plan.weeks:
            where |= Q(plan_id=plan.pk, number=min(max(week_number_of(plan, today), 1), plan.weeks))
    if not where:
        return {}
    return dict(PlanWeek.objects.filter(where).values_list("plan_id", "phase"))


def _adherence(plan_ids: list[int], today: dt.date) -> dict[tuple[int, int], Adherence]:
    """(plan id, 7 or 28) → planned non-rest sessions dated in the window before today, and today's once logged, and
    how many of them are logged."""
    if not plan_ids:
        return {}
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    sessions = (
        PlannedSession.objects.filter(plan_id__in=plan_ids, date__gte=today - dt.timedelta(days=28), date__lte=today)
        .exclude(kind="rest")
        .values_list("plan_id", "date", "log")
    )
    for plan_id, date, log_id in sessions:
        if date == today and log_id is None:
            continue  # still to do today: not missed
        for days in (7, 28):
            if date >= today - dt.timedelta(days=days):
                counts[(plan_id, days)][0] += 1
                counts[(plan_id, days)][1] += log_id is not None
    return {key: Adherence(planned, done) for key, (planned, done) in counts.items()}


def _latest_per_runner(queryset: Any, runner: str, order_by: list[Any], n: int, *fields: str) -> dict[int, list[Any]]:
    """The `n` latest rows of each runner, newest first, in one query (a window function)."""
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F(runner)], order_by=order_by), person=F(runner)
    ).filter(rank__lte=n)
    out: dict[int, list[Any]] = defaultdict(list)
    for row in sorted(ranked.values("person", "rank", *fields), key=lambda r: (r["person"], r["rank"])):
        out[row["person"]].append(row)
    return out


def _latest_pains(runner_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    logs = ExerciseLog.objects.filter(session_log__runner_id__in=runner_ids, pain_during__isnull=False).annotate(
        date=F("session_log__session__date"), pain_limit=F("prescription__pain_limit")
    )
    order = [F("session_log__session__date").desc(), F("session_log_id").desc(), F("prescription__position").desc()]
    return _latest_per_runner(logs, "session_log__runner_id", order, 2, "date", "pain_during", "pain_limit")


def _severe_pain(runner_ids: list[int], today: dt.date) -> set[int]:
    """Runners with an exercise logged at or above the rules' severe threshold for its limit, in the flag window."""
    over = ExerciseLog.objects.filter(
        Q(pain_during__gt=F("prescription__pain_limit")) | Q(pain_after__gt=F("prescription__pain_limit")),
        session_log__runner_id__in=runner_ids,
        session_log__session__date__gte=today - dt.timedelta(days=FLAG_WINDOW_DAYS),
    ).values_list("session_log__runner_id", "pain_during", "pain_after", "prescription__pain_limit")
    return {
        runner_id
        for runner_id, during, after, limit in over
        if max(during or 0, after or 0) >= DEFAULT_CONFIG.severe_pain_at(limit)
    }


def _latest_mornings(runner_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    mornings = DayLog.objects.filter(runner_id__in=runner_ids, next_morning_pain__isnull=False)
    return _latest_per_runner(mornings, "runner_id", [F("date").desc()], 3, "date", "next_morning_pain")


def _last_log_dates(runner_ids: list[int]) -> dict[int, dt.date]:
    last: dict[int, dt.date] = {}
    sessions = (
        SessionLog.objects.filter(runner_id__in=runner_ids).values("runner_id").annotate(last=Max("session__date"))
    )
    days = DayLog.objects.filter(runner_id__in=runner_ids).values("runner_id").annotate(last=Max("date"))
    for row in [*sessions, *days]:
        if row["last"] is not None and (row["runner_id"] not in last or row["last"] > last[row["runner_id"]]):
            last[row["runner_id"]] = row["last"]
    return last


# ---------------------------------------------------------------- one patient's recent history
