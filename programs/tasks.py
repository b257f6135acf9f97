"""Celery tasks of the programs app: thin wrappers that call one service each."""

from __future__ import annotations

import smtplib

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from programs.reminders import dispatch as reminders
from programs.reminders import news as reminder_news
from programs.reminders import sending as reminder_sending
from programs.services import plans as plan_services
from programs.services import printing as printing_services

# Retries wait 10 s, 20 s, 40 s… capped at REMINDER_RETRY_BACKOFF_MAX, which settings keep far below the broker's
# visibility timeout: a delayed task is held unacknowledged by its worker, and Redis would hand a task held past
# that timeout to a second worker.
RETRY_BASE_SECONDS = 10


def retry_delay(retries: int) -> int:
    return min(RETRY_BASE_SECONDS * 2**retries, settings.REMINDER_RETRY_BACKOFF_MAX)


@shared_task
def reminders_dispatch_due() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): turn due reminders into outbox rows and enqueue their send tasks.
    Returns how many rows it created."""
    return reminders.reminders_dispatch(now=timezone.now()).created


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # The database was briefly out of reach: the whole batch is tried again (its claims are checked again).
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=RETRY_BASE_SECONDS,
    retry_backoff_max=settings.REMINDER_RETRY_BACKOFF_MAX,
    max_retries=settings.REMINDER_MAX_ATTEMPTS,
)
def reminders_send(self: Task, reminder_ids: list[int]) -> int:
    """Send one batch of outbox rows. Rows that met a transient e-mail error (SMTP 4xx, a dropped connection) are
    retried with backoff; the rows themselves count attempts, so a retry never sends a row twice."""
    result = reminder_sending.reminders_send(reminder_ids=reminder_ids, now=timezone.now())
    if result.retry_ids and self.request.retries < self.max_retries:
        raise self.retry(
            args=[result.retry_ids], countdown=retry_delay(self.request.retries), exc=smtplib.SMTPException()
        )
    return result.sent


@shared_task
def physio_digests_queue() -> int:
    """Every hour: queue a digest for each physio whose patients needing attention changed since the last one."""
    return reminder_news.physio_digests_queue(now=timezone.now())


@shared_task
def reminders_reschedule_unscheduled() -> int:
    """Every hour: schedule runners who have reminders on but no next reminder stored."""
    return reminders.reminders_reschedule_unscheduled(now=timezone.now())


@shared_task
def plans_replan_for_today() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): queue the active plans whose runner's day has not been looked at yet, in
    chunks for `plans_replan`, so missed sessions earn nothing and the coming weeks follow what was earned. Returns
    how many plans it queued."""
    return plan_services.plans_replan_for_today(now=timezone.now())


# No retry: a plan this chunk did not finish is still due, and the next hourly sweep queues it again.
@shared_task
def plans_replan(plan_ids: list[int]) -> int:
    """Re-run the rules on one chunk of plans, each on its runner's local date. Idempotent: a plan already looked at
    today is skipped. Returns how many plans changed."""
    return plan_services.plans_replan(plan_ids=plan_ids, now=timezone.now())


@shared_task
def plan_pdf_draw(plan_id: int) -> bool:
    """Draw a plan's PDF into the cache for the download that asked for it; a copy already kept is not drawn again."""
    return printing_services.plan_pdf_draw(plan_id)
