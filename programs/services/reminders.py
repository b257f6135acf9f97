"""Reminders through the outbox (docs/reminders.md): the database remembers what is due and what was sent; Redis
only carries the request to send a batch, so losing it delays reminders and loses none.

- `reminders_reschedule` stores each runner's next daily reminder (UTC instant, local date, what it is about) on
  their profile, after every send and whenever their settings or plan change.
- `reminders_dispatch` (every minute) turns the profiles whose instant has come into outbox rows with one insert that
  ignores rows already there, skips what is too old to be useful, asks again for rows whose send was lost, and
  enqueues send tasks in batches. It reads only due profiles and due rows, through indexes.
- `reminders_send` claims a batch's rows (a row is claimed once, so two workers or two dispatchers never send it
  twice), writes and delivers each person's message, and marks the rows.
- `reminders_plan_changed` and `physio_digests_queue` add rows for news that is not tied to a reminder time.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse

from accounts.models import PushSubscription, RunnerProfile, User
from exercises.models import Exercise

from .. import reminder_messages as messages
from ..models import DayLog, Plan, PlanChange, PlanChangeKind, PlannedSession, PlanStatus, Reminder, ReminderKind
from ..models import ReminderStatus as Status
from ..reminder_schedule import (
    DAILY_KINDS,
    ReminderSettings,
    next_reminder,
    outside_quiet_hours,
    plan_change_due,
    send_instant,
    still_useful,
)
from ..reminder_selectors import session_lines
from ..reminder_times import wall_time, zone_or_utc
from .delivery import PushTarget, Sender

logger = logging.getLogger(__name__)

# How far ahead the next reminder is looked for; a runner with nothing planned that far is looked at again by the
# hourly sweep (`reminders_reschedule_unscheduled`).
LOOKAHEAD_DAYS = 62
# Profiles taken per transaction by the dispatcher: bounds the locks held and the memory used.
DISPATCH_CHUNK = 5000
# What the runner is told about; other decisions (a progression, a swap they made) show on their plan page only.
NEWSWORTHY_CHANGES = frozenset(
    {
        PlanChangeKind.PAUSE,
        PlanChangeKind.REGRESS,
        PlanChangeKind.RED_FLAG,
        PlanChangeKind.OVERRIDE,
        PlanChangeKind.PROGRAM,
        PlanChangeKind.ASSIGN,
        PlanChangeKind.CLEARANCE,
    }
)


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


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- scheduling -------------------------------------------------------------------------------------------------


def _current_plans(user_ids: Sequence[int]) -> dict[int, int]:
    """Each runner's plan in use that has sessions to remind of: the newest active one."""
    rows = (
        Plan.objects.filter(runner_id__in=user_ids, status=PlanStatus.ACTIVE)
        .order_by("runner_id", "-created_at", "-id")
        .values_list("runner_id", "pk")
    )
    current: dict[int, int] = {}
    for runner_id, plan_id in rows:
        current.setdefault(runner_id, plan_id)
    return current


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
    profiles = list(RunnerProfile.objects.filter(user_id__in=ids))
    plans = _current_plans([p.user_id for p in profiles])
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
    # Small batches: one UPDATE … CASE over many rows costs more per row than several smaller ones.
    RunnerProfile.objects.bulk_update(
        changed, ["next_reminder_at", "next_reminder_on", "next_reminder"], batch_size=100
    )
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
    from ..tasks import reminders_send

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


# --- sending ----------------------------------------------------------------------------------------------------


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
    today_url = _absolute(reverse("home"))
    payload = row.payload
    if row.kind == ReminderKind.SESSION:
        return messages.session_reminder(
            day=row.local_date, lines=payload.get("session", {}).get("lines", []), today_url=today_url
        )
    if row.kind == ReminderKind.MORNING_CHECK:
        return messages.morning_check(
            session_day=row.local_date - dt.timedelta(days=1), check_url=_absolute(reverse("morning-check"))
        )
    if row.kind == ReminderKind.MISSED_SESSION:
        return messages.missed_session(missed_day=row.local_date - dt.timedelta(days=1), today_url=today_url)
    if row.kind == ReminderKind.PLAN_CHANGED:
        plan_id = payload.get("plan_id")
        plan_url = _absolute(reverse("plans:changes", args=[plan_id])) if plan_id else today_url
        return messages.plan_changed(
            reasons=payload.get("reasons", []), plan_url=plan_url, red_flag_stop=payload.get("red_flag", False)
        )
    patients = [messages.DigestPatient(p["name"], tuple(p["flags"]), p["url"]) for p in payload.get("patients", [])]
    return messages.physio_digest(patients=patients, patients_url=_absolute(reverse("patients")))


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


