"""The reminder outbox (programs.reminders.dispatch) against the real database: scheduling, dispatching, sending
once, catching up after an outage, and the news that is not tied to a reminder time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from accounts.models import RunnerProfile, User
from programs.choices import PlanChangeKind, ReminderKind
from programs.choices import ReminderStatus as Status
from programs.models import PlanChange, PlannedSession, Reminder
from programs.reminders.dispatch import reminders_dispatch, reminders_reschedule
from programs.reminders.news import physio_digests_queue, reminders_plan_changed
from programs.reminders.sending import reminders_send
from tests.factories.programs import PlanChangeFactory, SessionLogFactory
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

BEFORE_START = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def session_days(plan: Any) -> list[dt.date]:
    return sorted(set(PlannedSession.objects.filter(plan=plan).exclude(kind="rest").values_list("date", flat=True)))


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Any:
    RunnerProfile.objects.filter(user=runner).update(quiet_hours_start=None, quiet_hours_end=None)
    return create_plan(runner, intake_data, weeks=2)


def profile_of(runner: User) -> RunnerProfile:
    return RunnerProfile.objects.get(user=runner)


def dispatch_and_send(now: dt.datetime) -> list[list[int]]:
    batches: list[list[int]] = []
    reminders_dispatch(now=now, enqueue=batches.append)
    for batch in batches:
        reminders_send(reminder_ids=batch, now=now)
    return batches


def due_instant(day: dt.date, hour: int = 7, minute: int = 30) -> dt.datetime:
    # The runner is in Europe/London, on GMT (UTC+0) in late November.
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def test_the_next_reminder_is_the_first_session_day_at_the_runners_time(runner: User, plan: Any) -> None:
    first = session_days(plan)[0]
    assert reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START) == 1
    profile = profile_of(runner)
    assert profile.next_reminder_at == due_instant(first)
    assert profile.next_reminder_on == first
    assert profile.next_reminder["kinds"] == ["session"]
    assert profile.next_reminder["plan_id"] == plan.pk
    assert profile.next_reminder["session"]["lines"], "the day's items, one line each"


def test_a_runner_without_a_plan_or_with_reminders_off_has_no_next_reminder(runner: User, plan: Any) -> None:
    RunnerProfile.objects.filter(user=runner).update(reminders_enabled=False)
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    assert profile_of(runner).next_reminder_at is None


def test_a_due_runner_gets_one_email_with_the_days_items_and_the_next_one_is_scheduled(runner: User, plan: Any) -> None:
    first, second = session_days(plan)[:2]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    lines = profile_of(runner).next_reminder["session"]["lines"]
    batches = dispatch_and_send(due_instant(first))
    assert len(batches) == 1
    assert [m.to for m in mail.outbox] == [[runner.email]]
    body = mail.outbox[0].body
    assert all(line in body for line in lines)
    assert "http://" in body or "https://" in body
    row = Reminder.objects.get(user=runner)
    assert (row.kind, row.local_date, row.status, row.attempts) == (ReminderKind.SESSION, first, Status.SENT, 1)
    assert row.subject == mail.outbox[0].subject
    following = profile_of(runner)
    assert following.next_reminder_on == min(second, first + dt.timedelta(days=1))


def test_nothing_is_dispatched_before_its_time_and_a_second_dispatch_adds_nothing(runner: User, plan: Any) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    assert reminders_dispatch(now=due_instant(first) - dt.timedelta(minutes=1), enqueue=lambda _: None).created == 0
    batches: list[list[int]] = []
    assert reminders_dispatch(now=due_instant(first), enqueue=batches.append).created == 1
    assert reminders_dispatch(now=due_instant(first), enqueue=batches.append).created == 0
    assert Reminder.objects.count() == 1


def test_two_dispatchers_and_two_workers_send_each_reminder_once(runner: User, plan: Any) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    taken = profile_of(runner).next_reminder_at
    batches: list[list[int]] = []
    reminders_dispatch(now=due_instant(first), enqueue=batches.append)
    # A second beat that read the profile before the first cleared it inserts the same row: the unique key refuses.
    RunnerProfile.objects.filter(user=runner).update(next_reminder_at=taken)
    reminders_dispatch(now=due_instant(first), enqueue=batches.append)
    assert Reminder.objects.count() == 1
    for batch in batches + batches:  # and every batch delivered twice, as Redis may after a worker is lost
        reminders_send(reminder_ids=batch, now=due_instant(first))
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_goes_back_to_the_queue_after_the_lease(
    runner: User, plan: Any, settings: Any
) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    reminders_dispatch(now=due_instant(first), enqueue=lambda _: None)
    row = Reminder.objects.get()
    Reminder.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=due_instant(first), attempts=1)
    within_lease = due_instant(first) + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS - 1)
    assert reminders_dispatch(now=within_lease, enqueue=lambda _: None).requeued == 0
    after_lease = due_instant(first) + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 60)
    batches: list[list[int]] = []
    assert reminders_dispatch(now=after_lease, enqueue=batches.append).requeued == 1
    assert batches == [[row.pk]]
    reminders_send(reminder_ids=batches[0], now=after_lease)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)


def test_a_batch_the_broker_lost_is_asked_for_again(runner: User, plan: Any, settings: Any) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)

    def redis_down(batch: list[int]) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    reminders_dispatch(now=due_instant(first), enqueue=redis_down)  # no exception: the rows wait in the database
    assert Reminder.objects.get().status == Status.PENDING
    batches: list[list[int]] = []
    soon = due_instant(first) + dt.timedelta(seconds=30)
    assert reminders_dispatch(now=soon, enqueue=batches.append).requeued == 0
    later = due_instant(first) + dt.timedelta(seconds=settings.REMINDER_REENQUEUE_SECONDS + 60)
    assert reminders_dispatch(now=later, enqueue=batches.append).requeued == 1
    reminders_send(reminder_ids=batches[0], now=later)
    assert len(mail.outbox) == 1


def test_after_an_outage_todays_reminder_is_sent_within_the_window_and_older_ones_are_skipped(
    runner: User, other_runner: User, plan: Any, intake_data: dict[str, Any], settings: Any
) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    window = dt.timedelta(hours=settings.REMINDER_CATCH_UP_HOURS)
    # Workers and Redis come back two hours after the reminder's time: still useful, sent.
    dispatch_and_send(due_instant(first) + window - dt.timedelta(hours=1))
    assert [m.to for m in mail.outbox] == [[runner.email]]
    # Another runner's reminder of the same morning, found only after the window: skipped, not sent.
    RunnerProfile.objects.filter(user=other_runner).update(quiet_hours_start=None, quiet_hours_end=None)
    create_plan(other_runner, intake_data, weeks=2)
    reminders_reschedule(user_ids=[other_runner.pk], now=BEFORE_START)
    dispatch_and_send(due_instant(first) + window + dt.timedelta(minutes=1))
    assert len(mail.outbox) == 1
    skipped = Reminder.objects.get(user=other_runner)
    assert skipped.status == Status.SKIPPED and "outage" in skipped.last_error


def test_the_day_after_a_session_brings_a_morning_check_if_it_was_logged_and_a_nudge_if_not(
    runner: User, plan: Any
) -> None:
    days = session_days(plan)
    first = days[0]
    follow_up_day = first + dt.timedelta(days=1)
    reminders_reschedule(user_ids=[runner.pk], now=due_instant(first) + dt.timedelta(minutes=1))
    assert MISSED in profile_of(runner).next_reminder["kinds"]
    dispatch_and_send(due_instant(follow_up_day))
    sent = Reminder.objects.filter(user=runner, local_date=follow_up_day, status=Status.SENT)
    assert ReminderKind.MISSED_SESSION in set(sent.values_list("kind", flat=True))
    assert Reminder.objects.get(user=runner, kind=ReminderKind.MORNING_CHECK).status == Status.SKIPPED
    assert len(mail.outbox) == 1, "one message for what falls due at the same minute"


MISSED = ReminderKind.MISSED_SESSION.value


def test_a_logged_session_brings_the_morning_check_and_no_nudge(runner: User, plan: Any) -> None:
    first = session_days(plan)[0]
    for session in PlannedSession.objects.filter(plan=plan, date=first).exclude(kind="rest"):
        SessionLogFactory(session=session, runner=runner)
    reminders_reschedule(user_ids=[runner.pk], now=due_instant(first) + dt.timedelta(minutes=1))
    dispatch_and_send(due_instant(first + dt.timedelta(days=1)))
    assert Reminder.objects.get(user=runner, kind=ReminderKind.MORNING_CHECK).status == Status.SENT
    assert Reminder.objects.get(user=runner, kind=ReminderKind.MISSED_SESSION).status == Status.SKIPPED


def test_settings_changed_after_queueing_are_respected_at_send_time(runner: User, plan: Any) -> None:
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    batches: list[list[int]] = []
    reminders_dispatch(now=due_instant(first), enqueue=batches.append)
    RunnerProfile.objects.filter(user=runner).update(remind_sessions=False)
    reminders_send(reminder_ids=batches[0], now=due_instant(first))
    assert mail.outbox == []
    assert Reminder.objects.get().status == Status.SKIPPED


def test_a_transient_email_error_is_retried_then_the_row_fails(runner: User, plan: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there: connection refused
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    batches: list[list[int]] = []
    reminders_dispatch(now=due_instant(first), enqueue=batches.append)
    ids = batches[0]
    for _ in range(1, settings.REMINDER_MAX_ATTEMPTS):
        result = reminders_send(reminder_ids=ids, now=due_instant(first))
        assert result.retry_ids == ids
        assert Reminder.objects.get().status == Status.PENDING
    final = reminders_send(reminder_ids=ids, now=due_instant(first))
    row = Reminder.objects.get()
    assert (final.retry_ids, final.failed) == ([], 1)
    assert (row.status, row.attempts) == (Status.FAILED, settings.REMINDER_MAX_ATTEMPTS)
    assert row.last_error


def test_a_refusal_for_good_marks_the_row_failed(runner: User, plan: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.email_backends.RefusingBackend"  # 550 at RCPT
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    [batch] = dispatch_and_send(due_instant(first))

    row = Reminder.objects.get(pk__in=batch)
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert row.last_error.startswith("SMTPRecipientsRefused")


def test_a_mistake_in_our_own_code_fails_the_task_and_leaves_the_row_to_the_lease(
    runner: User, plan: Any, settings: Any
) -> None:
    # Not a delivery problem: the task fails with the traceback, and the row is not written off as "failed" but stays
    # claimed until its lease runs out, when the dispatcher hands it out again (once the bug is fixed, it goes).
    settings.EMAIL_BACKEND = "tests.email_backends.BuggyBackend"
    first = session_days(plan)[0]
    reminders_reschedule(user_ids=[runner.pk], now=BEFORE_START)
    with pytest.raises(TypeError):
        dispatch_and_send(due_instant(first))

    row = Reminder.objects.get()
    assert (row.status, row.last_error) == (Status.SENDING, "")


def _change(plan: Any, kind: str, reason: str, exercise: str = "") -> PlanChange:
    return PlanChangeFactory(plan=plan, kind=kind, reason=reason, exercise=exercise)


def test_plan_changes_of_one_day_arrive_as_one_message_and_later_ones_wait_for_tomorrow(
    runner: User, plan: Any
) -> None:
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    reminders_plan_changed(
        plan=plan, changes=[_change(plan, PlanChangeKind.REGRESS, "Pain went above 3.", "nordic_curl")], now=noon
    )
    reminders_plan_changed(
        plan=plan,
        changes=[
            _change(plan, PlanChangeKind.PROGRESS, "Two pain-free sessions."),  # good news waits for the plan page
            _change(plan, PlanChangeKind.PAUSE, "Running paused for two days."),
        ],
        now=noon + dt.timedelta(minutes=5),
    )
    row = Reminder.objects.get(kind=ReminderKind.PLAN_CHANGED)
    assert row.payload["reasons"] == ["Nordic hamstring curl: Pain went above 3.", "Running paused for two days."]
    assert row.due_at == noon + dt.timedelta(minutes=15)
    dispatch_and_send(noon + dt.timedelta(minutes=16))
    assert len(mail.outbox) == 1
    assert "Running paused for two days." in mail.outbox[0].body
    reminders_plan_changed(
        plan=plan, changes=[_change(plan, PlanChangeKind.OVERRIDE, "Your physio lowered the dose.")], now=noon
    )
    tomorrow = Reminder.objects.get(kind=ReminderKind.PLAN_CHANGED, local_date=dt.date(2026, 11, 25))
    assert tomorrow.payload["reasons"] == ["Your physio lowered the dose."]
    assert tomorrow.due_at == due_instant(dt.date(2026, 11, 25))


def test_a_plan_change_message_says_the_rules_verb_in_plain_words(runner: User, plan: Any) -> None:
    noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    reason = "regressed: pain 6/10 during it on Mon 23 Nov, limit 5"
    reminders_plan_changed(plan=plan, changes=[_change(plan, PlanChangeKind.REGRESS, reason, "nordic_curl")], now=noon)
    dispatch_and_send(noon + dt.timedelta(minutes=16))
    body = mail.outbox[0].body
    assert "Nordic hamstring curl: stepped back: pain 6/10 during it on Mon 23 Nov, limit 5" in body
    assert "egressed" not in body


def test_plan_change_news_respects_the_runners_choice(runner: User, plan: Any) -> None:
    RunnerProfile.objects.filter(user=runner).update(remind_plan_changes=False)
    change = _change(plan, PlanChangeKind.RED_FLAG, "You reported numbness.")
    assert reminders_plan_changed(plan=plan, changes=[change], now=BEFORE_START) is None
    assert not Reminder.objects.exists()


def test_a_physio_gets_one_digest_while_the_same_patients_need_attention(runner: User, physio: User, plan: Any) -> None:
    two_weeks_in = dt.datetime.combine(START + dt.timedelta(days=12), dt.time(9), tzinfo=dt.UTC)
    assert physio_digests_queue(now=two_weeks_in) == 1
    assert physio_digests_queue(now=two_weeks_in + dt.timedelta(hours=1)) == 0, "nothing new: no second digest"
    dispatch_and_send(two_weeks_in + dt.timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [[physio.email]]
    digest = Reminder.objects.get(kind=ReminderKind.PHYSIO_DIGEST)
    assert digest.status == Status.SENT
    assert digest.payload["patients"][0]["flags"]


def test_a_physio_who_turned_the_digest_off_gets_none(runner: User, physio: User, plan: Any) -> None:
    User.objects.filter(pk=physio.pk).update(digest_enabled=False)
    assert physio_digests_queue(now=dt.datetime.combine(START + dt.timedelta(days=12), dt.time(9), dt.UTC)) == 0
