"""Reminders through the outbox (docs/reminders.md): the database remembers what is due and what was sent; Redis
only carries the request to send a batch, so losing it delays reminders and loses none.

- `reminders_reschedule` stores each runner's next daily reminder (UTC instant, local date, what it is about) on
  their profile, after every send and whenever their settings or plan change.
- `reminders_dispatch` (every minute) turns the profiles whose instant has come into outbox rows with one insert that
  ignores rows already there, skips what is too old to be useful, asks again for rows whose send was lost, and
  enqueues send tasks in batches. It reads only due profiles and due rows, through indexes.
- `reminder_sending.reminders_send` claims a batch's rows (a row is claimed once, so two workers or two
  dispatchers never send it twice), writes and delivers each person's message, and marks the rows.
News that is not tied to a reminder time (plan changes, the physio digest) is in `reminder_news`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery

from accounts.models import RunnerProfile
from programs.choices import PlanStatus
from programs.choices import ReminderStatus as Status
from programs.models import Plan, PlannedSession, Reminder
from programs.reminders.schedule import DAILY_KINDS, ReminderSettings, next_reminder, still_useful
from programs.reminders.selectors import session_lines
from programs.reminders.times import zone_or_utc

logger = logging.getLogger(__name__)

# How far ahead the next reminder is looked for; a runner with nothing planned that far is looked at again by the
# hourly sweep (`reminders_reschedule_unscheduled`).
LOOKAHEAD_DAYS = 62
# Profiles taken per transaction by the dispatcher: bounds the locks held and the memory used.
DISPATCH_CHUNK = 5000


def reminder_settings(profile: RunnerProfile) -> ReminderSettings:
    return ReminderSettings(
        zone=zone_or_utc(profile.timezone),
        at=profile.reminder_time,
        enabled=profile.reminders_enabled,
        paused_until=profile.reminders_paused_until,
        sessions=profile.remind_sessions,
        morning_check=profile.remind_morning_check,
        missed_sessions=profile.remind_missed_sessions,
        plan_changes=profile.remind_plan_changes,
        quiet_start=profile.quiet_hours_start,
        quiet_end=profile.quiet_hours_end,
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- scheduling -------------------------------------------------------------------------------------------------


def _with_current_plan(user_ids: Sequence[int]) -> list[RunnerProfile]:
    """The runners' profiles, each with `current_plan`: the id of the plan in use that has sessions to remind of, the
    newest active one (None without one). One query: this runs after every write to a plan."""
    newest_active = (
        Plan.objects.filter(runner_id=OuterRef("user_id"), status=PlanStatus.ACTIVE)
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return list(RunnerProfile.objects.filter(user_id__in=user_ids).annotate(current_plan=Subquery(newest_active)))


def _session_days(plan_ids: Iterable[int], first: dt.date, last: dt.date) -> dict[int, set[dt.date]]:
    days: dict[int, set[dt.date]] = defaultdict(set)
    rows = (
        PlannedSession.objects.filter(plan_id__in=list(plan_ids), date__gte=first, date__lte=last)
        .exclude(kind="rest")
        .values_list("plan_id", "date")
        .distinct()
    )
    for plan_id, day in rows:
        days[plan_id].add(day)
    return days


def reminders_reschedule(*, user_ids: Iterable[int], now: dt.datetime) -> int:
    """Compute and store the next daily reminder of these runners; returns how many have one. A reminder whose
    instant has come but that the dispatcher has not taken yet is kept, not stepped over."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    profiles = _with_current_plan(ids)
    annotated = ((p.user_id, p.current_plan) for p in profiles)  # type: ignore[attr-defined]  # annotate()'s
    plans = {user_id: plan_id for user_id, plan_id in annotated if plan_id is not None}
    today = now.date()
    days = _session_days(plans.values(), today - dt.timedelta(days=2), today + dt.timedelta(days=LOOKAHEAD_DAYS))
    chosen: dict[int, tuple[RunnerProfile, Any]] = {}
    for profile in profiles:
        plan_id = plans.get(profile.user_id)
        after = min(now, profile.next_reminder_at - dt.timedelta(microseconds=1)) if profile.next_reminder_at else now
        planned = days.get(plan_id, set()) if plan_id is not None else set()
        upcoming = next_reminder(now, reminder_settings(profile), planned, after=after)
        chosen[profile.user_id] = (profile, upcoming)
    lines = session_lines(
        (plans[user_id], upcoming.on)
        for user_id, (_, upcoming) in chosen.items()
        if upcoming is not None and "session" in upcoming.kinds
    )
    changed = []
    for user_id, (profile, upcoming) in chosen.items():
        stored = (profile.next_reminder_at, profile.next_reminder_on, profile.next_reminder)
        if upcoming is None:
            profile.next_reminder_at, profile.next_reminder_on, profile.next_reminder = None, None, {}
        else:
            plan_id = plans[user_id]
            profile.next_reminder_at, profile.next_reminder_on = upcoming.at, upcoming.on
            profile.next_reminder = {
                "kinds": list(upcoming.kinds),
                "plan_id": plan_id,
                "session": {"lines": lines.get((plan_id, upcoming.on), [])},
            }
        if (profile.next_reminder_at, profile.next_reminder_on, profile.next_reminder) != stored:
            changed.append(profile)
    fields = ("next_reminder_at", "next_reminder_on", "next_reminder")
    if (
        len(changed) == 1
    ):  # one runner's write (the common case): a plain UPDATE, not bulk_update's CASE in a transaction
        RunnerProfile.objects.filter(pk=changed[0].pk).update(**{f: getattr(changed[0], f) for f in fields})
    else:
        # Small batches: one UPDATE … CASE over many rows costs more per row than several smaller ones.
        RunnerProfile.objects.bulk_update(changed, fields, batch_size=100)
    return sum(1 for _, upcoming in chosen.values() if upcoming is not None)


