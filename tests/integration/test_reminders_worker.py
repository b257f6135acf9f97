"""The reminder engine end to end: the dispatcher and send tasks in a real Celery worker (prefork, two processes)
on a private Redis, e-mail to an SMTP sink in this process, the test database as the outbox.

Each runner must get exactly one e-mail whatever happens to the worker or the broker: many due at once, a worker
killed in the middle of a batch, a mail server stalling one batch past its lease (only the message in flight may go
twice), and Redis gone for a while (after which only what is still useful is sent).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Sequence

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import User
from programs.choices import ReminderStatus
from programs.models import Reminder
from programs.reminders.dispatch import reminders_dispatch
from tests.integration.rig import LEASE_SECONDS, ZONES, Rig, runners_bulk_create, wait_until, zones_away_from_midnight

pytestmark = [
    pytest.mark.integration,
    # serialized_rollback: the flush after a transactional test would take the catalogue's migration data with it
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _emails(user_ids: Sequence[int]) -> set[str]:
    return set(User.objects.filter(pk__in=user_ids).values_list("email", flat=True))


def _assert_one_email_each(rig: Rig, user_ids: Sequence[int]) -> None:
    received = Counter(rig.sink.handler.recipients())
    expected = _emails(user_ids)
    twice = {email: n for email, n in received.items() if n > 1}
    assert not twice, f"{len(twice)} runners got more than one e-mail, e.g. {list(twice.items())[:3]}"
    missing = expected - set(received)
    assert not missing, f"{len(missing)} runners got no e-mail, e.g. {sorted(missing)[:3]}"


def _assert_all_sent(user_ids: Sequence[int]) -> None:
    rows = Reminder.objects.filter(user_id__in=user_ids)
    assert rows.count() == len(user_ids), "one session reminder row per runner"
    assert dict(Counter(rows.values_list("status", flat=True))) == {ReminderStatus.SENT: len(user_ids)}
    assert not rows.filter(attempts__lt=1).exists()
    assert not rows.filter(sent_at__isnull=True).exists()


def _sent(user_ids: Sequence[int]) -> int:
    return Reminder.objects.filter(user_id__in=user_ids, status=ReminderStatus.SENT).count()


def test_a_thousand_runners_due_at_once_get_one_email_each(rig: Rig) -> None:
    due = timezone.now() - dt.timedelta(minutes=1)
    zones = zones_away_from_midnight(due, since=dt.timedelta(0))
    runners = runners_bulk_create([due] * 1000, zones=zones, email_prefix="due")
    rig.start_worker()

    rig.dispatch()
    assert wait_until(lambda: _sent(runners) == len(runners), timeout=40), f"{_sent(runners)} of 1000 sent"
    assert wait_until(rig.idle, timeout=10)
    # The next minute's dispatcher finds nothing more to do.
    rig.dispatch()
    time.sleep(1)
    assert wait_until(rig.idle, timeout=10)

    _assert_one_email_each(rig, runners)
    assert rig.sink.handler.count() == len(runners)
    _assert_all_sent(runners)
    message_ids = [d.message_id for d in rig.sink.handler.delivered]
    assert all(message_ids) and len(set(message_ids)) == len(message_ids)
    assert {d.subject for d in rig.sink.handler.delivered} <= set(
        Reminder.objects.filter(user_id__in=runners).values_list("subject", flat=True)
    )


def test_a_worker_killed_in_the_middle_of_a_batch_loses_and_repeats_nothing(rig: Rig) -> None:
    due = timezone.now() - dt.timedelta(minutes=1)
    zones = zones_away_from_midnight(due, since=dt.timedelta(0))
    runners = runners_bulk_create([due] * 1000, zones=zones, email_prefix="killed")
    # Both pool processes are sending (two batches of 500): the 300th message, and each one after it, waits before
    # DATA, so the sink has not accepted it when the worker dies.
    rig.sink.handler.hold_from(300)
    first = rig.start_worker()
    rig.dispatch()
    assert rig.sink.handler.holding.wait(timeout=30), "the sink never saw the 300th message"
    # Let the other process reach its next message too: every message accepted so far has had its row marked.
    wait_until(lambda: rig.sink.handler.held >= 2, timeout=3)
    first.kill()
    accepted = rig.sink.handler.count()
    left_sending = Reminder.objects.filter(user_id__in=runners, status=ReminderStatus.SENDING).count()
    assert 0 < accepted < len(runners)
    assert left_sending > 0, "the worker died holding claimed rows"

    rig.sink.handler.release()
    rig.start_worker()
    # Beat, quickened: the rows the dead worker claimed come back once their lease is over.
    deadline = time.monotonic() + 45
    while _sent(runners) < len(runners) and time.monotonic() < deadline:
        time.sleep(LEASE_SECONDS + 1)
        rig.dispatch()
        wait_until(rig.idle, timeout=10)
    assert _sent(runners) == len(runners), f"{_sent(runners)} of 1000 sent"
    assert wait_until(rig.idle, timeout=10)

    _assert_one_email_each(rig, runners)
    assert rig.sink.handler.count() == len(runners)
    _assert_all_sent(runners)
    assert Reminder.objects.filter(user_id__in=runners, attempts__gte=2).count() >= left_sending


def test_a_batch_slower_than_its_lease_sends_only_the_message_in_flight_twice(rig: Rig) -> None:
    due = timezone.now() - dt.timedelta(minutes=1)
    zones = zones_away_from_midnight(due, since=dt.timedelta(0))
    runners = runners_bulk_create([due] * 1000, zones=zones, email_prefix="slow")
    # One connection stalls on its 300th message (a slow mail server) past the lease; the other batch finishes.
    rig.sink.handler.hold_one(300)
    rig.start_worker()
    rig.dispatch()
    assert rig.sink.handler.holding.wait(timeout=30), "the sink never saw the 300th message"
    assert wait_until(
        lambda: Reminder.objects.filter(user_id__in=runners, status=ReminderStatus.SENDING).count() < 500, timeout=20
    ), "the other batch finished"
    time.sleep(LEASE_SECONDS + 1)
    # The next minute's dispatcher takes the stalled batch's rows back and asks for them again.
    rig.dispatch()
    wait_until(lambda: _sent(runners) >= len(runners) - 1, timeout=20)
    rig.sink.handler.release()
    assert wait_until(lambda: _sent(runners) == len(runners), timeout=20), f"{_sent(runners)} of 1000 sent"
    assert wait_until(rig.idle, timeout=10)
    time.sleep(1)

    # The stalled message itself was in flight when its lease ran out, so another worker sent it too; nothing else
    # of that batch goes twice. (In production the lease, 600 s, is far above the SMTP timeout, 30 s.)
    stalled = set(rig.sink.handler.held_recipients)
    received = Counter(rig.sink.handler.recipients())
    assert {email for email, n in received.items() if n > 1} <= stalled
    assert set(received) == _emails(runners)
    assert rig.sink.handler.count() <= len(runners) + len(stalled)
    _assert_all_sent(runners)


def test_after_a_redis_outage_only_todays_recent_reminders_are_sent(rig: Rig) -> None:
    now = timezone.now()
    catch_up = dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)
    recent_at, old_at = now - dt.timedelta(hours=1), now - catch_up - dt.timedelta(minutes=30)
    zones = zones_away_from_midnight(now, since=dt.timedelta(hours=1))
    # Before Redis went down, a dispatcher made these runners' rows and enqueued them; the messages went with Redis.
    lost_old = runners_bulk_create([old_at] * 60, zones=ZONES, email_prefix="lostold")
    _dispatch_and_lose_the_messages(now=old_at)
    lost = runners_bulk_create([recent_at] * 60, zones=zones, email_prefix="lost")
    _dispatch_and_lose_the_messages(now=recent_at)
    # Due while Redis was down, so no dispatcher ran for them.
    recent = runners_bulk_create([recent_at] * 60, zones=zones, email_prefix="recent")
    old = runners_bulk_create([old_at] * 60, zones=ZONES, email_prefix="old")

    worker = rig.start_worker()
    rig.redis.stop()
    time.sleep(3)
    assert not worker.answers()
    rig.redis.start()  # empty: nothing queued before the outage survives
    assert wait_until(worker.answers, timeout=30, every=0.5), "the worker did not reconnect to Redis"

    rig.dispatch()
    assert wait_until(lambda: _sent(recent + lost) == len(recent + lost), timeout=30)
    assert wait_until(rig.idle, timeout=10)

    _assert_one_email_each(rig, recent + lost)
    assert rig.sink.handler.count() == len(recent + lost), "nothing older than the catch-up window is sent"
    _assert_all_sent(recent + lost)
    skipped = Reminder.objects.filter(user_id__in=old + lost_old)
    assert skipped.count() == len(old + lost_old)
    assert set(skipped.values_list("status", flat=True)) == {ReminderStatus.SKIPPED}


def _dispatch_and_lose_the_messages(*, now: dt.datetime) -> None:
    lost: list[list[int]] = []
    reminders_dispatch(now=now, enqueue=lost.append)
    assert lost, "the dispatcher enqueued the rows it made"
