"""When a runner's next reminder is due, as an instant in UTC, from the local time they chose and their time zone.

Pure: no clock and no database; the caller passes "now" and which local dates have something to remind of. Local
time follows the zone's rules (zoneinfo), so a date has exactly one reminder whatever the clocks do that night:
- a chosen time that does not exist that day (the clocks went forward over it) is sent at the first valid minute
  after it: the moment the clocks changed;
- a chosen time that happens twice (the clocks went back over it) is sent once, at its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

UTC = dt.UTC
# Beyond this, a runner with nothing planned has no next reminder (a plan is at most rules_config.MAX_PLAN_WEEKS).
HORIZON_DAYS = 366


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The runner's zone, or UTC for none or a name zoneinfo does not know (never an error in a reminder)."""
    try:
        return ZoneInfo(name or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def wall_time(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The naive local date and time an instant shows on the runner's clock."""
    return instant.astimezone(zone).replace(tzinfo=None)


def send_instant(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of local time `at` on `day` in `zone`: the first occurrence when it happens twice, the first
    valid minute after it when the clocks skip it."""
    wanted = dt.datetime.combine(day, at.replace(second=0, microsecond=0))
    first = wanted.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if wall_time(first, zone) == wanted:
        return first
    # Skipped: fold=1 reads the time with the offset after the change, which lands before the change; from there
    # the first minute whose wall time reaches the wanted time is the change itself (gaps are at most an hour).
    instant = wanted.replace(tzinfo=zone, fold=1).astimezone(UTC)
    while wall_time(instant, zone) < wanted:
        instant += dt.timedelta(minutes=1)
    return instant


def next_reminder_at(
    now: dt.datetime,
    *,
    at: dt.time,
    zone: ZoneInfo,
    due_on: Callable[[dt.date], bool],
    horizon_days: int = HORIZON_DAYS,
) -> dt.datetime | None:
    """The first reminder instant strictly after `now` on a local date for which `due_on` is true, or None when none
    falls within `horizon_days`. Computing it again from the instant just sent gives the next date's: one a date."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = wall_time(now, zone).date()
    for offset in range(horizon_days + 1):
        day = today + dt.timedelta(days=offset)
        if not due_on(day):
            continue
        instant = send_instant(day, at, zone)
        if instant > now:
            return instant
    return None