def reminders_reschedule_after_commit(user_id: int) -> None:
    """For writers of settings and plans: the runner's next reminder follows what they just saved. A failure here
    is logged, never shown to the runner: the hourly sweep schedules them again."""

    def reschedule() -> None:
        try:
            reminders_reschedule(user_ids=[user_id], now=dt.datetime.now(dt.UTC))
        except Exception:
            logger.exception("next reminder of user %s not scheduled", user_id)

    transaction.on_commit(reschedule)


def reminders_reschedule_unscheduled(*, now: dt.datetime) -> int:
    """Hourly: runners with reminders on but no next reminder stored (nothing was planned within the look-ahead, or
    a send task died before rescheduling them) are looked at again."""
    ids = list(
        RunnerProfile.objects.filter(next_reminder_at__isnull=True, reminders_enabled=True)
        .filter(user__plans__status=PlanStatus.ACTIVE)
        .values_list("user_id", flat=True)
        .distinct()
    )
    scheduled = 0
    for start in range(0, len(ids), DISPATCH_CHUNK):
        scheduled += reminders_reschedule(user_ids=ids[start : start + DISPATCH_CHUNK], now=now)
    return scheduled


# --- dispatching ------------------------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    created: int = 0
    skipped: int = 0
    requeued: int = 0
    enqueued: list[list[int]] = field(default_factory=list)


def _enqueue_default(batch: list[int]) -> None:
    from programs.tasks import reminders_send

    # The rows are committed before the message leaves (the chunks' transactions are closed by now; a caller's
    # own transaction delays the message to its commit).
    reminders_send.delay_on_commit(batch)


def _publish(batches: list[list[int]], enqueue: Callable[[list[int]], None]) -> int:
    """Hand the batches to the broker; returns how many went. If the broker is down the rows stay pending and a
    later minute's dispatcher asks for them again (`_requeue_lost`)."""
    for published, batch in enumerate(batches):
        try:
            enqueue(batch)
        except Exception:
            logger.warning("reminders not enqueued (%s batches left); retried within minutes", len(batches) - published)
            return published
    return len(batches)


