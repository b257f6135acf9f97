"""The rig for the reminder engine's integration tests: a private Redis, an SMTP sink and real Celery workers.

Workers are subprocesses reading the test database, so the tests commit their rows (transactional database) and the
rig stops every worker before pytest-django flushes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.rig import (
    DEFAULT_QUEUE,
    REDIS_SERVER,
    CeleryWorker,
    PrivateRedis,
    SmtpSink,
    broker_app,
    database_url,
    dispatch_due,
    worker_env,
)

# Short enough that a test sees a dead worker's rows come back, long enough that a live worker's batch (well under a
# second here) is never taken from it.
LEASE_SECONDS = 5
REENQUEUE_SECONDS = 5


@dataclass
class Rig:
    redis: PrivateRedis
    sink: SmtpSink
    env: dict[str, str]
    log_directory: Path
    workers: list[CeleryWorker] = field(default_factory=list)

    def start_worker(self) -> CeleryWorker:
        worker = CeleryWorker(self.env, self.log_directory)
        self.workers.append(worker)
        worker.start()
        return worker

    def dispatch(self) -> None:
        dispatch_due(self.redis.url)

    def idle(self) -> bool:
        """Nothing queued and no live worker holding or running a task."""
        if self.redis.queue_length(DEFAULT_QUEUE):
            return False
        live = [worker.name for worker in self.workers if worker.answers()]
        if not live:
            return True
        app = broker_app(self.redis.url)
        try:
            inspect = app.control.inspect(destination=live, timeout=1.0)
            busy = [inspect.active() or {}, inspect.reserved() or {}]
        finally:
            app.close()
        return len(busy[0]) == len(live) and not any(tasks for replies in busy for tasks in replies.values())


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (scripts/ensure-services.sh installs it with apt-get)")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def rig(transactional_db: None, private_redis: PrivateRedis, smtp_sink: SmtpSink, tmp_path: Path) -> Iterator[Rig]:
    env = worker_env(
        database=database_url(connection.settings_dict),
        broker=private_redis.url,
        email_url=smtp_sink.url,
        REMINDER_LEASE_SECONDS=str(LEASE_SECONDS),
        REMINDER_REENQUEUE_SECONDS=str(REENQUEUE_SECONDS),
    )
    rig = Rig(private_redis, smtp_sink, env, tmp_path)
    try:
        yield rig
    finally:
        # Before the flush: a worker still connected would hold locks on the tables pytest-django truncates.
        for worker in rig.workers:
            worker.stop()
