"""The plan JSON as the API and the data export give it: the contract's pure plan JSON (`programs.clinical.contract`,
docs/design.md §3) with each stored session's and prescription's id, and the links that act on them, added from the
stored rows. The contract itself carries no row ids: a generated plan has none yet.

A session gets `id` (what POST logs/ takes as `session`) and `log_url` (the path of POST logs/), null when the viewer
cannot log it: a physio, a rest day, a session already logged, a plan that is not active. A prescription gets `id` (a
log entry's `prescription`) and `url` (the path of PATCH prescriptions/{id}/), null unless the viewer is the runner's
physio and its dose may still change. Warm-up items are worked out from the session, not stored: they have neither.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from programs.choices import PlanStatus
from programs.clinical.contract import day_to_dict, plan_to_dict, week_to_dict
from programs.clinical.types import REHAB_KINDS

if TYPE_CHECKING:
    from accounts.models import User
    from programs.models import Plan
    from programs.selectors.plans import SessionRow, StoredDay, StoredPlan, StoredWeek

LOGGABLE_KINDS = frozenset({*REHAB_KINDS, "run"})


@dataclass(frozen=True, slots=True)
class Links:
    """What the viewer may do with the plan's sessions: log them (its runner) or change their doses (its physio)."""

    log: bool
    change: bool


def links_for(plan: Plan, viewer: User) -> Links:
    """Only the plan's runner and their linked physios read a plan (`plans_visible_to`): anyone else is the physio."""
    runner = viewer.pk == plan.runner_id
    return Links(log=runner and plan.status == PlanStatus.ACTIVE, change=not runner and plan.status != PlanStatus.ENDED)


def plan_json(stored: StoredPlan, links: Links) -> dict[str, Any]:
    body = plan_to_dict(stored.to_domain())
    by_week: dict[int, list[SessionRow]] = {}
    for row in stored.sessions:  # grouped as `StoredPlan.to_domain` groups them
        by_week.setdefault(row.week_number, []).append(row)
    for week in body["weeks"]:
        _add_ids(week["days"], by_week.get(week["number"], []), links)
    return body


def week_json(stored: StoredWeek, links: Links) -> dict[str, Any]:
    body = week_to_dict(stored.to_domain())
    _add_ids(body["days"], stored.sessions, links)
    return body


def day_json(stored: StoredDay, links: Links) -> dict[str, Any]:
    body = day_to_dict(stored.to_domain())
    _add_ids([body], stored.sessions, links)
    return body


@functools.cache
def log_url() -> str:
    return reverse("api-log-list")


@functools.cache
def _prescription_path() -> tuple[str, str]:
    """The path of prescriptions/{id}/ around its id, reversed once (a long plan has hundreds of prescriptions)."""
    head, _, tail = reverse("prescription", kwargs={"pk": "1"}).rpartition("1")
    return head, tail


def prescription_url(pk: int) -> str:
    head, tail = _prescription_path()
    return f"{head}{pk}{tail}"


def _add_ids(days: Iterable[dict[str, Any]], sessions: Sequence[SessionRow], links: Links) -> None:
    """Each day's sessions are its stored sessions of that date in order, and a session's items its prescriptions in
    order (`StoredPlan.to_domain` builds them so): the ids are matched by place."""
    by_date: dict[str, list[SessionRow]] = {}
    for row in sessions:
        by_date.setdefault(row.date.isoformat(), []).append(row)
    for day in days:
        rows = by_date.get(day["date"], [])
        day["sessions"] = [_session(out, row, links) for out, row in zip(day["sessions"], rows, strict=True)]


def _session(out: dict[str, Any], row: SessionRow, links: Links) -> dict[str, Any]:
    loggable = links.log and not row.logged and row.kind in LOGGABLE_KINDS and bool(row.items)
    changeable = links.change and not row.logged
    items = [
        {"id": item.id, **body, "url": prescription_url(item.id) if changeable else None}
        for body, item in zip(out["items"], row.items, strict=True)
    ]
    return {"id": row.id, **out, "items": items, "log_url": log_url() if loggable else None}