def _batches(ids: Sequence[int]) -> list[list[int]]:
    size = settings.REMINDER_BATCH_SIZE
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def _skip_stale(now: dt.datetime) -> int:
    """Rows still pending long after their time (an outage) are skipped rather than sent late in a burst."""
    cutoff = now - dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)
    return Reminder.objects.filter(status=Status.PENDING, due_at__lt=cutoff).update(
        status=Status.SKIPPED, last_error="Too late to be useful after an outage."
    )


def _requeue_lost(now: dt.datetime) -> list[int]:
    """Rows whose send the broker lost (never enqueued, or enqueued long ago and still pending) and rows a dead worker
    left `sending` past the lease: back to pending, to be asked for again. Claims stay exclusive, so a message that
    arrives twice still sends once."""
    lease_over = now - dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
    Reminder.objects.filter(
        status=Status.SENDING, claimed_at__lt=lease_over, attempts__gte=settings.REMINDER_MAX_ATTEMPTS
    ).update(status=Status.FAILED, last_error="The worker sending it stopped, too many times.")
    Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=lease_over).update(
        status=Status.PENDING, enqueued_at=None
    )
    waited = now - dt.timedelta(seconds=settings.REMINDER_REENQUEUE_SECONDS)
    lost = Reminder.objects.filter(status=Status.PENDING, due_at__lte=now).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=waited)
    )
    with transaction.atomic():
        ids = list(lost.select_for_update(skip_locked=True).order_by("due_at").values_list("pk", flat=True))
        Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
    return ids


def _dispatch_chunk(now: dt.datetime, window: dt.timedelta) -> tuple[int, int, list[int]] | None:
    """One transaction: take up to DISPATCH_CHUNK due profiles (skipping any another dispatcher holds), insert their
    rows, clear their next instant (the send task sets the following one). None when none are due."""
    with transaction.atomic():
        due = list(
            RunnerProfile.objects.select_for_update(skip_locked=True)
            .filter(next_reminder_at__lte=now)
            .values_list("user_id", "next_reminder_at", "next_reminder_on", "next_reminder", "timezone")[
                :DISPATCH_CHUNK
            ]
        )
        if not due:
            return None
        rows: list[Reminder] = []
        skipped = 0
        for user_id, due_at, on, about, zone_name in due:
            assert due_at is not None  # the filter above
            useful = on is not None and still_useful(due_at, on, now, zone_or_utc(zone_name), window)
            skipped += not useful
            payload = {"plan_id": about.get("plan_id"), "session": about.get("session", {})}
            rows.extend(
                Reminder(
                    user_id=user_id,
                    kind=kind,
                    local_date=on or due_at.date(),
                    due_at=due_at,
                    payload=payload,
                    status=Status.PENDING if useful else Status.SKIPPED,
                    enqueued_at=now if useful else None,
                    last_error="" if useful else "Too late to be useful after an outage.",
                )
                for kind in about.get("kinds", ())
            )
        user_ids = [row[0] for row in due]
        # A second dispatcher (or this one run twice) finds the rows there already: the unique key makes it a no-op.
        Reminder.objects.bulk_create(rows, ignore_conflicts=True)
        RunnerProfile.objects.filter(user_id__in=user_ids).update(next_reminder_at=None)
        created = list(
            Reminder.objects.filter(
                user_id__in=user_ids, status=Status.PENDING, enqueued_at=now, kind__in=DAILY_KINDS
            ).values_list("pk", flat=True)
        )
        return len(rows), skipped, created


def reminders_dispatch(*, now: dt.datetime, enqueue: Callable[[list[int]], None] | None = None) -> DispatchResult:
    """The minute's work (Celery beat runs it every minute); safe to run twice at once."""
    enqueue = enqueue or _enqueue_default
    result = DispatchResult()
    result.skipped = _skip_stale(now)
    requeued = _requeue_lost(now)
    result.requeued = len(requeued)
    window = dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)
    pending = list(requeued)
    while (chunk := _dispatch_chunk(now, window)) is not None:
        created, skipped, ids = chunk
        result.created += created
        result.skipped += skipped
        pending.extend(ids)
    batches = _batches(pending)
    result.enqueued = batches[: _publish(batches, enqueue)]
    return result
