"""Write a generated plan to the database, and bring future sessions in line with a regenerated plan.

Both run inside the calling service's transaction. Query counts do not grow with the plan's length:
each kind of row is written with one bulk statement.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exercises.catalogue import dose_to_dict
from exercises.models import Exercise
from programs.clinical import types as domain
from programs.clinical.decisions import RUNNING, ItemChange, SlotChange
from programs.clinical.warm_up import warm_up_to_text
from programs.models import ITEM_COLUMNS, Plan, PlannedSession, PlanWeek, Prescription
from programs.selectors.plans import ItemRow, SessionRow, StoredPlan
from programs.services.bulk_writes import (
    UPDATE_COLUMNS,
    prescriptions_insert,
    prescriptions_update,
    sessions_insert,
    sessions_warm_up_update,
)

_WEEK_FIELDS = ("phase", "target_distance", "max_runs", "rest_days", "speed_work_allowed")
_WEEK_TEXTS = ("running_reason", "running_source")  # rewritten when they change, but not recorded as plan changes


class CatalogueMismatchError(LookupError):
    """A plan names an exercise that the exercise table does not have: the catalogue file and database differ."""


def _exercise_ids(slugs: Iterable[str]) -> dict[str, int]:
    wanted = set(slugs)
    ids = dict(Exercise.objects.filter(slug__in=wanted).values_list("slug", "id"))
    missing = sorted(wanted - set(ids))
    if missing:
        raise CatalogueMismatchError(
            f"Exercise {', '.join(map(repr, missing))} is in the catalogue this plan uses but not in the database. "
            "Run `manage.py load_catalogue` to load the catalogue file."
        )
    return ids


def _plan_week_row(plan: Plan, week: domain.Week) -> PlanWeek:
    running = week.running
    return PlanWeek(
        plan=plan,
        number=week.number,
        phase=week.phase,
        target_distance=round(running.target_distance, 1),
        unit=running.unit,
        max_runs=running.max_runs,
        rest_days=running.rest_days,
        speed_work_allowed=running.speed_work_allowed,
        running_reason=running.reason,
        running_source=running.source,
    )


def _item_values(item: domain.Item) -> dict[str, Any]:
    """The stored columns of a generated item, as `ItemRow` holds them (the exercise by slug)."""
    return {
        "exercise": item.exercise,
        "dose": dose_to_dict(item.dose),
        "pain_limit": item.pain_limit,
        "reason": item.reason,
        "source": item.source,
        "times_per_day": item.times_per_day,
        "slot": item.slot,
        "step": item.step,
        "scheduled_step": item.scheduled_step,
        "replaces": item.replaces or "",
    }


# The columns of `_item_values`, in its order, as an ItemRow holds them.
STORED_COLUMNS = ("exercise", *ITEM_COLUMNS)
_stored_columns = operator.attrgetter(*STORED_COLUMNS)


def _columns(values: dict[str, Any], ids: dict[str, int]) -> dict[str, Any]:
    """`_item_values` as model columns: the exercise by id."""
    return {k: v for k, v in values.items() if k != "exercise"} | {"exercise_id": ids[values["exercise"]]}


class _NewRows:
    """The rows of new prescriptions as the tuples `prescriptions_insert` takes. The generator reuses one Item object
    for every occurrence with the same dose, so each distinct item's columns are built once."""

    def __init__(self, plan_id: int, ids: dict[str, int]) -> None:
        self.plan_id, self.ids = plan_id, ids
        self.rows: list[tuple[Any, ...]] = []
        self._columns: dict[int, tuple[Any, ...]] = {}

    def add(self, session_id: int, position: int, item: domain.Item) -> None:
        columns = self._columns.get(id(item))
        if columns is None:
            values = _columns(_item_values(item), self.ids)
            columns = self._columns[id(item)] = tuple(values[c] for c in UPDATE_COLUMNS)
        self.rows.append((session_id, self.plan_id, position, *columns, False))


def _create_sessions(plan: Plan, planned: list[tuple[int, int, domain.Session, dt.date]]) -> None:
    """Insert sessions, then their prescriptions: two statements whatever the number of sessions."""
    session_ids = sessions_insert(
        [
            (plan.pk, week_number, date, session.kind, position, warm_up_to_text(session.warm_up))
            for week_number, position, session, date in planned
        ]
    )
    new = _NewRows(plan.pk, _exercise_ids(item.exercise for _, _, session, _ in planned for item in session.items))
    for session_id, (_, _, session, _) in zip(session_ids, planned, strict=True):
        for position, item in enumerate(session.items):
            new.add(session_id, position, item)
    prescriptions_insert(new.rows)


