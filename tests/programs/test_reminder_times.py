"""The next reminder instant, for every local time on a 15-minute grid over a whole year in six time zones: exactly one
reminder per local date, a time the clocks skip sent at the first valid minute after it, a time they repeat sent once
(at its first occurrence). Pure: no database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from programs.reminders.times import UTC, next_reminder_at, send_instant, wall_time

ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # the clocks move by 30 minutes
    "America/Sao_Paulo",  # no daylight saving since 2019
    "Asia/Kathmandu",  # +05:45
)
GRID = tuple(dt.time(minutes // 60, minutes % 60) for minutes in range(0, 24 * 60, 15))
YEAR = 2026
DAYS = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 1, 1)).days


def every_day(day: dt.date) -> bool:
    return True


def _year_of_reminders(zone: ZoneInfo, at: dt.time) -> list[dt.datetime]:
    """Every reminder of the year, each computed from the one before, as the dispatcher does after each send."""
    now = dt.datetime(YEAR, 1, 1, tzinfo=zone).astimezone(UTC) - dt.timedelta(microseconds=1)
    sent = []
    while True:
        instant = next_reminder_at(now, at=at, zone=zone, due_on=every_day)
        assert instant is not None
        if wall_time(instant, zone).year > YEAR:
            return sent
        sent.append(instant)
        now = instant


def _exists(day: dt.date, at: dt.time, zone: ZoneInfo) -> bool:
    wanted = dt.datetime.combine(day, at)
    return wall_time(wanted.replace(tzinfo=zone).astimezone(UTC), zone) == wanted


@pytest.mark.parametrize("name", ZONES)
def test_every_grid_time_gives_one_reminder_per_local_date_all_year(name: str) -> None:
    zone = ZoneInfo(name)
    skipped = repeated = 0
    for at in GRID:
        sent = _year_of_reminders(zone, at)
        dates = [wall_time(instant, zone).date() for instant in sent]
        assert dates == [dt.date(YEAR, 1, 1) + dt.timedelta(days=n) for n in range(DAYS)], (name, at)
        for instant, day in zip(sent, dates, strict=True):
            wanted = dt.datetime.combine(day, at)
            shown = wall_time(instant, zone)
            if _exists(day, at, zone):
                assert shown == wanted, (name, at, day)
                earlier = dt.datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)
                assert instant == earlier, (name, at, day)  # the first of two occurrences
                if earlier != dt.datetime.combine(day, at).replace(tzinfo=zone, fold=1).astimezone(UTC):
                    repeated += 1
            else:
                # The clocks skipped it: the first valid minute after, and no minute before it shows a later time.
                skipped += 1
                assert shown > wanted and shown - wanted <= dt.timedelta(hours=1), (name, at, day)
                assert wall_time(instant - dt.timedelta(minutes=1), zone) < wanted, (name, at, day)
    if name in ("America/Sao_Paulo", "Asia/Kathmandu"):
        assert skipped == repeated == 0
    else:
        assert skipped > 0 and repeated > 0  # the year's two changes were on the grid


@pytest.mark.parametrize(
    ("name", "day", "at", "expected_utc"),
    [
        # 29 Mar 2026: London's clocks go from 01:00 GMT to 02:00 BST; 01:30 is sent at 02:00 BST.
        ("Europe/London", dt.date(2026, 3, 29), dt.time(1, 30), dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
        # 8 Mar 2026: New York skips 02:00-03:00 EST/EDT.
        ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 15), dt.datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        # 4 Oct 2026: Lord Howe goes from 02:00 (+10:30) to 02:30 (+11).
        ("Australia/Lord_Howe", dt.date(2026, 10, 4), dt.time(2, 15), dt.datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
        # 25 Oct 2026: London repeats 01:00-02:00; 01:30 is sent once, at its first occurrence (BST).
        ("Europe/London", dt.date(2026, 10, 25), dt.time(1, 30), dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("Asia/Kathmandu", dt.date(2026, 6, 1), dt.time(7, 30), dt.datetime(2026, 6, 1, 1, 45, tzinfo=UTC)),
    ],
)
def test_transition_nights_by_hand(name: str, day: dt.date, at: dt.time, expected_utc: dt.datetime) -> None:
    assert send_instant(day, at, ZoneInfo(name)) == expected_utc


def test_only_dates_with_something_planned_get_a_reminder() -> None:
    zone = ZoneInfo("Europe/London")
    session_days = {dt.date(2026, 11, 23), dt.date(2026, 11, 26)}
    now = dt.datetime(2026, 11, 21, 12, tzinfo=UTC)
    first = next_reminder_at(now, at=dt.time(7, 30), zone=zone, due_on=session_days.__contains__)
    assert first == dt.datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
    second = next_reminder_at(first, at=dt.time(7, 30), zone=zone, due_on=session_days.__contains__)
    assert second == dt.datetime(2026, 11, 26, 7, 30, tzinfo=UTC)
    assert next_reminder_at(second, at=dt.time(7, 30), zone=zone, due_on=session_days.__contains__) is None


def test_today_is_kept_while_its_time_is_still_to_come() -> None:
    zone = ZoneInfo("Australia/Sydney")
    before = dt.datetime(2026, 11, 21, 19, 0, tzinfo=UTC)  # 06:00 on the 22nd in Sydney (+11)
    assert next_reminder_at(before, at=dt.time(6, 30), zone=zone, due_on=every_day) == dt.datetime(
        2026, 11, 21, 19, 30, tzinfo=UTC
    )
    assert next_reminder_at(before, at=dt.time(5, 30), zone=zone, due_on=every_day) == dt.datetime(
        2026, 11, 22, 18, 30, tzinfo=UTC
    )


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_reminder_at(dt.datetime(2026, 1, 1), at=dt.time(7), zone=ZoneInfo("UTC"), due_on=every_day)


# The two transition nights of 2026 in each zone that has them (local dates).
TRANSITIONS = {
    "Europe/London": (dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    "America/New_York": (dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
    "Australia/Sydney": (dt.date(2026, 4, 5), dt.date(2026, 10, 4)),
    "Australia/Lord_Howe": (dt.date(2026, 4, 5), dt.date(2026, 10, 4)),
}


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_a_minute_by_minute_walk_across_both_transition_nights_sends_once_a_date(name: str) -> None:
    """A dispatcher that wakes every minute, sends what is due and computes the next: one send per local date."""
    zone = ZoneInfo(name)
    for night in TRANSITIONS[name]:
        for at in GRID[: 4 * 4]:  # 00:00 to 03:45, where the clocks change
            midnight = dt.datetime.combine(night - dt.timedelta(days=1), dt.time(0), tzinfo=zone).astimezone(UTC)
            start = midnight - dt.timedelta(minutes=1)
            end = dt.datetime.combine(night + dt.timedelta(days=2), dt.time(0), tzinfo=zone).astimezone(UTC)
            due = next_reminder_at(start, at=at, zone=zone, due_on=every_day)
            sent: list[dt.date] = []
            minute = start
            while minute < end:
                while due is not None and due <= minute:
                    sent.append(wall_time(due, zone).date())
                    due = next_reminder_at(due, at=at, zone=zone, due_on=every_day)
                minute += dt.timedelta(minutes=1)
            assert sent == [night + dt.timedelta(days=n) for n in (-1, 0, 1)], (name, night, at)
