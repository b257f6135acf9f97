"""The read model of stored plans: every page, API endpoint, command and task reads plans through these.

Each read owns its joins and runs a fixed number of queries whatever the plan's length (a day ≤ 5, a week ≤ 6,
the whole plan ≤ 8, counted by tests). It returns plain typed rows — sessions with their items and logs, each item
with the exercise as the plan's pinned catalogue describes it (name, how-to, cues) — and `to_domain()`, the same
`programs.clinical.types` values the generator returns, so one `plan_to_dict` serves a generated and a stored plan alike.
Rows are read with `values()`: a 26-week plan has ~300 sessions, and ORM instances cost more than the rest of a
replan.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exercises.catalogue import Catalogue, Dose, ExerciseSpec, dose_from_dict
from exercises.catalogue_file import load_catalogue_file
from programs.clinical import types as domain
from programs.clinical.config import DEFAULT_CONFIG
from programs.clinical.dosing import estimated_minutes, session_minutes, session_parts
from programs.clinical.state_json import pain_limits_from_dict
from programs.clinical.warm_up import warm_up_items, warm_up_slugs_from_text
from programs.models import ITEM_COLUMNS, DayLog, ExerciseLog, Plan, PlannedSession, PlanWeek, Prescription
from programs.querysets import PlanQuerySet
from programs.selectors.versions import catalogue_of

if TYPE_CHECKING:
    from accounts.models import User


def plans_visible_to(user: User) -> PlanQuerySet:
    """The plans a user may read: their own, or their patients' through an active care link. Outsiders get none.
    The pinned versions come along without their stored data, which is parsed once per process when needed."""
    return _with_versions(Plan.objects.for_user(user).select_related("runner"))


def runner_current_plan(runner: User) -> Plan | None:
    return _with_versions(Plan.objects.filter(runner=runner)).current_for_runner(runner)


def _with_versions(plans: PlanQuerySet) -> PlanQuerySet:
    return plans.select_related("catalogue_version", "pathway_version").defer(
        "catalogue_version__data", "pathway_version__data"
    )


# ---------------------------------------------------------------- rows


@dataclass(slots=True)  # not frozen: a 26-week plan builds ~350 of these per read, and frozen init is slow
class ItemRow:
    """One stored prescription, with the exercise as the plan's catalogue describes it and its logs."""

    id: int
    exercise: str
    spec: ExerciseSpec | None
    dose: dict[str, Any]
    pain_limit: int
    reason: str
    source: str
    times_per_day: int
    slot: str
    step: int
    scheduled_step: int
    replaces: str
    overridden: bool
    logs: tuple[ExerciseLog, ...]

    def to_domain(self) -> domain.Item:
        return _domain_item(
            self.exercise,
            _dose(self.dose),
            self.pain_limit,
            self.reason,
            self.times_per_day,
            self.step,
            self.scheduled_step,
            self.slot,
            self.replaces or None,
            self.source,
        )


# A plan repeats the same item (same dose, step and reason) on many days: each is built once. Bounded, because
# reasons name dates and a long-running process reads many plans.
_domain_item = functools.lru_cache(maxsize=8192)(domain.Item)


@dataclass(slots=True)
class SessionRow:
    id: int
    week_number: int
    date: dt.date
    kind: str
    position: int
    logged: bool
    items: tuple[ItemRow, ...]
    warm_up: tuple[domain.Item, ...] = ()
    estimated_minutes: int | None = None
    warm_up_text: str = ""  # as stored (`programs.clinical.warm_up.warm_up_to_text`)

    def to_domain(self) -> domain.Session:
        return domain.Session(
            self.kind, tuple(item.to_domain() for item in self.items), self.warm_up, self.estimated_minutes
        )


_DOSES: dict[tuple[tuple[str, Any], ...], Dose] = {}
_MINUTES: dict[tuple[Dose, bool, int], float] = {}


def _minutes(dose: Dose, spec: ExerciseSpec | None, times_per_day: int) -> float:
    per_side = spec is not None and spec.per_side
    key = (dose, per_side, times_per_day)
    found = _MINUTES.get(key)
    if found is None:
        found = _MINUTES[key] = estimated_minutes(dose, DEFAULT_CONFIG, per_side) * times_per_day
    return found


def _session_minutes(
    kind: str, warm_up: tuple[domain.Item, ...], items: tuple[ItemRow, ...], specs: Mapping[str, ExerciseSpec]
) -> int | None:
    """Worked out from what is stored, as the generator did (programs.clinical.dosing.session_minutes): a physio's override
    or a replan changes it with the doses, and no stored copy has to be kept in step."""
    if kind not in domain.REHAB_KINDS:
        return None
    parts = [_minutes(item.dose, specs.get(item.exercise), 1) for item in warm_up]
    parts += [_minutes(_dose(row.dose), row.spec, row.times_per_day) for row in items]
    return session_minutes(session_parts(parts))