def persist_plan_body(plan: Plan, weeks: tuple[domain.Week, ...]) -> None:
    PlanWeek.objects.bulk_create(_plan_week_row(plan, week) for week in weeks)
    _create_sessions(
        plan,
        [
            (week.number, position, session, day.date)
            for week in weeks
            for day in week.days
            for position, session in enumerate(day.sessions)
        ],
    )


def _snapshot(exercise: str, dose: dict[str, Any], pain_limit: int) -> dict[str, Any]:
    return {"exercise": exercise, "dose": dose, "pain_limit": pain_limit}


def _row_snapshot(row: ItemRow) -> dict[str, Any]:
    return _snapshot(row.exercise, row.dose, row.pain_limit)


def _change(date: dt.date, session: str, exercise: str, before: Any, after: Any) -> ItemChange:
    return {"date": date.isoformat(), "session": session, "exercise": exercise, "before": before, "after": after}


class _Sync:
    """Collects the writes and the item changes of one sync, then writes them in a few statements."""

    def __init__(self, plan: Plan, ids: dict[str, int]) -> None:
        self.plan, self.ids = plan, ids
        self.changes: list[SlotChange] = []
        self.to_update: dict[int, tuple[dict[str, Any], list[int]]] = {}
        self.to_create = _NewRows(plan.pk, ids)
        self.to_delete: list[int] = []
        # The generator reuses one Item object for every occurrence with the same dose: convert each once.
        self._values: dict[int, dict[str, Any]] = {}
        self._columns: dict[int, tuple[Any, ...]] = {}  # the same values as one tuple, compared in one step

    def values_of(self, item: domain.Item) -> dict[str, Any]:
        found = self._values.get(id(item))
        if found is None:
            found = self._values[id(item)] = _item_values(item)
            self._columns[id(item)] = tuple(found.values())
        return found

    def record(self, slot: str, change: ItemChange) -> None:
        self.changes.append(SlotChange(slot, change))

    def update(self, row_id: int, new: domain.Item) -> None:
        # Grouped by the new item, whose columns are then built once (programs.services.bulk_writes writes them all).
        group = self.to_update.get(id(new))
        if group is None:
            group = self.to_update[id(new)] = (_columns(self.values_of(new), self.ids), [])
        group[1].append(row_id)

    def session(self, row: SessionRow, session: domain.Session) -> None:
        """Compare one stored session with its regenerated twin, slot by slot; overridden items stay as set."""
        for position in range(max(len(row.items), len(session.items))):
            old = row.items[position] if position < len(row.items) else None
            new = session.items[position] if position < len(session.items) else None
            if old is not None and old.overridden:
                continue
            if new is None:
                assert old is not None
                self.record(old.slot, _change(row.date, row.kind, old.exercise, _row_snapshot(old), None))
                self.to_delete.append(old.id)
                continue
            values = self.values_of(new)
            if old is None:
                after = _snapshot(new.exercise, values["dose"], new.pain_limit)
                self.record(new.slot, _change(row.date, row.kind, new.exercise, None, after))
                self.to_create.add(row.id, position, new)
                continue
            # Most items are unchanged: compare the columns first, build the change records only when needed.
            if _stored_columns(old) == self._columns[id(new)]:
                continue
            if (old.exercise, old.dose, old.pain_limit) != (new.exercise, values["dose"], new.pain_limit):
                after = _snapshot(new.exercise, values["dose"], new.pain_limit)
                self.record(new.slot, _change(row.date, row.kind, new.exercise, _row_snapshot(old), after))
            self.update(old.id, new)

    def write(self) -> bool:
        """Write the collected rows; True when there were any."""
        if self.to_delete:  # unlogged future items: nothing refers to them, so no collector is needed
            Prescription.objects.filter(pk__in=self.to_delete)._raw_delete(Prescription.objects.db)
        prescriptions_update(list(self.to_update.values()))
        prescriptions_insert(self.to_create.rows)
        return bool(self.to_delete or self.to_update or self.to_create.rows)


