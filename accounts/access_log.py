"""The runner's access log: which physio or staff member read or changed their data, and when.

`record_access` is called wherever a physio's page or API view, or the Django admin, reads or changes one runner's
data; reads of one's own data are never recorded. A read of the same data by the same person within
ACCESS_LOG_READ_MINUTES adds nothing, so reloading a page does not fill the log; every change is recorded.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.care import display_name
from accounts.models import AccessActor, AccessedData, AccessKind, DataAccess, Role, User

# What the runner's page and the API list: older entries stay stored until the account is deleted.
ACCESS_LOG_DAYS = 90
NO_ACCESS_YET = "No physio or staff member has opened your data."

_TABLE = DataAccess._meta.db_table
_USERS = User._meta.db_table
# One statement: the entry is written only for a runner's account, and a read only when the same person has not read
# the same data within the window (two requests at the same instant may both write one: harmless).
_INSERT = f"""
    INSERT INTO {_TABLE} (runner_id, actor_id, actor_name, actor_kind, kind, what, at)
    SELECT runner.id, %(actor)s, %(actor_name)s, %(actor_kind)s, %(kind)s, %(what)s, %(at)s
    FROM {_USERS} AS runner
    WHERE runner.id = %(runner)s AND runner.role = %(runner_role)s
"""  # noqa: S608  # the table names are the models' own; every value is a parameter
_UNLESS_READ_LATELY = f"""
    AND NOT EXISTS (
        SELECT 1 FROM {_TABLE} AS earlier
        WHERE earlier.runner_id = runner.id AND earlier.actor_id = %(actor)s AND earlier.what = %(what)s
        AND earlier.kind = %(kind)s AND earlier.at > %(since)s
    )
"""  # noqa: S608


def _actor_name(actor: User, actor_kind: AccessActor) -> str:
    # A staff member is named by first name only: the runner has no business with a colleague's address.
    if actor_kind == AccessActor.STAFF:
        return actor.first_name.strip()
    return display_name(actor)


def record_access(
    *,
    actor: User,
    runner_id: int | None,
    what: AccessedData,
    kind: AccessKind = AccessKind.READ,
    actor_kind: AccessActor | None = None,
) -> None:
    """Record that `actor` read or changed `what` of the runner's data (nothing when it is the runner themself, or
    the account is not a runner's). The actor is the runner's physio unless `actor_kind` says staff (the admin)."""
    if runner_id is None or actor.pk == runner_id:
        return
    actor_kind = actor_kind or (AccessActor.PHYSIO if actor.is_physio else AccessActor.STAFF)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT if kind == AccessKind.CHANGE else _INSERT + _UNLESS_READ_LATELY,
            {
                "actor": actor.pk,
                "actor_name": _actor_name(actor, actor_kind),
                "actor_kind": actor_kind,
                "kind": kind,
                "what": what,
                "at": now,
                "since": now - dt.timedelta(minutes=settings.ACCESS_LOG_READ_MINUTES),
                "runner": runner_id,
                "runner_role": Role.RUNNER,
            },
        )


def runner_zone(runner: User) -> dt.tzinfo:
    """The runner's own time zone, in which their log's times are shown (UTC without a profile)."""
    name = getattr(getattr(runner, "runner_profile", None), "timezone", "") or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


@dataclass(frozen=True)
class AccessEntry:
    """One entry as the runner reads it."""

    id: int
    at: dt.datetime  # in the runner's time zone
    who: str  # "Your physio Alex Smith"
    what: str  # "your plan"
    kind: str  # "read" or "change"
    action: str  # "read" or "changed"

    @property
    def summary(self) -> str:
        return f"{self.who} {self.action} {self.what}."


def recent_accesses(runner: User) -> QuerySet[DataAccess]:
    """The runner's entries of the last ACCESS_LOG_DAYS days, newest first."""
    since = timezone.now() - dt.timedelta(days=ACCESS_LOG_DAYS)
    return DataAccess.objects.of_runner(runner).filter(at__gte=since)


def access_entry(entry: DataAccess, zone: dt.tzinfo) -> AccessEntry:
    who = AccessActor(entry.actor_kind).label
    return AccessEntry(
        id=entry.pk,
        at=timezone.localtime(entry.at, zone),
        who=f"{who} {entry.actor_name}".strip(),
        what=AccessedData(entry.what).label,
        kind=entry.kind,
        action=AccessKind(entry.kind).label.lower(),
    )
