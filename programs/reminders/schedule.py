"""What a runner is reminded of, and when: pure rules over their settings, their session days and the time.

No clock and no database: the services pass "now", the settings and the plan's session dates. The instants come from
`reminder_times` (one per local date, whatever the clocks do that night).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from programs.reminders.times import next_reminder_at, send_instant, wall_time

# The kinds a runner's daily reminder can carry (programs.choices.ReminderKind values). The morning check and the
# missed-session nudge are both candidates the day after a session: the send task keeps the one that applies (the
# session was logged, or it was not).
SESSION = "session"
MORNING_CHECK = "morning_check"
MISSED_SESSION = "missed_session"
PLAN_CHANGED = "plan_changed"
PHYSIO_DIGEST = "physio_digest"
DAILY_KINDS = (SESSION, MORNING_CHECK, MISSED_SESSION)


@dataclass(frozen=True)
class ReminderSettings:
    """A runner's choices, as RunnerProfile stores them."""

    zone: ZoneInfo
    at: dt.time
    enabled: bool = True
    paused_until: dt.date | None = None
    sessions: bool = True
    morning_check: bool = True
    missed_sessions: bool = True
    plan_changes: bool = True
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None

    def kind_on(self, kind: str) -> bool:
        return {
            SESSION: self.sessions,
            MORNING_CHECK: self.morning_check,
            MISSED_SESSION: self.missed_sessions,
            PLAN_CHANGED: self.plan_changes,
        }.get(kind, True)

    def sending_on(self, day: dt.date) -> bool:
        """Reminders are on and not paused on this local date."""
        return self.enabled and (self.paused_until is None or day > self.paused_until)


@dataclass(frozen=True)
class NextReminder:
    at: dt.datetime  # UTC
    on: dt.date  # the runner's local date it is for
    kinds: tuple[str, ...]


def kinds_on(day: dt.date, settings: ReminderSettings, session_days: Collection[dt.date]) -> tuple[str, ...]:
    """What the reminder of a local date is about: that day's session, and a follow-up of yesterday's."""
    if not settings.sending_on(day):
        return ()
    kinds = []
    if day in session_days:
        kinds.append(SESSION)
    if day - dt.timedelta(days=1) in session_days:
        kinds.extend((MORNING_CHECK, MISSED_SESSION))
    return tuple(kind for kind in kinds if settings.kind_on(kind))


# The follow-ups of a session (the morning check, the missed-session nudge) ask about this morning: they go at the
# runner's reminder time when that is a morning one, else at this time.
MORNING_ENDS = dt.time(12, 0)
MORNING_FOLLOW_UP = dt.time(8, 0)


def follow_up_time(settings: ReminderSettings) -> dt.time:
    return settings.at if settings.at < MORNING_ENDS else MORNING_FOLLOW_UP


def next_reminder(
    now: dt.datetime, settings: ReminderSettings, session_days: Collection[dt.date], *, after: dt.datetime | None = None
) -> NextReminder | None:
    """The runner's next reminder strictly after `after` (default `now`), moved out of their quiet hours, or None
    when nothing is planned within the horizon. `after` earlier than now keeps a reminder that is due but not yet
    dispatched from being stepped over when the settings or the plan change at that very minute.

    A day's session reminder goes at the runner's time; the follow-ups of yesterday's session at `follow_up_time`.
    When both times are the same, one reminder carries both."""
    if not session_days:
        return None
    since = after or now
    zone = settings.zone
    times = {SESSION: settings.at, MORNING_CHECK: follow_up_time(settings), MISSED_SESSION: follow_up_time(settings)}

    def first_instant(at: dt.time) -> dt.datetime | None:
        kinds = {kind for kind, time in times.items() if time == at}
        return next_reminder_at(
            since, at=at, zone=zone, due_on=lambda day: bool(kinds & set(kinds_on(day, settings, session_days)))
        )

    instants = [instant for at in set(times.values()) if (instant := first_instant(at)) is not None]
    if not instants:
        return None
    instant = min(instants)
    day = wall_time(instant, zone).date()
    kinds = tuple(k for k in kinds_on(day, settings, session_days) if send_instant(day, times[k], zone) == instant)
    return NextReminder(at=outside_quiet_hours(instant, settings), on=day, kinds=kinds)


def in_quiet_hours(local: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Quiet hours include their start and exclude their end; they may run over midnight (22:00 to 07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def outside_quiet_hours(instant: dt.datetime, settings: ReminderSettings) -> dt.datetime:
    """The instant itself, or the end of the quiet hours it falls in (on the runner's clock)."""
    start, end = settings.quiet_start, settings.quiet_end
    local = wall_time(instant, settings.zone)
    if not in_quiet_hours(local.time(), start, end):
        return instant
    assert end is not None  # in_quiet_hours is false without both ends
    end_day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return send_instant(end_day, end, settings.zone)


# Ordinary delay between a reminder's time and its sending (the next minute's dispatcher, a busy queue): a reminder
# this late is sent even when midnight came in between.
ORDINARY_DELAY = dt.timedelta(minutes=15)


def still_useful(due_at: dt.datetime, on: dt.date, now: dt.datetime, zone: ZoneInfo, window: dt.timedelta) -> bool:
    """After an outage, a daily reminder is still sent only on its own local date and within `window` of its time;
    anything older is skipped, never sent in a burst. Ordinary delays never skip one."""
    late = now - due_at
    return late <= ORDINARY_DELAY or (late <= window and wall_time(now, zone).date() == on)


def plan_change_due(now: dt.datetime, settings: ReminderSettings, delay: dt.timedelta) -> dt.datetime:
    """When news of a plan change goes out: after a short wait that gathers changes made together, outside quiet
    hours."""
    return outside_quiet_hours(now + delay, settings)
