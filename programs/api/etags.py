"""ETags for the plan reads (the plan, today, a day, a week), so a phone revalidates its copy cheaply.

An ETag names the plan, its revision (raised by every write to the plan: `services.revisions.plan_locked`), the resource
and its date or week number, and `REPRESENTATION_VERSION`. A revalidation reads one row (`plan_meta`) after the
token's one query; only a changed plan is read in full.

Writes to a plan take the plan's ETag back in `If-Match` (`seen_revision`): a write from an older revision is refused
(412) before anything is written, so two people changing the same plan at once never lose an edit silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from typing import Any, TypeVar

from django.http import HttpResponseBase, HttpResponseNotModified
from django.utils.http import parse_etags
from rest_framework.request import Request

from accounts.models import User
from programs.models import Plan
from programs.selectors.plan_facts import plan_facts
from programs.selectors.today import local_today
from programs.services.revisions import PlanChanged
from rehabplan import api_cache
from rehabplan.api import PreconditionFailed

R = TypeVar("R", bound=HttpResponseBase)

# Raise it whenever the API's representation of a plan, a day or a week changes, so cached copies are read again.
REPRESENTATION_VERSION = 3

# The phone must ask every time (it may keep a copy, but revalidates it), and no shared cache may keep one.
CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True, slots=True)
class PlanMeta:
    """What an ETag needs, without reading the plan: its id, revision, runner, dates and the runner's time zone."""

    id: int
    revision: int
    runner_id: int
    start: dt.date
    weeks: int
    timezone: str | None
    units: str | None = None  # the runner's unit: a day's distances are in it

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)

    def today(self) -> dt.date:
        """Today where the plan's runner is (a physio reading it may be elsewhere)."""
        return local_today(self.timezone)


def plan_meta(user: User, plan_id: int) -> PlanMeta | None:
    """One query, under the user's scope (None for an outsider): enough to answer a revalidation."""
    row = plan_facts(Plan.objects.for_user(user), plan_id)
    return PlanMeta(*row) if row is not None else None


def cached_meta(plan_id: int, found: Mapping[str, Any] | None = None) -> PlanMeta | None:
    """The plan's facts from the API's read cache (no scope: the caller checks the reader may see its runner), or
    among the entries already `found` with the token, when the cache was asked for them then."""
    key = api_cache.plan_key(plan_id)
    row = found.get(key) if found is not None else api_cache.get(key)
    return PlanMeta(*row) if isinstance(row, tuple) else None


def remember_meta(meta: PlanMeta) -> None:
    """Keep facts read from the database, unless a write has already put newer ones there."""
    api_cache.add(api_cache.plan_key(meta.id), astuple(meta), api_cache.access_seconds())


def meta_of(plan: Plan, timezone_name: str | None, units: str | None = None) -> PlanMeta:
    return PlanMeta(plan.pk, plan.revision, plan.runner_id, plan.start, plan.weeks, timezone_name, units)


def plan_etag(meta: PlanMeta, resource: str, key: object = "") -> str:
    raw = f"{REPRESENTATION_VERSION}:{meta.id}:{meta.revision}:{resource}:{key}"
    return '"' + hashlib.blake2b(raw.encode(), digest_size=12).hexdigest() + '"'


def plan_resource_etag(plan: Plan) -> str:
    """The ETag of the plan read (GET /plans/{id}/): the one a write names in If-Match."""
    return plan_etag(meta_of(plan, None), "plan")


def seen_revision(request: Request, plan: Plan) -> int | None:
    """The plan's revision the client's If-Match names (the plan's ETag), to be checked again on the locked row; None
    without If-Match or with `*` (the write is not checked, as before ETags were asked for). A tag of any other
    revision raises PlanChanged (strong comparison, as RFC 9110 says for If-Match: a weak tag never matches)."""
    header = request.headers.get("If-Match")
    if not header or parse_etags(header) == ["*"]:
        return None
    if plan_resource_etag(plan) in parse_etags(header):
        return plan.revision
    raise PlanChanged(plan.revision)


@contextmanager
def plan_write_checked() -> Iterator[None]:
    """A plan write whose plan changed since the client read it (`PlanChanged`) answers 412 with the plan's revision
    now; the client reads the plan again (its new ETag) before trying again."""
    try:
        yield
    except PlanChanged as changed:
        raise PreconditionFailed(changed.message, revision=changed.revision) from None


def not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    return with_cache_headers(response, etag)


def with_cache_headers(response: R, etag: str) -> R:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
