"""The Celery tasks: on the beat schedule, safe against lost workers, and run by a real worker from Redis."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import RunnerProfile, User
from programs.choices import PlanChangeKind, PlanStatus, ReminderStatus
from programs.models import Plan, PlanChange, PlanStateChange, Reminder
from programs.services import plans as plan_services
from programs.tasks import (
    physio_digests_queue,
    plans_replan,
    plans_replan_for_today,
    reminders_dispatch_due,
    reminders_reschedule_unscheduled,
    reminders_send,
    retry_delay,
)
from rehabplan.celery import app as celery_app
from tests.factories.accounts import RunnerFactory
from tests.programs.plans import START, create_plan

WEEK_2 = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)  # Monday of week 2: week 1 went by without a log


def _due_runner(runner: User) -> None:
    """A runner whose session reminder's time has just come (what reminders_reschedule stores)."""
    RunnerProfile.objects.filter(user=runner).update(
        next_reminder_at=timezone.now() - dt.timedelta(seconds=5),
        next_reminder_on=timezone.localdate(timezone=ZoneInfo("Europe/London")),
        next_reminder={"kinds": ["session"], "plan_id": None, "session": {"lines": ["Nordic hamstring curl: 2 × 5"]}},
        quiet_hours_start=None,
        quiet_hours_end=None,
    )


def test_the_tasks_are_on_the_beat_schedule() -> None:
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        reminders_dispatch_due.name,
        physio_digests_queue.name,
        reminders_reschedule_unscheduled.name,
        plans_replan_for_today.name,
    } <= schedule
    assert settings.CELERY_BEAT_SCHEDULE["dispatch-due-reminders"]["schedule"] == 60.0


def test_a_send_task_is_acknowledged_only_after_it_ran_and_requeued_if_its_worker_dies() -> None:
    assert reminders_send.acks_late is True
    assert reminders_send.reject_on_worker_lost is True


@pytest.mark.parametrize("retries", range(12))
def test_no_retry_waits_anywhere_near_the_brokers_visibility_timeout(retries: int) -> None:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert 0 < retry_delay(retries) <= settings.REMINDER_RETRY_BACKOFF_MAX <= visibility / 10
    assert reminders_send.retry_backoff_max <= visibility / 10


@pytest.mark.celery_worker
# serialized_rollback: the flush after a transactional test would take the catalogue's migration data with it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_the_task_from_redis(runner: User) -> None:
    from celery.contrib.testing.worker import start_worker

    _due_runner(runner)
    queue = f"test-{uuid.uuid4().hex}"  # a private queue, so a `make run` worker cannot take the task
    celery_app.conf.task_default_queue = queue
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, pool="solo", loglevel="WARNING"):
            reminders_dispatch_due.apply_async(queue=queue)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if Reminder.objects.filter(user=runner, status=ReminderStatus.SENT).exists():
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_default_queue = "celery"
    assert Reminder.objects.get(user=runner).status == ReminderStatus.SENT
    assert [m.to for m in mail.outbox] == [[runner.email]]


@pytest.mark.django_db
def test_the_hourly_replan_holds_missed_sessions_once_per_runner_day(
    runner: User, intake_data: dict, eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)  # the runner is in Europe/London
    missed = PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.HOLD, rule="missed_session")
    with time_machine.travel(WEEK_2, tick=False):
        # The sweep queues its chunks when its transaction commits; eager_tasks then runs them here.
        with django_capture_on_commit_callbacks(execute=True):
            assert plans_replan_for_today.apply().get() == 1
        assert missed.exists()
        held = missed.count()
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert plans_replan_for_today.apply().get() == 0, "the same day twice changes nothing"
        assert queued == [] and missed.count() == held
    assert all(c.effective_from == dt.date(2026, 11, 30) for c in missed)
    assert dt.date(2026, 11, 30) > START


def _sweep() -> tuple[int, int]:
    """The hourly sweep with its queue in a list, then each chunk as a worker runs it: (plans queued, changed)."""
    chunks: list[list[int]] = []
    queued = plan_services.plans_replan_for_today(now=timezone.now(), enqueue=chunks.append)
    return queued, sum(plans_replan.apply(args=[chunk]).get() for chunk in chunks)


@pytest.mark.django_db
def test_a_second_sweep_in_the_same_hour_writes_nothing_and_reads_one_row_set(
    runner: User, intake_data: dict, django_assert_max_num_queries: Any
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    with time_machine.travel(WEEK_2, tick=False):
        assert _sweep() == (1, 1)
        plan.refresh_from_db()
        revision, state = plan.revision, plan.state
        records = PlanChange.objects.count(), PlanStateChange.objects.count()
        with django_assert_max_num_queries(1):  # the active plans' review dates: none is due
            assert _sweep() == (0, 0)
        with django_assert_max_num_queries(1):  # a chunk delivered twice finds its plans done
            assert plans_replan.apply(args=[[plan.pk]]).get() == 0
    plan.refresh_from_db()
    assert (plan.revision, plan.state) == (revision, state), "phones' cached copies (ETags) stay valid"
    assert (PlanChange.objects.count(), PlanStateChange.objects.count()) == records


@pytest.mark.django_db
def test_the_sweep_hands_the_due_plans_to_the_workers_in_chunks(intake_data: dict, settings: Any) -> None:
    settings.REPLAN_CHUNK_SIZE = 2
    due = [create_plan(RunnerFactory(), intake_data, weeks=4).pk for _ in range(5)]
    not_started = create_plan(RunnerFactory(), intake_data, weeks=4, start=START + dt.timedelta(weeks=2))
    ended = create_plan(RunnerFactory(), intake_data, weeks=4)
    Plan.objects.filter(pk=ended.pk).update(status=PlanStatus.ENDED)
    chunks: list[list[int]] = []
    with time_machine.travel(WEEK_2, tick=False):
        assert plan_services.plans_replan_for_today(now=timezone.now(), enqueue=chunks.append) == 5
        assert chunks == [due[:2], due[2:4], due[4:]]
        assert [plans_replan.apply(args=[chunk]).get() for chunk in chunks] == [2, 2, 1]
        assert [plans_replan.apply(args=[chunk]).get() for chunk in chunks] == [0, 0, 0], "run twice: once"
        assert plan_services.plans_replan_for_today(now=timezone.now(), enqueue=chunks.append) == 0
    assert not PlanStateChange.objects.filter(plan__in=[not_started, ended]).exists()