@dataclass(frozen=True)
class FutureSync:
    """What `sync_future_report` did. `wrote` is separate from `changes`: a new reason, source or warm-up text is
    written (clients must read it again) without being a change that a decision records."""

    changes: list[SlotChange]
    wrote: bool


def sync_future(plan: Plan, generated: domain.Plan, stored: StoredPlan, *, after: dt.date) -> list[SlotChange]:
    """Make unlogged sessions dated after `after` match `generated`; return each concrete change with its slot."""
    return sync_future_report(plan, generated, stored, after=after).changes


def sync_future_report(plan: Plan, generated: domain.Plan, stored: StoredPlan, *, after: dt.date) -> FutureSync:
    """`sync_future`, also saying whether any row was written (a replan raises the plan's revision only then).

    Sessions on or before `after`, and any logged session, are history and are never touched. `stored` is the
    plan as read before the rules ran, so nothing is read twice.
    """
    rows = {(s.date, s.kind): s for s in stored.sessions if s.date > after}
    wanted = {
        (day.date, session.kind): (week.number, position, session)
        for week in generated.weeks
        for day in week.days
        if day.date > after
        for position, session in enumerate(day.sessions)
    }
    sync = _Sync(plan, _exercise_ids(item.exercise for _, _, session in wanted.values() for item in session.items))
    new_sessions: list[tuple[int, int, domain.Session, dt.date]] = []
    warm_ups: list[tuple[int, str]] = []  # sessions whose warm-up changed (a stage change), with the new text
    for key, (week_number, position, session) in wanted.items():
        row = rows.get(key)
        if row is None:
            new_sessions.append((week_number, position, session, key[0]))
        elif not row.logged:
            sync.session(row, session)
            # Compared as stored: the replan's read leaves the warm-ups' items out (`plan_read(derived=False)`).
            if row.warm_up_text != (text := warm_up_to_text(session.warm_up)):
                warm_ups.append((row.id, text))
    sessions_warm_up_update(warm_ups)
    sessions_to_delete = []
    for key, row in rows.items():
        if key in wanted or row.logged or any(item.overridden for item in row.items):
            continue
        sessions_to_delete.append(row.id)
        for item in row.items:
            sync.record(item.slot, _change(row.date, row.kind, item.exercise, _row_snapshot(item), None))
    if new_sessions:
        _create_sessions(plan, new_sessions)
    for _, _, session, date in new_sessions:
        for new in session.items:
            after_item = _snapshot(new.exercise, dose_to_dict(new.dose), new.pain_limit)
            sync.record(new.slot, _change(date, session.kind, new.exercise, None, after_item))
    if sessions_to_delete:
        PlannedSession.objects.filter(pk__in=sessions_to_delete).delete()
    wrote = sync.write()
    wrote = _sync_weeks(plan, generated, stored, after=after, sync=sync) or wrote
    return FutureSync(sync.changes, wrote or bool(warm_ups or new_sessions or sessions_to_delete))


def _sync_weeks(plan: Plan, generated: domain.Plan, stored: StoredPlan, *, after: dt.date, sync: _Sync) -> bool:
    """Update running targets and phases of weeks that are not over yet; True when a week changed."""
    first_open_week = (after - plan.start).days // 7 + 1
    rows = {w.number: w for w in stored.weeks if w.number >= first_open_week}
    to_update: list[PlanWeek] = []
    for week in generated.weeks:
        row = rows.get(week.number)
        if row is None:
            continue
        fresh = _plan_week_row(plan, week)
        before = {f: _plain(getattr(row, f)) for f in _WEEK_FIELDS}
        after_values = {f: _plain(getattr(fresh, f)) for f in _WEEK_FIELDS}
        if before != after_values:
            week_start = plan.start + dt.timedelta(weeks=week.number - 1)
            sync.record(RUNNING, _change(week_start, "run", RUNNING, before, after_values))
        if before != after_values or any(getattr(row, f) != getattr(fresh, f) for f in _WEEK_TEXTS):
            for f in [*_WEEK_FIELDS, *_WEEK_TEXTS]:
                setattr(row, f, getattr(fresh, f))
            to_update.append(row)
    if to_update:
        PlanWeek.objects.bulk_update(to_update, [*_WEEK_FIELDS, *_WEEK_TEXTS])
    return bool(to_update)


def _plain(value: object) -> object:
    """Decimal columns compare with the generator's floats."""
    return float(value) if isinstance(value, Decimal) else value
