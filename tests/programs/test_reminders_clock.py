"""The real dispatcher and send service, driven minute by minute across the nights the clocks change: a reminder time
the clocks skip is sent once at the first valid minute after it, one they repeat is sent once, at its first
occurrence."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import RunnerProfile, User
from programs.reminders.dispatch import reminders_dispatch, reminders_reschedule
from programs.reminders.sending import reminders_send
from tests.factories.programs import PlannedSessionFactory
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


NIGHTS = [
    # zone, reminder time, the session's local date, when it must be sent (UTC)
    pytest.param("Europe/London", dt.time(1, 30), dt.date(2026, 3, 29), utc(2026, 3, 29, 1, 0), id="london-skipped"),
    pytest.param("Europe/London", dt.time(1, 30), dt.date(2026, 10, 25), utc(2026, 10, 25, 0, 30), id="london-twice"),
    pytest.param("America/New_York", dt.time(2, 30), dt.date(2026, 3, 8), utc(2026, 3, 8, 7, 0), id="new-york-skipped"),
    pytest.param(
        "America/New_York", dt.time(1, 30), dt.date(2026, 11, 1), utc(2026, 11, 1, 5, 30), id="new-york-twice"
    ),
    pytest.param(
        "Australia/Sydney", dt.time(2, 30), dt.date(2026, 10, 4), utc(2026, 10, 3, 16, 0), id="sydney-skipped"
    ),
    pytest.param("Australia/Sydney", dt.time(2, 30), dt.date(2026, 4, 5), utc(2026, 4, 4, 15, 30), id="sydney-twice"),
]


@pytest.mark.parametrize(("zone", "at", "day", "expected"), NIGHTS)
def test_one_reminder_minute_by_minute_across_a_clock_change(
    runner: User, intake_data: dict[str, Any], zone: str, at: dt.time, day: dt.date, expected: dt.datetime
) -> None:
    plan = create_plan(runner, intake_data, weeks=1)
    PlannedSessionFactory(plan=plan, week_number=1, date=day, kind="mobility")
    RunnerProfile.objects.filter(user=runner).update(
        timezone=zone, reminder_time=at, quiet_hours_start=None, quiet_hours_end=None
    )
    start = expected - dt.timedelta(hours=6)
    sends: list[dt.datetime] = []
    with time_machine.travel(start, tick=False) as clock:
        reminders_reschedule(user_ids=[runner.pk], now=timezone.now())
        for _ in range(12 * 60):
            now = timezone.now()
            batches: list[list[int]] = []
            reminders_dispatch(now=now, enqueue=batches.append)
            for batch in batches:
                reminders_send(reminder_ids=batch, now=now)
            sends.extend(now for _ in range(len(mail.outbox) - len(sends)))
            clock.shift(dt.timedelta(minutes=1))
    assert sends == [expected]
    assert sends[0].astimezone(ZoneInfo(zone)).date() == day
