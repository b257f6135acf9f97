"""Real things for the reminder engine's integration tests and bench/reminders.py: a private redis-server, an SMTP
sink in this process, a Celery worker subprocess, and many runners written at once.

Everything listens on 127.0.0.1 on a free port, so the machine's own Redis (6379) and a `make run` worker are never
touched, and stopping this Redis is an outage only for the worker started against it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.message
import email.parser
import email.policy
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import redis
from aiosmtpd.controller import Controller
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
REDIS_SERVER = shutil.which("redis-server")
# The queue every send and dispatch task goes to (the project sets no other): LLEN of it counts broker messages.
DEFAULT_QUEUE = "celery"
SESSION_LINES = ["Nordic hamstring curl: 2 sets of 5"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def log_tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class PrivateRedis:
    """A redis-server of our own, without persistence: stopping it loses every queued message, as a crash would."""

    def __init__(self, directory: Path) -> None:
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed (scripts/ensure-services.sh installs it).")
        self.port = free_port()
        self.directory = directory
        self.log = directory / f"redis-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        assert REDIS_SERVER is not None
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), "--logfile", str(self.log)]
        # CI's second run moves the clock a year ahead with libfaketime, which redis-server's allocator cannot run
        # under. The server's clock only times key expiry, which is relative; the workers' clocks are what count.
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
        self.process = subprocess.Popen(command, start_new_session=True, env=env)  # noqa: S603 - our own argv
        if not wait_until(self._answers, timeout=10):
            self.stop()
            raise RuntimeError(f"redis-server did not answer on port {self.port}:\n{log_tail(self.log)}")

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def queue_length(self, queue: str = DEFAULT_QUEUE) -> int:
        return int(self.client().llen(queue))

    def command_calls(self, command: str) -> int:
        """How many times the server ran a command (INFO commandstats), e.g. "lpush": kombu publishes with LPUSH."""
        stats: dict[str, Any] = self.client().info("commandstats")
        return int(stats.get(f"cmdstat_{command.lower()}", {}).get("calls", 0))


@dataclass(frozen=True)
class Delivered:
    recipient: str
    content: bytes
    at: float  # time.monotonic() when the sink accepted it

    # Read when asked, not when accepted: the sink stays cheap enough not to be what a throughput figure measures.
    @property
    def headers(self) -> email.message.EmailMessage:
        return email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(self.content)

    @property
    def subject(self) -> str:
        return str(self.headers["Subject"] or "")

    @property
    def message_id(self) -> str:
        return str(self.headers["Message-ID"] or "")


class SinkHandler:
    """Accepts every message and records it. `hold_from(n)` makes the n-th RCPT and every later one wait, before
    DATA (so those messages are not accepted), until `release()`; `hold_one(n)` makes only the n-th wait, as one
    slow connection would. `holding` is set when the first one waits."""

    def __init__(self) -> None:
        self.delivered: list[Delivered] = []
        self.recipients_seen = 0
        self.held = 0
        self.held_recipients: list[str] = []
        self.holding = threading.Event()
        self._hold_at: int | None = None
        self._hold_only_one = False
        self._released = threading.Event()
        self._lock = threading.Lock()

    def hold_from(self, n: int) -> None:
        self._hold_at, self._hold_only_one = n, False
        self._released.clear()
        self.holding.clear()

    def hold_one(self, n: int) -> None:
        self.hold_from(n)
        self._hold_only_one = True

    def release(self) -> None:
        self._hold_at = None
        self._released.set()

    async def handle_RCPT(
        self, server: object, session: object, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        with self._lock:
            self.recipients_seen += 1
            hold = self._hold_at is not None and (
                self.recipients_seen == self._hold_at
                or (self.recipients_seen > self._hold_at and not self._hold_only_one)
            )
            if hold:
                self.held += 1
                self.held_recipients.append(address)
        if hold:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        now = time.monotonic()
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.delivered.append(Delivered(recipient, envelope.original_content, now))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self._lock:
            return [d.recipient for d in self.delivered]

    def count(self) -> int:
        with self._lock:
            return len(self.delivered)


class SmtpSink:
    def __init__(self) -> None:
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        # aiosmtpd logs every SMTP command at INFO: thousands of lines, and time, under Django's root logger.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()

    def stop(self) -> None:
        self.handler.release()  # a held session would keep the loop from closing
        self.controller.stop()


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database Django is using now (the test database pytest-django made), for a subprocess."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def worker_env(*, database: str, broker: str, email_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="rehabplan.settings",
        DATABASE_URL=database,
        REDIS_URL=broker,
        EMAIL_URL=email_url,
        SITE_URL="http://testserver.local",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


class CeleryWorker:
    """`celery -A rehabplan worker -P prefork` in its own process group, so SIGKILL takes its pool children too."""

    def __init__(self, env: dict[str, str], log_directory: Path, *, concurrency: int = 2) -> None:
        self.env = env
        self.concurrency = concurrency
        self.name = f"reminders-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        self.log = log_directory / f"worker-{self.name.split('@')[0]}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready_timeout: float = 30) -> None:
        command = [str(CELERY), "-A", "rehabplan", "worker", "-c", str(self.concurrency), "-P", "prefork"]
        command += ["--without-mingle", "--without-gossip", "-l", "warning", "-n", self.name]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        if not wait_until(self.answers, timeout=ready_timeout, every=0.3):
            self.stop()
            raise RuntimeError(
                f"The Celery worker did not answer a ping within {ready_timeout} s:\n{log_tail(self.log)}"
            )

    def answers(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        app = broker_app(self.env["REDIS_URL"])
        try:
            return bool(app.control.ping(destination=[self.name], timeout=0.5))
        except Exception:  # the broker may be down (an outage test): not answering
            return False
        finally:
            app.close()

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children die mid-task, nothing is acknowledged."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def broker_app(url: str) -> Celery:
    """A bare Celery app on a given broker, so the project's own app config is never changed by a test."""
    return Celery("reminders-rig", broker=url, set_as_current=False)


