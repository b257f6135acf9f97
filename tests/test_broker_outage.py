"""Workers and beat never give up on Redis. While it is down beat logs one line, not a stack trace, for each task it
could not send (the reminder dispatch every minute: one line a minute), and its "trying again" line once a minute."""

from __future__ import annotations

import logging

import pytest
from celery import Celery
from celery.beat import Scheduler
from kombu.exceptions import OperationalError as BrokerUnreachable

from rehabplan.celery import app
from rehabplan.logs import OneLineBrokerOutage
from tests.conftest import NOTHING_LISTENS_PORT

NOTHING_LISTENS = f"redis://127.0.0.1:{NOTHING_LISTENS_PORT}/0"


def test_workers_and_beat_wait_for_the_broker_however_long_it_is_away() -> None:
    assert app.conf.broker_connection_max_retries is None  # Celery's default gives up after 100 attempts
    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_retry_on_startup is True


@pytest.fixture
def beat_app_with_redis_down() -> Celery:
    """This project's Celery configuration, as beat reads it, with the broker where nothing listens."""
    beat_app = Celery("rehabplan-beat-outage")
    beat_app.config_from_object("django.conf:settings", namespace="CELERY")
    beat_app.conf.broker_url = NOTHING_LISTENS
    return beat_app


def test_beat_logs_one_line_without_a_traceback_for_a_task_it_could_not_send(
    beat_app_with_redis_down: Celery, outage_filter: OneLineBrokerOutage, caplog: pytest.LogCaptureFixture
) -> None:
    scheduler = Scheduler(app=beat_app_with_redis_down, lazy=True)
    entry = scheduler.Entry(
        name="dispatch-due-reminders",
        task="programs.tasks.reminders_dispatch_due",
        schedule=60.0,
        app=beat_app_with_redis_down,
    )
    caplog.clear()
    scheduler.apply_entry(entry)
    [record] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.name == "celery.beat"
    assert record.exc_info is None
    message = record.getMessage()
    assert "\n" not in message
    assert "dispatch-due-reminders" in message


def test_any_other_beat_error_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    try:
        raise ValueError("not an outage")
    except ValueError:
        logging.getLogger("celery.beat").error("Message Error: %s", "not an outage", exc_info=True)
    [record] = caplog.records
    assert record.exc_info is not None


@pytest.fixture
def outage_filter() -> OneLineBrokerOutage:
    """The filter the settings put on beat's logger, with no line let through yet in this process. Logging configured
    again in the same process (as some tests do) adds another copy: each copy starts afresh."""
    filters = [f for f in logging.getLogger("celery.beat").filters if isinstance(f, OneLineBrokerOutage)]
    assert filters, "the settings put the filter on beat's logger"
    for log_filter in filters:
        log_filter.last_reconnecting_line = None
    return filters[0]


def test_beat_waiting_for_the_broker_logs_one_line_a_minute(
    beat_app_with_redis_down: Celery, outage_filter: OneLineBrokerOutage, caplog: pytest.LogCaptureFixture
) -> None:
    # Two attempts (about 6 s) instead of forever, so the test ends: beat tries again after 2 s, then 4 s.
    beat_app_with_redis_down.conf.broker_connection_max_retries = 2
    scheduler = Scheduler(app=beat_app_with_redis_down, lazy=True)
    caplog.clear()
    with pytest.raises(BrokerUnreachable):
        _ = scheduler.producer
    [record] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.getMessage().startswith("beat: Connection error")
    assert record.exc_info is None
