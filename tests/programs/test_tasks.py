"""The beat-scheduled reminder dispatcher: claims each due row once, against the real database and broker."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import User
from programs import services
from programs.models import Reminder, ReminderStatus
from programs.services.reminders import REMINDER_MAX_ATTEMPTS
from programs.tasks import reminders_dispatch_due
from rehabplan.celery import app as celery_app


def _reminder(runner: User, minutes_from_now: int) -> Reminder:
    return Reminder.objects.create(
        user=runner,
        local_date=dt.date.today() + dt.timedelta(days=minutes_from_now),
        due_at=timezone.now() + dt.timedelta(minutes=minutes_from_now),
        subject="Today: strength session",
        body="Nordic curls 2 × 5, single-leg bridge 4 × 15.",
    )


def test_the_dispatcher_is_on_the_beat_schedule() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-due-reminders"]
    assert entry["task"] == reminders_dispatch_due.name
    assert entry["schedule"] == 60.0


@pytest.mark.django_db
def test_due_reminders_are_sent_once_and_future_ones_wait(runner: User) -> None:
    due = _reminder(runner, -1)
    later = _reminder(runner, 30)
    assert services.reminders_dispatch_due(now=timezone.now()) == 1
    assert services.reminders_dispatch_due(now=timezone.now()) == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.attempts) == (ReminderStatus.SENT, 1)
    assert later.status == ReminderStatus.PENDING
    assert [m.to for m in mail.outbox] == [[runner.email]]


@pytest.mark.django_db
def test_a_row_claimed_by_another_worker_is_not_sent_again(runner: User) -> None:
    reminder = _reminder(runner, -1)
    Reminder.objects.filter(pk=reminder.pk).update(status=ReminderStatus.SENDING)
    assert services.reminders_dispatch_due(now=timezone.now()) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_failed_send_is_retried_then_marked_failed(runner: User, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there: connection refused
    reminder = _reminder(runner, -1)
    for _ in range(REMINDER_MAX_ATTEMPTS):
        services.reminders_dispatch_due(now=timezone.now())
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == REMINDER_MAX_ATTEMPTS
    assert reminder.last_error


@pytest.mark.celery_worker
# serialized_rollback: the flush after a transactional test would take the catalogue's migration data with it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_task_from_redis(runner: User) -> None:
    from celery.contrib.testing.worker import start_worker

    reminder = _reminder(runner, -1)
    queue = f"test-{uuid.uuid4().hex}"  # a private queue, so a `make run` worker cannot take the task
    celery_app.conf.task_default_queue = queue
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, pool="solo", loglevel="WARNING"):
            reminders_dispatch_due.apply_async(queue=queue)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                reminder.refresh_from_db()
                if reminder.status == ReminderStatus.SENT:
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_default_queue = "celery"
    assert reminder.status == ReminderStatus.SENT


@pytest.mark.django_db
def test_the_hourly_replan_holds_missed_sessions_once_per_runner_day(runner: User, intake_data: dict) -> None:
    from programs.models import PlanChange, PlanChangeKind
    from programs.tasks import plans_replan_for_today
    from tests.programs.plans import START, create_plan

    plan = create_plan(runner, intake_data, weeks=4)  # the runner is in Europe/London
    week2 = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(week2, tick=False):
        assert plans_replan_for_today.apply().get() == 1
        assert plans_replan_for_today.apply().get() == 0, "the same day twice changes nothing"
    missed = PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.HOLD, rule="missed_session")
    assert missed.exists() and all(c.effective_from == dt.date(2026, 11, 30) for c in missed)
    assert dt.date(2026, 11, 30) > START
