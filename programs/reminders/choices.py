"""The rules a runner's reminder choices must follow (pure: no ORM, no clock), shared by the settings page and the
API (through `programs.services.runner_settings`), so each says the same thing in the same words. What counts as quiet is the
reminder engine's own rule, so a time refused here is exactly one the engine would hold back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from programs.reminders.schedule import in_quiet_hours

QUIET_HOURS_ONE_END = "Give both ends of your quiet hours, or neither."
QUIET_HOURS_EMPTY = "Quiet hours need a start and an end that differ."
REMINDER_IN_QUIET_HOURS = "Your reminder time falls in your quiet hours: choose another time or change the quiet hours."
PAUSE_IN_THE_PAST = "Choose today or a later date."
# A break, not a way to stop reminders for good (that is the switch above it): up to a year ahead.
PAUSE_MAX_DAYS = 366
PAUSE_TOO_LONG = "Pause for a year at most; to stop reminders altogether, turn them off."

# Which RunnerProfile switch turns each kind of reminder on or off.
KIND_SWITCHES = {
    "session": "remind_sessions",
    "morning_check": "remind_morning_check",
    "missed_session": "remind_missed_sessions",
    "plan_changed": "remind_plan_changes",
}


@dataclass(frozen=True)
class ReminderChoices:
    reminder_time: dt.time
    quiet_hours_start: dt.time | None
    quiet_hours_end: dt.time | None
    reminders_paused_until: dt.date | None


def reminder_choice_problems(new: ReminderChoices, *, stored: ReminderChoices, today: dt.date) -> dict[str, list[str]]:
    """What is wrong with the new choices, by field (empty when nothing is).

    Only what changes is judged against the others: a pause that has since run out, or a reminder time that the
    quiet hours (added later, with a default) now cover, must not block saving an unrelated setting."""
    problems: dict[str, list[str]] = {}
    start, end = new.quiet_hours_start, new.quiet_hours_end
    if (start is None) != (end is None):
        problems["quiet_hours_start" if start is None else "quiet_hours_end"] = [QUIET_HOURS_ONE_END]
    elif start is not None and start == end:
        problems["quiet_hours_end"] = [QUIET_HOURS_EMPTY]
    else:
        timing_changed = (new.reminder_time, start, end) != (
            stored.reminder_time,
            stored.quiet_hours_start,
            stored.quiet_hours_end,
        )
        if timing_changed and in_quiet_hours(new.reminder_time, start, end):
            problems["reminder_time"] = [REMINDER_IN_QUIET_HOURS]
    paused_until = new.reminders_paused_until
    if paused_until is not None and paused_until != stored.reminders_paused_until:
        if paused_until < today:
            problems["reminders_paused_until"] = [PAUSE_IN_THE_PAST]
        elif paused_until > today + dt.timedelta(days=PAUSE_MAX_DAYS):
            problems["reminders_paused_until"] = [PAUSE_TOO_LONG]
    return problems
