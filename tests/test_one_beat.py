"""Exactly one beat sends the schedule however many are started: the second waits for the first's lock in Redis and
takes over when it stops. While Redis is down a tick logs one line and tries again a minute later, and a lock that
lapsed meanwhile is waited for again instead of ending beat.

Real beat processes and the real Redis, on a database of its own (so nothing they send reaches the tests' queue) and
a key prefix per test."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery

from rehabplan.beat import OUTAGE_RETRY_SECONDS, OneBeatScheduler
from tests.conftest import NOTHING_LISTENS_PORT

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).parent / "celery"
BEAT_REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def key_prefix() -> Iterator[str]:
    prefix = f"rehabplan:test-beat:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(BEAT_REDIS)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.delete("celery")  # anything a beat sent
    client.close()


class Beat:
    def __init__(self, key_prefix: str, log: Path) -> None:
        env = dict(
            os.environ,
            REDIS_URL=BEAT_REDIS,
            BEAT_KEY_PREFIX=key_prefix,
            BEAT_MAX_INTERVAL="1",  # a waiting beat tries the lock every second
            BEAT_LOCK_TIMEOUT="10",
        )
        self.log = log
        command = [str(CELERY), "-A", "rehabplan", "beat", "--loglevel=INFO", "--schedule", str(log.with_suffix(".db"))]
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def holds_the_lock(self) -> bool:
        return "beat: Acquired lock" in self.log.read_text()

    def wait_for_the_lock(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.holds_the_lock():
                return True
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def test_a_second_beat_waits_for_the_lock_and_takes_over_when_the_first_stops(key_prefix: str, tmp_path: Path) -> None:
    first = Beat(key_prefix, tmp_path / "first.log")
    second: Beat | None = None
    try:
        assert first.wait_for_the_lock(30), first.log.read_text()
        second = Beat(key_prefix, tmp_path / "second.log")
        assert not second.wait_for_the_lock(5), "two beats hold the lock at once"
        first.stop()
        assert "beat: Releasing lock" in first.log.read_text()
        assert second.wait_for_the_lock(10), second.log.read_text()
    finally:
        first.stop()
        if second is not None:
            second.stop()


def beat_app(redis_url: str, key_prefix: str) -> Celery:
    """This project's Celery configuration, as beat reads it, with its Redis at `redis_url`."""
    app = Celery(f"rehabplan-beat-{uuid.uuid4().hex[:8]}")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = redis_url
    app.conf.redbeat_redis_url = redis_url
    app.conf.redbeat_key_prefix = key_prefix
    return app


def test_a_tick_while_redis_is_down_logs_one_line_and_tries_again_in_a_minute(
    key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = beat_app(f"redis://127.0.0.1:{NOTHING_LISTENS_PORT}/0", key_prefix)
    scheduler = OneBeatScheduler(app=app, lazy=True)
    caplog.clear()
    assert scheduler.tick() == OUTAGE_RETRY_SECONDS
    [record] = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert record.getMessage().startswith("beat: Redis unreachable")
    assert record.exc_info is None


def test_a_lock_that_lapsed_is_waited_for_again_and_the_schedule_written_again(key_prefix: str) -> None:
    app = beat_app(BEAT_REDIS, key_prefix)
    scheduler = OneBeatScheduler(app=app, lazy=True)
    client = redis.Redis.from_url(BEAT_REDIS)
    scheduler.tick()
    lock_key = app.redbeat_conf.lock_key
    assert client.exists(lock_key)
    # Redis came back without its data: the lock and the schedule are gone.
    for key in client.scan_iter(f"{key_prefix}*"):
        client.delete(key)
    assert scheduler.tick() == 0.0  # the lock could not be extended: wait for it again at once
    scheduler.tick()
    assert client.exists(lock_key)
    scheduled = {member.decode() for member in client.zrange(app.redbeat_conf.schedule_key, 0, -1)}
    assert {f"{key_prefix}{name}" for name in app.conf.beat_schedule} <= scheduled
    scheduler.close()
    assert not client.exists(lock_key)
    client.close()
