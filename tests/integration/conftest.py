"""The rig for the reminder engine's integration tests: a private Redis, an SMTP sink and real Celery workers.

Workers are subprocesses reading the test database, so the tests commit their rows (transactional database) and the
rig stops every worker before pytest-django flushes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.integration.rig import (
    LEASE_SECONDS,
    REDIS_SERVER,
    REENQUEUE_SECONDS,
    PrivateRedis,
    Rig,
    SmtpSink,
    database_url,
    worker_env,
)


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
        # Before the flush: a worker still connected would hold locks on the tables pytest-django truncates. A message
        # the sink still holds would keep a worker's warm shutdown waiting.
        smtp_sink.handler.release()
        for worker in rig.workers:
            worker.stop()
