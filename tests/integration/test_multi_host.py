"""A deployment on two hosts, rehearsed on one machine: two gunicorn instances and two Celery workers, each started as
a process of its own with its own environment (as docs/deploy.md sets a host up), one beat, one PostgreSQL (the test
database) and one Redis (the rig's private redis-server: broker, shared cache and beat's lock).

10,000 runners due at once get exactly one reminder each, sent by both hosts' workers from what beat dispatched; a
morning check sent through one host's web instance is read through the other's at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from accounts.services import api_token_create
from programs.choices import ReminderStatus
from programs.models import Reminder
from tests.factories.programs import PlanFactory
from tests.integration.rig import (
    CELERY,
    ROOT,
    CeleryWorker,
    Rig,
    broker_app,
    free_port,
    log_tail,
    runners_bulk_create,
    wait_until,
    zones_away_from_midnight,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GUNICORN = CELERY.parent / "gunicorn"
RUNNERS = 10_000


def host_env(rig: Rig, host: str) -> dict[str, str]:
    """One host's environment: production settings (DEBUG=0, which refuses any per-host service), the shared
    PostgreSQL, Redis and mail server, and what is its own (its name, its temporary directory)."""
    tmp = rig.log_directory / host
    tmp.mkdir()
    return dict(
        rig.env,
        HOSTNAME=host,
        TMPDIR=str(tmp),
        DEBUG="0",
        SECRET_KEY="multi-host-rehearsal-secret-shared-by-every-host-0123456789",
        ALLOWED_HOSTS="127.0.0.1",
        CACHE_URL=f"rediscache://127.0.0.1:{rig.redis.port}/1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        CONN_MAX_AGE="60",
    )


class Web:
    """`gunicorn` with the repository's gunicorn.conf.py, on a free loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        command = [str(GUNICORN), "rehabplan.wsgi:application", "--workers=2", f"--bind=127.0.0.1:{self.port}"]
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        if not wait_until(lambda: self._ready() == 200, timeout=30, every=0.3):
            self.stop()
            raise RuntimeError(f"gunicorn was not ready within 30 s:\n{log_tail(log)}")

    def _ready(self) -> int:
        try:
            return self.call("GET", "/readyz")[0]
        except OSError:
            return 0

    def call(self, method: str, path: str, *, token: str = "", body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                raw = response.read()
                return response.status, json.loads(raw) if raw.strip().startswith((b"{", b"[")) else raw
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Beat:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        command = [str(CELERY), "-A", "rehabplan", "beat", "-l", "info", "--schedule", str(log.with_suffix(".db"))]
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def hosts(rig: Rig) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    yield host_env(rig, "host-a"), host_env(rig, "host-b")


@pytest.fixture
def webs(rig: Rig, hosts: tuple[dict[str, str], dict[str, str]]) -> Iterator[tuple[Web, Web]]:
    started: list[Web] = []
    try:
        for env in hosts:
            started.append(Web(env, rig.log_directory / f"web-{env['HOSTNAME']}.log"))
        yield started[0], started[1]
    finally:
        for web in started:
            web.stop()


def _send_tasks_by_worker(rig: Rig, names: list[str]) -> dict[str, int]:
    app = broker_app(rig.redis.url)
    try:
        stats = app.control.inspect(destination=names, timeout=2.0).stats() or {}
    finally:
        app.close()
    return {name: sum(stats.get(name, {}).get("total", {}).values()) for name in names}


def test_ten_thousand_runners_due_get_one_reminder_each_from_two_hosts_and_one_beat(
    rig: Rig, hosts: tuple[dict[str, str], dict[str, str]]
) -> None:
    due = timezone.now() - dt.timedelta(minutes=1)
    zones = zones_away_from_midnight(due, since=dt.timedelta(minutes=5))
    user_ids = runners_bulk_create([due] * RUNNERS, zones=zones, email_prefix="multi-host-")
    workers = [CeleryWorker(env, rig.log_directory) for env in hosts]
    rig.workers.extend(workers)
    for worker in workers:
        worker.start()
    beat = Beat(
        dict(hosts[0], BEAT_KEY_PREFIX=f"rehabplan:rehearsal:{uuid.uuid4().hex[:8]}:"), rig.log_directory / "beat.log"
    )
    try:
        # Beat dispatches every minute: the first tick and 10,000 e-mails through the sink.
        all_sent = wait_until(lambda: rig.sink.handler.count() >= RUNNERS, timeout=240, every=1.0)
        assert all_sent, f"{rig.sink.handler.count()} of {RUNNERS} sent:\n{log_tail(beat.log)}"
        assert wait_until(rig.idle, timeout=60, every=1.0)
    finally:
        beat.stop()
    received = Counter(rig.sink.handler.recipients())
    assert len(received) == RUNNERS and set(received.values()) == {1}, "each runner exactly one e-mail"
    rows = Reminder.objects.filter(user_id__in=user_ids)
    assert dict(Counter(rows.values_list("status", flat=True))) == {ReminderStatus.SENT: RUNNERS}
    assert "beat: Acquired lock" in beat.log.read_text()
    # Both hosts took part: each worker ran send tasks.
    done = _send_tasks_by_worker(rig, [worker.name for worker in workers])
    assert all(count > 0 for count in done.values()), done


def test_a_morning_check_sent_through_one_host_is_read_through_the_other_at_once(webs: tuple[Web, Web]) -> None:
    host_a, host_b = webs
    runner = PlanFactory().runner
    _token, key = api_token_create(user=runner, name="phone")
    client_id = str(uuid.uuid4())

    status, sent = host_a.call(
        "POST",
        "/api/v1/morning-checks/",
        token=key,
        body={"client_id": client_id, "next_morning_pain": 1, "stiffness": 2, "red_flags": []},
    )
    assert status == 201, sent

    status, days = host_b.call("GET", "/api/v1/morning-checks/", token=key)
    assert status == 200, days
    [day] = days["results"]
    assert (day["date"], day["next_morning_pain"], day["stiffness"]) == (sent["date"], 1, 2)
    # The same client id again, now through the other host: the stored day comes back unchanged, nothing twice.
    status, again = host_b.call("POST", "/api/v1/morning-checks/", token=key, body={"client_id": client_id})
    assert status in {200, 201} and again["date"] == sent["date"], again
