"""Reminder engine budgets on PostgreSQL, with 100,000 runners across time zones.

Prints:
  1. the dispatcher's time for a minute in which 1,000 runners are due, among 100,000 (budget ≤ 1 s) and among
     10,000 (the two within ±20 %: the minute's work does not grow with the number of runners), and the due scan's
     EXPLAIN (budget: an index scan on the partial index runner_next_reminder_due);
  2. the time for 100,000 due at once to be claimed into the outbox and enqueued (budget < 60 s), and the broker
     messages that took: LLEN of the queue before any worker runs, and Redis's LPUSH count (budget ≤ 1 per 500);
  3. reminders sent per second end to end by one Celery worker (prefork, concurrency 2) to an SMTP sink on
     loopback (budget ≥ 300/s), checking that every runner got exactly one e-mail.

Each line ends "within budget" or "OVER budget". Other work on the machine moves every figure (the load average is
printed first; the dispatcher's minutes are given as a median with their range, and the two populations are compared
on their fastest minute). The runners have no plan, so the send task's rescheduling finds no next session to read
(a runner with a plan costs it a few more queries, shared by the batch).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/reminders.py
     [--runners 100000] [--send 10000 (0: leave out the worker)] [--minutes 9] [--keep-database]
It makes its own database rehabplan_bench (dropped and made again, as bench/api_today.py does), its own
redis-server on a free port (never the machine's 6379) and the SMTP sink in this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api_today import BENCH_DB, drop_database, recreate_database  # noqa: E402 - a sibling script: bench/ is on the path

from tests.integration.rig import (  # noqa: E402
    DEFAULT_QUEUE,
    CeleryWorker,
    PrivateRedis,
    SmtpSink,
    runners_bulk_create,
    wait_until,
    worker_env,
)

PER_MINUTE = 1000
SMALL_POPULATION = 10_000
BUDGET_MINUTE_S = 1.0
BUDGET_MINUTE_DRIFT = 0.20
BUDGET_ALL_DUE_S = 60.0
BUDGET_REMINDERS_PER_MESSAGE = 500
BUDGET_SENT_PER_S = 300.0
DUE_INDEX = "runner_next_reminder_due"
# Every hour of the day is somebody's reminder time, and half-hour zones and both hemispheres' clock changes are in.
ZONES = [
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Cairo",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Pacific/Noumea",
    "Pacific/Auckland",
]


def verdict(ok: bool) -> str:
    return "within budget" if ok else "OVER budget"


def bench_env(base_url: str, redis_url: str, email_url: str) -> dict[str, str]:
    """This process's Django and the worker's: production-like (DEBUG off), the bench database, the private Redis."""
    database = urlunsplit(urlsplit(base_url)._replace(path=f"/{BENCH_DB}"))
    return worker_env(
        database=database,
        broker=redis_url,
        email_url=email_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-used-anywhere-else-0123456789",  # noqa: S106 - a throwaway database
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_URL="locmemcache://",
        ALLOW_LOCAL_SERVICES="1",  # one machine: the per-process cache is what this trial wants
    )


def minute_floor(instant: dt.datetime) -> dt.datetime:
    return instant.replace(second=0, microsecond=0)


def spread(first: int, count: int, base: dt.datetime) -> list[dt.datetime]:
    """Runner i is due in minute i // PER_MINUTE after `base`, at a second of it that varies."""
    return [base + dt.timedelta(minutes=i // PER_MINUTE, seconds=i % 60) for i in range(first, first + count)]


def spread_ms(timings: Sequence[float]) -> str:
    return f"{min(timings) * 1000:.0f}–{max(timings) * 1000:.0f} ms"


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_minutes(base: dt.datetime, minutes: Sequence[int], redis: PrivateRedis) -> list[float]:
    """The dispatcher's wall time for each minute, as beat runs it at the minute's end. Each minute's rows are then
    marked sent, as the workers would have, so the outbox looks like a running system's."""
    from programs.choices import ReminderStatus
    from programs.models import Reminder
    from programs.reminders.dispatch import reminders_dispatch

    timings = []
    for minute in minutes:
        now = base + dt.timedelta(minutes=minute, seconds=59)
        began = time.perf_counter()
        result = reminders_dispatch(now=now)
        timings.append(time.perf_counter() - began)
        if result.created != PER_MINUTE:
            raise SystemExit(f"minute {minute}: the dispatcher made {result.created} rows, expected {PER_MINUTE}")
        Reminder.objects.filter(status=ReminderStatus.PENDING).update(status=ReminderStatus.SENT, sent_at=now)
        redis.client().flushall()
    return timings


def due_scan_plan(base: dt.datetime, minute: int) -> tuple[str, list[str], str]:
    """Run one more minute with its queries captured; EXPLAIN the one that reads due runner profiles. Also says how
    much of that minute was spent in the database."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from programs.reminders.dispatch import reminders_dispatch

    began = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        reminders_dispatch(now=base + dt.timedelta(minutes=minute, seconds=59))
    wall = time.perf_counter() - began
    in_database = sum(float(q["time"]) for q in captured)
    slowest = sorted(captured, key=lambda q: -float(q["time"]))[:3]
    breakdown = (
        f"{len(captured)} queries, {in_database * 1000:.0f} ms of {wall * 1000:.0f} ms in the database; slowest: "
        + "; ".join(f"{float(q['time']) * 1000:.0f} ms {q['sql'][:90]}…" for q in slowest)
    )
    scans = [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and "next_reminder_at" in q["sql"] and "<=" in q["sql"]
    ]
    if not scans:
        raise SystemExit("No query of the dispatcher selects due runner profiles by next_reminder_at.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {scans[0]}")
        return scans[0], [row[0] for row in cursor.fetchall()], breakdown


def reset_all_due(now: dt.datetime) -> None:
    """Every runner due within the last minute (their local date from their own zone), the outbox empty."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_reminder")
        cursor.execute(
            "UPDATE accounts_runnerprofile SET next_reminder_at = %s - (user_id %% 60) * interval '1 second', "
            "next_reminder_on = ((%s - (user_id %% 60) * interval '1 second') AT TIME ZONE timezone)::date",
            [now, now],
        )
    analyze()


def all_due_at_once(runners: int, redis: PrivateRedis) -> None:
    from programs.reminders.dispatch import reminders_dispatch

    now = dt.datetime.now(dt.UTC)
    reset_all_due(now)
    client = redis.client()
    client.flushall()
    client.config_resetstat()
    began = time.perf_counter()
    result = reminders_dispatch(now=now)
    took = time.perf_counter() - began
    messages = redis.queue_length(DEFAULT_QUEUE)
    pushes = redis.command_calls("lpush")
    batches = len(result.enqueued)
    enqueued = sum(len(batch) for batch in result.enqueued)
    # Within a minute after local midnight somewhere, the runners there due a few seconds before it are yesterday's:
    # the catch-up rule skips them.
    print(
        f"{runners:,} due at once: claimed into the outbox and enqueued in {took:.2f} s (budget < {BUDGET_ALL_DUE_S:.0f} s): "
        f"{verdict(took < BUDGET_ALL_DUE_S and result.created == runners == enqueued + result.skipped)}; "
        f"{result.created:,} rows, {enqueued:,} reminders in {batches} batches, {result.skipped:,} skipped as yesterday's"
    )
    per_message = enqueued / messages if messages else float("inf")
    print(
        f"  broker messages: LLEN {DEFAULT_QUEUE} = {messages}, LPUSH calls = {pushes}: one per {per_message:,.0f} "
        f"reminders (budget ≤ 1 per {BUDGET_REMINDERS_PER_MESSAGE}): "
        f"{verdict(0 < messages <= -(-enqueued // BUDGET_REMINDERS_PER_MESSAGE) and pushes <= messages)}"
    )


def end_to_end(count: int, env: dict[str, str], redis: PrivateRedis, sink: SmtpSink, log_directory: Path) -> None:
    """`count` runners due now, dispatched with no worker running; then one worker sends them all."""
    from django.db import connection

    from accounts.models import User
    from programs.choices import ReminderStatus
    from programs.models import Reminder
    from programs.reminders.dispatch import reminders_dispatch

    now = dt.datetime.now(dt.UTC)
    reset_all_due(now)
    with connection.cursor() as cursor:  # only the first `count` runners are due
        cursor.execute(
            "UPDATE accounts_runnerprofile SET next_reminder_at = NULL WHERE user_id NOT IN "
            "(SELECT user_id FROM accounts_runnerprofile ORDER BY user_id LIMIT %s)",
            [count],
        )
    redis.client().flushall()
    result = reminders_dispatch(now=now)
    if result.created != count:
        raise SystemExit(f"end to end: the dispatcher made {result.created} rows, expected {count}")
    expected = count - result.skipped  # yesterday's, just after a local midnight (see all_due_at_once)
    connection.close()  # the worker's two processes and this one share the machine's two cores

    worker = CeleryWorker(env, log_directory, concurrency=2)
    began = time.monotonic()
    worker.start(ready_timeout=60)
    try:
        finished = wait_until(lambda: sink.handler.count() >= expected, timeout=max(120, expected / 50), every=0.5)
    finally:
        worker.stop()
    wall = time.monotonic() - began
    delivered = sink.handler.delivered
    if not finished or len(delivered) < 2:
        raise SystemExit(f"end to end: {len(delivered)} of {expected} e-mails arrived (worker log: {worker.log})")
    first, last = delivered[0].at, delivered[-1].at
    rate = (len(delivered) - 1) / (last - first)
    sent = Reminder.objects.filter(status=ReminderStatus.SENT).count()
    repeats = sum(1 for n in Counter(d.recipient for d in delivered).values() if n > 1)
    runners = User.objects.filter(reminders__status=ReminderStatus.SENT).distinct().count()
    print(
        f"end to end, one worker (prefork, concurrency 2) to an SMTP sink on loopback: {rate:.0f} reminders/s "
        f"(first to last of {len(delivered):,} e-mails; {wall:.1f} s with the worker's start) "
        f"(budget ≥ {BUDGET_SENT_PER_S:.0f}/s): {verdict(rate >= BUDGET_SENT_PER_S)}"
    )
    print(
        f"  {sent:,} rows sent of {expected:,} ({result.skipped} skipped as yesterday's), {runners:,} runners, "
        f"{repeats} got an e-mail twice: "
        f"{'every runner exactly once' if sent == expected == len(delivered) == runners and not repeats else 'NOT exactly once'}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runners", type=int, default=100_000, help="runners in the large population (100,000)")
    parser.add_argument(
        "--send", type=int, default=10_000, help="reminders the worker sends end to end (10,000; 0 leaves it out)"
    )
    parser.add_argument("--minutes", type=int, default=9, help="minutes timed for each population (9)")
    parser.add_argument("--keep-database", action="store_true", help=f"leave {BENCH_DB} in place afterwards")
    args = parser.parse_args()
    if args.runners < 2 * SMALL_POPULATION or args.send > args.runners:
        raise SystemExit(f"--runners must be at least {2 * SMALL_POPULATION:,} and at least --send.")

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabplan")
    if not base_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    log_directory = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    redis = PrivateRedis(log_directory)
    sink = SmtpSink()
    redis.start()
    sink.start()
    env = bench_env(base_url, redis.url, sink.url)
    os.environ.update(env)
    recreate_database(base_url)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(
            f"PostgreSQL ({BENCH_DB}), private redis-server on port {redis.port}, batches of "
            f"{settings.REMINDER_BATCH_SIZE}, {len(ZONES)} time zones; load average {os.getloadavg()[0]:.2f} "
            f"on {os.cpu_count()} cores",
            flush=True,
        )
        base = minute_floor(dt.datetime.now(dt.UTC)) + dt.timedelta(minutes=1)
        # Minute 0 of each population warms the process's caches and is not counted.
        small_minutes = list(range(args.minutes + 1))
        large_minutes = [minute + len(small_minutes) for minute in small_minutes]

        began = time.perf_counter()
        runners_bulk_create(spread(0, SMALL_POPULATION, base), zones=ZONES, email_prefix="r")
        analyze()
        small_timings = time_minutes(base, small_minutes, redis)[1:]
        runners_bulk_create(
            spread(SMALL_POPULATION, args.runners - SMALL_POPULATION, base),
            zones=ZONES,
            email_prefix="r",
            first_index=SMALL_POPULATION,
        )
        analyze()
        print(f"({args.runners:,} runners written in {time.perf_counter() - began:.0f} s)", flush=True)
        large_timings = time_minutes(base, large_minutes, redis)[1:]
        small, large = statistics.median(small_timings), statistics.median(large_timings)
        # The populations are compared on their fastest minutes: other work on the machine only ever adds time, and a
        # burst of it during one population's minutes moves a median of nine by a third.
        drift = min(large_timings) / min(small_timings) - 1
        median_drift = large / small - 1
        print(
            f"dispatcher, a minute with {PER_MINUTE:,} due among {args.runners:,} runners: median {large * 1000:.0f} ms "
            f"({spread_ms(large_timings)} over {args.minutes} minutes) (budget ≤ {BUDGET_MINUTE_S * 1000:.0f} ms): "
            f"{verdict(large <= BUDGET_MINUTE_S)}"
        )
        print(
            f"dispatcher, the same among {SMALL_POPULATION:,} runners: median {small * 1000:.0f} ms "
            f"({spread_ms(small_timings)}); "
            f"{args.runners:,} against {SMALL_POPULATION:,}: fastest minutes {drift:+.0%}, medians {median_drift:+.0%} "
            f"(budget ±{BUDGET_MINUTE_DRIFT:.0%}, on the fastest): {verdict(abs(drift) <= BUDGET_MINUTE_DRIFT)}"
        )
        sql, plan, breakdown = due_scan_plan(base, large_minutes[-1] + 1)
        uses_index = any(DUE_INDEX in line and "Index" in line for line in plan)
        print(f"due scan uses the index {DUE_INDEX}: {verdict(uses_index)}\n  {sql}")
        print("\n".join(f"  | {line}" for line in plan))
        print(f"  one minute with its queries captured: {breakdown}", flush=True)

        all_due_at_once(args.runners, redis)
        if args.send:
            end_to_end(args.send, env, redis, sink, log_directory)
    finally:
        sink.stop()
        redis.stop()
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(base_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
