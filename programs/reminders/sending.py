"""Sending a batch of outbox rows (docs/reminders.md): claim them so no other worker can, leave out what no longer
applies, deliver one message per person and minute, and mark each row as soon as its message is handed over."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from accounts.models import PushSubscription, RunnerProfile
from programs.choices import ReminderKind
from programs.choices import ReminderStatus as Status
from programs.models import DayLog, PlannedSession, Reminder
from programs.reminders import messages
from programs.reminders.delivery import PushTarget, Sender
from programs.reminders.dispatch import absolute_url, reminder_settings, reminders_reschedule
from programs.reminders.schedule import DAILY_KINDS, still_useful
from programs.reminders.times import wall_time


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_ids: list[int] = field(default_factory=list)


def _claim(ids: Sequence[int], now: dt.datetime) -> list[int]:
    """Take the batch's pending rows for this worker. PostgreSQL locks them with SKIP LOCKED so two workers split
    rather than share; elsewhere each row is a conditional UPDATE that only one worker can win."""
    claim = {"status": Status.SENDING, "claimed_at": now, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            claimed = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids, status=Status.PENDING)
                .values_list("pk", flat=True)
            )
            Reminder.objects.filter(pk__in=claimed).update(**claim)
        return claimed
    return [pk for pk in ids if Reminder.objects.filter(pk=pk, status=Status.PENDING).update(**claim)]


@dataclass(frozen=True)
class _Facts:
    """What the send task checks before a daily reminder goes out, read once for the whole batch."""

    logged: set[tuple[int, dt.date]]  # (plan id, date) with a logged session
    morning_recorded: set[tuple[int, dt.date]]  # (runner id, date) with next-morning pain recorded


def _facts(rows: Sequence[Reminder]) -> _Facts:
    follow_ups = [r for r in rows if r.kind in (ReminderKind.MORNING_CHECK, ReminderKind.MISSED_SESSION)]
    if not follow_ups:
        return _Facts(set(), set())
    plan_ids = {r.payload.get("plan_id") for r in follow_ups} - {None}
    days = {r.local_date - dt.timedelta(days=1) for r in follow_ups}
    logged = set(
        PlannedSession.objects.filter(plan_id__in=plan_ids, date__in=days, log__isnull=False)
        .exclude(kind="rest")
        .values_list("plan_id", "date")
    )
    morning = set(
        DayLog.objects.filter(
            runner_id__in={r.user_id for r in follow_ups},
            date__in={r.local_date for r in follow_ups},
            next_morning_pain__isnull=False,
        ).values_list("runner_id", "date")
    )
    return _Facts(logged, morning)


def _why_not(row: Reminder, profile: RunnerProfile | None, facts: _Facts, now: dt.datetime) -> str:
    """Why a claimed row is not sent after all (empty: send it). Settings may have changed since it was queued."""
    if row.kind == ReminderKind.PHYSIO_DIGEST:
        return "" if row.user.digest_enabled else "Digest turned off."
    if profile is None:
        return "No runner settings."
    choices = reminder_settings(profile)
    if not choices.sending_on(wall_time(now, choices.zone).date()):
        return "Reminders paused or off."
    if not choices.kind_on(row.kind):
        return "This kind is turned off."
    if row.kind not in DAILY_KINDS:
        return ""
    window = dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)
    if not still_useful(row.due_at, row.local_date, now, choices.zone, window):
        return "Too late to be useful after an outage."
    yesterday = (row.payload.get("plan_id"), row.local_date - dt.timedelta(days=1))
    if row.kind == ReminderKind.MORNING_CHECK:
        if yesterday not in facts.logged:
            return "Yesterday's session was not logged."
        if (row.user_id, row.local_date) in facts.morning_recorded:
            return "Already recorded this morning."
    if row.kind == ReminderKind.MISSED_SESSION and yesterday in facts.logged:
        return "Yesterday's session was logged."
    return ""


def _message(row: Reminder) -> messages.Message:
    today_url = absolute_url(reverse("programs:home"))
    payload = row.payload
    if row.kind == ReminderKind.SESSION:
        return messages.session_reminder(
            day=row.local_date, lines=payload.get("session", {}).get("lines", []), today_url=today_url
        )
    if row.kind == ReminderKind.MORNING_CHECK:
        return messages.morning_check(
            session_day=row.local_date - dt.timedelta(days=1), check_url=absolute_url(reverse("programs:morning-check"))
        )
    if row.kind == ReminderKind.MISSED_SESSION:
        return messages.missed_session(missed_day=row.local_date - dt.timedelta(days=1), today_url=today_url)
    if row.kind == ReminderKind.PLAN_CHANGED:
        plan_id = payload.get("plan_id")
        plan_url = absolute_url(reverse("programs:plan-changes", args=[plan_id])) if plan_id else today_url
        return messages.plan_changed(
            reasons=payload.get("reasons", []), plan_url=plan_url, red_flag_stop=payload.get("red_flag", False)
        )
    patients = [messages.DigestPatient(p["name"], tuple(p["flags"]), p["url"]) for p in payload.get("patients", [])]
    return messages.physio_digest(patients=patients, patients_url=absolute_url(reverse("programs:patients")))


class _Lease:
    """The rows a send task holds, and since when. A batch that takes long (a slow mail relay) renews its hold before
    the lease runs out, and writes only rows it still holds: rows the dispatcher handed to another worker after the
    lease are left to that worker, so at most the one message in flight at that moment can go twice."""

    def __init__(self, ids: Iterable[int], claimed_at: dt.datetime) -> None:
        self.held = set(ids)
        self.since = claimed_at
        self._claimed_at = claimed_at
        self._started = time.monotonic()

    def now(self) -> dt.datetime:
        return self._claimed_at + dt.timedelta(seconds=time.monotonic() - self._started)

    def keep(self, ids: Sequence[int]) -> bool:
        """Whether all these rows are still held, renewing the hold first once a quarter of the lease has passed."""
        now = self.now()
        if now - self.since > dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS) / 4:
            mine = Reminder.objects.filter(pk__in=self.held, status=Status.SENDING, claimed_at=self.since)
            mine.update(claimed_at=now)
            self.since = now
            self.held = set(
                Reminder.objects.filter(pk__in=self.held, status=Status.SENDING, claimed_at=now).values_list(
                    "pk", flat=True
                )
            )
        return all(pk in self.held for pk in ids)

    def mark(self, ids: list[int], status: str, **fields: Any) -> None:
        Reminder.objects.filter(pk__in=ids, status=Status.SENDING, claimed_at=self.since).update(
            status=status, **fields
        )
        self.held.difference_update(ids)


@contextmanager
def _marks_committed_lazily() -> Iterator[None]:
    """Each person's rows are marked in their own commit, the moment their message is handed over; on PostgreSQL
    those commits do not wait for the disk (a killed worker loses nothing; only a database crash in the next fraction
    of a second could forget a mark and send that message again). Halves a batch's time."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def reminders_send(*, reminder_ids: Sequence[int], now: dt.datetime) -> SendResult:
    """Send a batch: claim its rows, leave out what no longer applies, send one message per person (what fell due at
    the same minute goes together), and mark each person's rows as soon as their message is handed over. Rows that
    met a transient error come back in `retry_ids`, pending again, until REMINDER_MAX_ATTEMPTS."""
    result = SendResult()
    claimed = _claim(reminder_ids, now)
    if not claimed:
        return result
    lease = _Lease(claimed, now)
    rows = list(
        Reminder.objects.filter(pk__in=claimed)
        .select_related("user", "user__runner_profile")
        .order_by("user_id", "due_at", "pk")
    )
    facts = _facts(rows)
    groups: dict[tuple[int, dt.datetime], list[Reminder]] = defaultdict(list)
    for row in rows:
        profile = getattr(row.user, "runner_profile", None) if row.user.is_runner else None
        reason = _why_not(row, profile, facts, now)
        if reason:
            lease.mark([row.pk], Status.SKIPPED, last_error=reason)
            result.skipped += 1
        else:
            groups[(row.user_id, row.due_at)].append(row)
    push: dict[int, list[PushTarget]] = defaultdict(list)
    for sub in PushSubscription.objects.filter(user_id__in={user_id for user_id, _ in groups}):
        push[sub.user_id].append(PushTarget(sub.pk, sub.endpoint, sub.p256dh, sub.auth))
    with Sender() as sender, _marks_committed_lazily():
        for (user_id, _), group in groups.items():
            ids = [row.pk for row in group]
            if not lease.keep(ids):
                continue  # the lease ran out and another worker has these rows now
            message = messages.combined([_message(row) for row in group])
            outcome = sender.send(
                user_id=user_id, email=group[0].user.email, kind=group[0].kind, message=message, push=push[user_id]
            )
            if outcome.status == "sent":
                lease.mark(ids, Status.SENT, sent_at=lease.now(), subject=message.subject, body=message.text)
                result.sent += len(ids)
            elif outcome.status == "retry" and group[0].attempts < settings.REMINDER_MAX_ATTEMPTS:
                lease.mark(ids, Status.PENDING, last_error=outcome.error[:500], enqueued_at=now)
                result.retry_ids.extend(ids)
            else:
                lease.mark(ids, Status.FAILED, last_error=outcome.error[:500])
                result.failed += len(ids)
    daily = {row.user_id for row in rows if row.kind in DAILY_KINDS}
    reminders_reschedule(user_ids=daily, now=now)
    return result