# --- news: plan changes and the physio digest -------------------------------------------------------------------


def reminders_plan_changed(*, plan: Plan, changes: Iterable[PlanChange], now: dt.datetime) -> Reminder | None:
    """Tell the runner what changed in their coming days and why, at most once a day: news arriving while today's
    message is still waiting joins it; news after it went out waits for tomorrow's. Call inside the transaction
    that records the changes, so the message exists exactly when they do."""
    news = [c for c in changes if c.kind in NEWSWORTHY_CHANGES and c.reason]
    if not news:
        return None
    profile = RunnerProfile.objects.filter(user_id=plan.runner_id).first()
    if profile is None:
        return None
    reasons = _reasons_with_names(news)
    choices = reminder_settings(profile)
    today = wall_time(now, choices.zone).date()
    if not choices.plan_changes or not choices.sending_on(today):
        return None
    delay = dt.timedelta(minutes=settings.REMINDER_PLAN_CHANGE_DELAY_MINUTES)
    tomorrow = today + dt.timedelta(days=1)
    for day, due_at in (
        (today, plan_change_due(now, choices, delay)),
        (tomorrow, outside_quiet_hours(send_instant(tomorrow, choices.at, choices.zone), choices)),
    ):
        Reminder.objects.bulk_create(
            [
                Reminder(
                    user_id=plan.runner_id,
                    kind=ReminderKind.PLAN_CHANGED,
                    local_date=day,
                    due_at=due_at,
                    payload={"plan_id": plan.pk, "reasons": []},
                )
            ],
            ignore_conflicts=True,
        )
        waiting = (
            Reminder.objects.select_for_update()
            .filter(user_id=plan.runner_id, kind=ReminderKind.PLAN_CHANGED, local_date=day, slot=0)
            .first()
        )
        if waiting is not None and waiting.status == Status.PENDING:
            known = waiting.payload.get("reasons", [])
            waiting.payload = {
                "plan_id": plan.pk,
                "reasons": known + [r for r in reasons if r not in known],
                "red_flag": waiting.payload.get("red_flag", False)
                or any(c.kind == PlanChangeKind.RED_FLAG for c in news),
            }
            waiting.save(update_fields=["payload", "updated_at"])
            return waiting
    return None


def _reasons_with_names(changes: Sequence[PlanChange]) -> list[str]:
    """Each decision's reason, led by what it is about ("Nordic hamstring curl: …"): in a message the reason stands
    alone, without the plan page around it."""
    slugs = {c.exercise for c in changes if c.exercise and c.exercise != "running"}
    names = dict(Exercise.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    names["running"] = "Running"
    return [f"{names[c.exercise]}: {c.reason}" if c.exercise in names else c.reason for c in changes]


def physio_digests_queue(*, now: dt.datetime) -> int:
    """Hourly: one digest per physio about the patients who need attention, when that list is not the one they were
    last sent. The rows are due now; the dispatcher hands them to a send task within the minute."""
    from ..patients import patient_rows

    physios = User.objects.filter(role="physio", is_active=True, digest_enabled=True, patient_links__status="active")
    queued = 0
    for physio in physios.distinct():
        patients = [
            {
                "name": row.name,
                "flags": [flag.label for flag in row.flags],
                "url": _absolute(reverse("patient-detail", args=[row.id])),
            }
            for row in patient_rows(physio, today=now.date())
            if row.flags
        ]
        if not patients:
            continue
        last = (
            Reminder.objects.filter(user=physio, kind=ReminderKind.PHYSIO_DIGEST)
            .exclude(status=Status.SKIPPED)
            .order_by("-due_at")
            .values_list("payload", flat=True)
            .first()
        )
        if last is not None and last.get("patients") == patients:
            continue
        queued += len(
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        user=physio,
                        kind=ReminderKind.PHYSIO_DIGEST,
                        local_date=now.date(),
                        slot=now.hour,
                        due_at=now,
                        payload={"patients": patients},
                    )
                ],
                ignore_conflicts=True,
            )
        )
    return queued
