"""What a runner is reminded of and when (programs.reminders.schedule): pure, no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from programs.reminders.schedule import (
    MISSED_SESSION,
    MORNING_CHECK,
    SESSION,
    ReminderSettings,
    in_quiet_hours,
    kinds_on,
    next_reminder,
    outside_quiet_hours,
    plan_change_due,
    still_useful,
)

LONDON = ZoneInfo("Europe/London")
MON, TUE, WED = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)
SEVEN_THIRTY = ReminderSettings(zone=LONDON, at=dt.time(7, 30))


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_session_day_is_reminded_of_its_session_and_the_next_day_of_a_follow_up() -> None:
    assert kinds_on(MON, SEVEN_THIRTY, {MON}) == (SESSION,)
    assert kinds_on(TUE, SEVEN_THIRTY, {MON}) == (MORNING_CHECK, MISSED_SESSION)
    assert kinds_on(TUE, SEVEN_THIRTY, {MON, TUE}) == (SESSION, MORNING_CHECK, MISSED_SESSION)
    assert kinds_on(WED, SEVEN_THIRTY, {MON}) == ()


def test_kinds_turned_off_are_left_out_and_a_pause_or_off_switch_leaves_out_everything() -> None:
    no_follow_ups = ReminderSettings(zone=LONDON, at=dt.time(7, 30), morning_check=False, missed_sessions=False)
    assert kinds_on(TUE, no_follow_ups, {MON, TUE}) == (SESSION,)
    assert kinds_on(TUE, ReminderSettings(zone=LONDON, at=dt.time(7, 30), sessions=False), {TUE}) == ()
    paused = ReminderSettings(zone=LONDON, at=dt.time(7, 30), paused_until=TUE)
    assert kinds_on(TUE, paused, {TUE}) == ()
    assert kinds_on(WED, paused, {WED}) == (SESSION,), "the pause ends after its last day"
    assert kinds_on(TUE, ReminderSettings(zone=LONDON, at=dt.time(7, 30), enabled=False), {TUE}) == ()


def test_the_next_reminder_is_the_next_day_with_something_to_say_at_the_runners_local_time() -> None:
    sydney = ReminderSettings(zone=ZoneInfo("Australia/Sydney"), at=dt.time(6, 45), quiet_start=None, quiet_end=None)
    upcoming = next_reminder(utc(2026, 11, 22, 12), sydney, {WED})
    assert upcoming is not None
    assert (upcoming.on, upcoming.kinds) == (WED, (SESSION,))
    assert upcoming.at == utc(2026, 11, 24, 19, 45)  # 06:45 on Wednesday in Sydney (UTC+11)
    assert next_reminder(utc(2026, 11, 22, 12), sydney, set()) is None


def test_a_due_reminder_not_yet_dispatched_is_kept_when_its_runner_changes_something() -> None:
    due = utc(2026, 11, 23, 7, 30)
    later = utc(2026, 11, 23, 7, 30, 40)
    kept = next_reminder(later, SEVEN_THIRTY, {MON, WED}, after=due - dt.timedelta(microseconds=1))
    assert kept is not None and kept.at == due
    moved_on = next_reminder(later, SEVEN_THIRTY, {MON, WED})
    assert moved_on is not None and moved_on.on == TUE


@pytest.mark.parametrize(
    ("local", "expected"),
    [(dt.time(21, 59), False), (dt.time(22, 0), True), (dt.time(3, 0), True), (dt.time(7, 0), False)],
)
def test_quiet_hours_may_run_over_midnight(local: dt.time, expected: bool) -> None:
    assert in_quiet_hours(local, dt.time(22, 0), dt.time(7, 0)) is expected


def test_quiet_hours_within_a_day_and_none() -> None:
    assert in_quiet_hours(dt.time(13, 0), dt.time(12, 0), dt.time(14, 0))
    assert not in_quiet_hours(dt.time(14, 0), dt.time(12, 0), dt.time(14, 0))
    assert not in_quiet_hours(dt.time(13, 0), None, None)


def test_a_reminder_in_quiet_hours_waits_for_their_end_on_the_runners_clock() -> None:
    quiet = ReminderSettings(zone=LONDON, at=dt.time(6, 0), quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    upcoming = next_reminder(utc(2026, 11, 22, 12), quiet, {MON})
    assert upcoming is not None and upcoming.at == utc(2026, 11, 23, 7, 0) and upcoming.on == MON
    evening = utc(2026, 11, 23, 22, 30)  # 22:30 in London: quiet until 07:00 the next morning
    assert outside_quiet_hours(evening, quiet) == utc(2026, 11, 24, 7, 0)
    assert outside_quiet_hours(utc(2026, 11, 23, 12), quiet) == utc(2026, 11, 23, 12)


def test_quiet_hours_end_on_a_clock_change_day_is_read_on_the_local_clock() -> None:
    quiet = ReminderSettings(zone=LONDON, at=dt.time(8, 0), quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    # 29 March 2026: London goes from GMT to BST at 01:00 UTC; 07:00 local is 06:00 UTC.
    assert outside_quiet_hours(utc(2026, 3, 28, 23, 0), quiet) == utc(2026, 3, 29, 6, 0)


def test_plan_change_news_waits_a_little_and_never_in_quiet_hours() -> None:
    quiet = ReminderSettings(zone=LONDON, at=dt.time(8, 0), quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    delay = dt.timedelta(minutes=15)
    assert plan_change_due(utc(2026, 11, 23, 12), quiet, delay) == utc(2026, 11, 23, 12, 15)
    assert plan_change_due(utc(2026, 11, 23, 21, 50), quiet, delay) == utc(2026, 11, 24, 7, 0)


def test_after_an_outage_only_todays_reminder_within_the_window_is_still_useful() -> None:
    window = dt.timedelta(hours=3)
    due = utc(2026, 11, 23, 7, 30)
    assert still_useful(due, MON, utc(2026, 11, 23, 10, 30), LONDON, window)
    assert not still_useful(due, MON, utc(2026, 11, 23, 10, 31), LONDON, window)
    late_evening = utc(2026, 11, 23, 23, 0)
    assert not still_useful(late_evening, MON, utc(2026, 11, 24, 0, 30), LONDON, window), "yesterday's is too old"


def test_a_reminder_just_before_midnight_is_still_sent_a_few_minutes_after_it() -> None:
    window = dt.timedelta(hours=3)
    due = utc(2026, 11, 23, 23, 59)  # 23:59 in London
    assert still_useful(due, MON, utc(2026, 11, 24, 0, 1), LONDON, window)
    assert not still_useful(due, MON, utc(2026, 11, 24, 0, 30), LONDON, window)


def test_an_evening_runner_gets_the_session_reminder_in_the_evening_and_the_morning_check_in_the_morning() -> None:
    evening = ReminderSettings(zone=LONDON, at=dt.time(18, 0))
    days = {MON, TUE}
    monday = next_reminder(utc(2026, 11, 22, 12), evening, days)
    assert monday is not None and (monday.at, monday.kinds) == (utc(2026, 11, 23, 18), (SESSION,))
    tuesday_morning = next_reminder(monday.at, evening, days)
    assert tuesday_morning is not None
    assert (tuesday_morning.at, tuesday_morning.on) == (utc(2026, 11, 24, 8), TUE)
    assert tuesday_morning.kinds == (MORNING_CHECK, MISSED_SESSION)
    tuesday_evening = next_reminder(tuesday_morning.at, evening, days)
    assert tuesday_evening is not None and (tuesday_evening.at, tuesday_evening.kinds) == (
        utc(2026, 11, 24, 18),
        (SESSION,),
    )


def test_a_morning_runner_gets_the_days_session_and_yesterdays_follow_up_together() -> None:
    upcoming = next_reminder(utc(2026, 11, 23, 8), SEVEN_THIRTY, {MON, TUE})
    assert upcoming is not None and upcoming.at == utc(2026, 11, 24, 7, 30)
    assert upcoming.kinds == (SESSION, MORNING_CHECK, MISSED_SESSION)