def _dose(stored: dict[str, Any]) -> Dose:
    """A stored dose as a Dose, parsed once per distinct dose (a plan repeats a few doses hundreds of times)."""
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in stored.items())
    found = _DOSES.get(key)
    if found is None:
        found = _DOSES[key] = dose_from_dict(stored)
    return found


# What identifies an item, what a replan may change and whether a physio overrode it, in the order `_session_rows`
# unpacks them (ItemRow's field order).
_ITEM_FIELDS = ("id", "session_id", "exercise__slug", *ITEM_COLUMNS, "overridden")


def catalogue_for(plan: Plan) -> Catalogue:
    """The catalogue the plan was generated from (the shipped file for a plan made before versions were kept)."""
    return catalogue_of(plan.catalogue_version) if plan.catalogue_version is not None else load_catalogue_file()


class _WarmUps(dict[str, tuple[domain.Item, ...]]):
    """Stored warm-ups (slugs) as the generator's items, each distinct one built once per read."""

    def __init__(self, catalogue: Catalogue, plan: Plan) -> None:
        super().__init__()
        self.catalogue = catalogue
        limits = pain_limits_from_dict(plan.pain_limits)
        self.pain_limit = limits.during if limits is not None else 0

    def __missing__(self, text: str) -> tuple[domain.Item, ...]:
        found = self[text] = warm_up_items(warm_up_slugs_from_text(text), self.catalogue, self.pain_limit)
        return found


def _session_rows(plan: Plan, *, derived: bool = True, **where: Any) -> list[SessionRow]:
    """Sessions matching `where` with their items and logs: two queries, three when something was logged.
    `derived=False` leaves out what is worked out from the rows, not stored: each strength session's warm-up items
    (its stored text is there) and every session's minutes."""
    # Tuples, not dicts: a 26-week plan reads ~350 sessions and ~500 prescriptions on every log.
    sessions = list(
        PlannedSession.objects.filter(plan=plan, **where)
        .order_by("date", "position")
        .values_list("id", "week_number", "date", "kind", "position", "warm_up", "log__id")
    )
    if not sessions:
        return []
    items: dict[int, list[tuple[Any, ...]]] = {}
    prescriptions = Prescription.objects.filter(plan=plan, **{f"session__{k}": v for k, v in where.items()})
    for row in prescriptions.order_by("position").values_list(*_ITEM_FIELDS):
        items.setdefault(row[1], []).append(row)
    logs: dict[int, list[ExerciseLog]] = {}
    logged = [s[6] for s in sessions if s[6] is not None]
    if logged:
        for log in ExerciseLog.objects.filter(session_log_id__in=logged).order_by("id"):
            logs.setdefault(log.prescription_id, []).append(log)
    catalogue = catalogue_for(plan)
    specs = catalogue.by_slug
    warm_ups = _WarmUps(catalogue, plan) if derived else None
    rows = [
        SessionRow(
            id=session_id,
            week_number=week_number,
            date=date,
            kind=kind,
            position=position,
            logged=log_id is not None,
            warm_up=warm_ups[warm_up] if warm_ups is not None else (),
            warm_up_text=warm_up,
            items=tuple(
                ItemRow(
                    item_id,
                    slug,
                    specs.get(slug),
                    dose,
                    pain_limit,
                    reason,
                    source,
                    times_per_day,
                    slot,
                    step,
                    scheduled_step,
                    replaces,
                    overridden,
                    tuple(logs.get(item_id, ())),
                )
                for (
                    item_id,
                    _,
                    slug,
                    dose,
                    pain_limit,
                    reason,
                    source,
                    times_per_day,
                    slot,
                    step,
                    scheduled_step,
                    replaces,
                    overridden,
                ) in items.get(session_id, ())
            ),
        )
        for session_id, week_number, date, kind, position, warm_up, log_id in sessions
    ]
    if derived:
        for row in rows:
            row.estimated_minutes = _session_minutes(row.kind, row.warm_up, row.items, specs)
    return rows


# ---------------------------------------------------------------- rows → domain values


def _running(row: PlanWeek) -> domain.RunningTarget:
    return domain.RunningTarget(
        target_distance=float(row.target_distance),
        unit=row.unit,  # type: ignore[arg-type]  # stored from the generator's Units
        max_runs=row.max_runs,
        rest_days=row.rest_days,
        speed_work_allowed=row.speed_work_allowed,
        reason=row.running_reason,
        source=row.running_source,
    )


def _day(date: dt.date, sessions: list[SessionRow]) -> domain.Day:
    return domain.Day(date, tuple(s.to_domain() for s in sessions))


def _week(plan: Plan, row: PlanWeek, sessions: list[SessionRow]) -> domain.Week:
    first = plan.start + dt.timedelta(weeks=row.number - 1)
    by_date: dict[dt.date, list[SessionRow]] = {}
    for session in sessions:
        by_date.setdefault(session.date, []).append(session)
    dates = [first + dt.timedelta(days=i) for i in range(7)]
    return domain.Week(row.number, row.phase, _running(row), tuple(_day(d, by_date.get(d, [])) for d in dates))