def dispatch_due(broker: str) -> None:
    """What beat does every minute: ask a worker for the dispatcher, by task name."""
    app = broker_app(broker)
    try:
        app.send_task("programs.tasks.reminders_dispatch_due")
    finally:
        app.close()


# Short enough that a test sees a dead worker's rows come back soon. A live batch of 500 takes a second or two here,
# and the tests dispatch again only once the worker is idle, so no live batch outlives its lease unless a test means it.
LEASE_SECONDS = 5
REENQUEUE_SECONDS = 5


@dataclass
class Rig:
    """One test's Redis, sink and workers (the worker environment points at all three and the test database)."""

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


ZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata"]


def zones_away_from_midnight(now: dt.datetime, *, since: dt.timedelta) -> list[str]:
    """Zones where it is one local day from `since` before now until a few minutes after: a reminder due in that time
    stays today's for the whole test (the catch-up rule sends only today's)."""
    first, last = now - since, now + dt.timedelta(minutes=5)
    return [z for z in ZONES if first.astimezone(ZoneInfo(z)).date() == last.astimezone(ZoneInfo(z)).date()]


def runners_bulk_create(
    due: Sequence[dt.datetime], *, zones: Sequence[str], email_prefix: str, first_index: int = 0, batch_size: int = 5000
) -> list[int]:
    """One runner per instant in `due`, time zones taken in turn. Each one's next reminder is a session reminder at
    that instant, which is their reminder time in their zone on their local date; quiet hours off, so nothing but the
    engine decides when it goes. Runner i is `<email_prefix><first_index + i>@example.test`, so a second call with
    the same prefix continues the numbering. Returns the user ids, in the order of `due`."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from accounts.models import Role, RunnerProfile, User

    password = make_password(None)  # unusable: these runners never log in
    zone_infos = [ZoneInfo(zone) for zone in zones]
    ids: list[int] = []
    for start in range(0, len(due), batch_size):
        chunk = range(start, min(start + batch_size, len(due)))
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(email=f"{email_prefix}{first_index + i}@example.test", role=Role.RUNNER, password=password)
                    for i in chunk
                ]
            )
            profiles = []
            for i, user in zip(chunk, users, strict=True):
                zone = zone_infos[(first_index + i) % len(zone_infos)]
                local = due[i].astimezone(zone)
                profiles.append(
                    RunnerProfile(
                        user=user,
                        timezone=zone.key,
                        reminder_time=local.time().replace(second=0, microsecond=0),
                        quiet_hours_start=None,
                        quiet_hours_end=None,
                        next_reminder_at=due[i],
                        next_reminder_on=local.date(),
                        # As reminders_reschedule stores it; no plan, so the lines are given here.
                        next_reminder={"kinds": ["session"], "plan_id": None, "session": {"lines": SESSION_LINES}},
                    )
                )
            RunnerProfile.objects.bulk_create(profiles)
        ids.extend(user.pk for user in users)
    return ids