def _referral(stored: dict[str, Any], status: str) -> domain.Referral:
    return domain.Referral(
        urgency=stored["urgency"],
        message=stored["message"],
        reasons=tuple(stored.get("reasons", ())),
        # referrals stored before the two tiers were all stops
        stops_plan=stored.get("stops_plan", status == "needs_clinician"),
        restrictions=tuple(stored.get("restrictions", ())),
        protect_only=stored.get("protect_only", False),
        no_running=stored.get("no_running", False),
    )


def week_number_of(plan: Plan, date: dt.date) -> int:
    return (date - plan.start).days // 7 + 1


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class StoredPlan:
    plan: Plan
    weeks: list[PlanWeek]
    sessions: list[SessionRow]

    def to_domain(self) -> domain.Plan:
        plan = self.plan
        by_week: dict[int, list[SessionRow]] = {}
        for session in self.sessions:
            by_week.setdefault(session.week_number, []).append(session)
        referral = plan.referral
        return domain.Plan(
            status=plan.status,  # type: ignore[arg-type]  # an ended plan reads back as it was stored
            referral=_referral(referral, plan.status) if referral else None,
            pathway=plan.pathway or None,
            pathway_reason=plan.pathway_reason,
            pain_limits=pain_limits_from_dict(plan.pain_limits),
            start=plan.start,
            weeks=tuple(_week(plan, row, by_week.get(row.number, [])) for row in self.weeks),
        )

    def exercise_logs(self) -> list[tuple[ExerciseLog, ItemRow, SessionRow]]:
        """Every exercise log of the plan with the item and session it logs, in date order."""
        return [(log, item, session) for session in self.sessions for item in session.items for log in item.logs]


@dataclass(frozen=True)
class StoredWeek:
    plan: Plan
    week: PlanWeek
    sessions: list[SessionRow]

    def to_domain(self) -> domain.Week:
        return _week(self.plan, self.week, self.sessions)


@dataclass(frozen=True)
class StoredDay:
    plan: Plan
    date: dt.date
    week: PlanWeek | None  # None outside the plan's weeks
    sessions: list[SessionRow]

    def to_domain(self) -> domain.Day:
        return _day(self.date, self.sessions)


def plan_read(plan: Plan, *, derived: bool = True) -> StoredPlan:
    """The whole stored plan: weeks, sessions, items and (when something was logged) logs, in four queries.

    `derived=False` is for the writers that only run the rules and compare the rows (a replan, an upgrade): the
    warm-ups' items and the sessions' minutes are left out (`_session_rows`), which the rules never read."""
    return StoredPlan(
        plan=plan, weeks=list(plan.plan_weeks.order_by("number")), sessions=_session_rows(plan, derived=derived)
    )


def plan_week_read(plan: Plan, number: int) -> StoredWeek | None:
    week = plan.plan_weeks.filter(number=number).first()
    if week is None:
        return None
    return StoredWeek(plan=plan, week=week, sessions=_session_rows(plan, week_number=number))


def plan_day_read(plan: Plan, date: dt.date) -> StoredDay:
    """One day: the week it belongs to, its sessions, items with exercise names and cues, and any logs."""
    week = plan.plan_weeks.filter(number=week_number_of(plan, date)).first()
    sessions = _session_rows(plan, date=date) if week is not None else []
    return StoredDay(plan=plan, date=date, week=week, sessions=sessions)


def next_session_after(plan: Plan, date: dt.date) -> PlannedSession | None:
    return PlannedSession.objects.filter(plan=plan, date__gt=date).exclude(kind="rest").order_by("date").first()


MORNING_AFTER_SESSION_DAY = "after_session_day"
RED_FLAG_RECHECK = "red_flag_recheck"
RED_FLAG_RECHECK_NOW = "red_flag_recheck_now"


def morning_check_due(plan: Plan, today: dt.date, *, recheck: bool = False) -> str | None:
    """Why Today asks the morning check, or None: today's check is not recorded yet, and the red-flag questions are to
    be asked again after severe pain (at once on the day of the session that hurt, `RED_FLAG_RECHECK_NOW`, worded
    for now; on a later day `RED_FLAG_RECHECK`), or yesterday had a session or run (`MORNING_AFTER_SESSION_DAY`)."""
    yesterday = today - dt.timedelta(days=1)
    if recheck:
        logged_today = PlannedSession.objects.filter(plan=plan, date=today, log__isnull=False).exists()
        why = RED_FLAG_RECHECK_NOW if logged_today else RED_FLAG_RECHECK
    elif PlannedSession.objects.filter(plan=plan, date=yesterday).exclude(kind="rest").exists():
        why = MORNING_AFTER_SESSION_DAY
    else:
        return None
    if DayLog.objects.filter(runner_id=plan.runner_id, date=today, next_morning_pain__isnull=False).exists():
        return None
    return why
