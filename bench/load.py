"""200 phones for 5 minutes: each opens Today, logs, then opens Progress, against gunicorn, PostgreSQL and Redis.

Creates its own PostgreSQL database `rehabplan_bench` (as bench/api_today.py does), 200 runners each with a 12-week
plan and a signed-in session, a private redis-server on a free port (the shared cache, the throttles and the
broker; never the machine's 6379), then gunicorn on loopback (DEBUG=0, sync workers, one per core plus one, as
docs/deploy.md sizes them) and locust, headless, in a process of its own (bench/load_phone.py is one phone).

Prints requests/s, p50/p95/p99 and errors per step and in all, and the web workers' memory (RSS, summed over the
workers): before any load, once the load has run for a minute (the code every request needs is loaded by then:
templates, the clinical core), and at the end. Budgets: no error at all, and memory growth under load below 10 %
(from the one-minute figure to the end). Exit status 1 when a budget is missed.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/load.py
     [--phones 200] [--minutes 5] [--keep-database]
The load generator shares the machine's cores with the server: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_today import BENCH_DB, ROOT, bench_env, drop_database, free_port, recreate_database, start_gunicorn, stop

from tests.integration.rig import PrivateRedis

BUDGET_MEMORY_GROWTH = 0.10
WARM_AFTER_SECONDS = 60


def seed(phones: int) -> list[str]:
    """Migrate, then `phones` runners with a plan that started last week and a signed-in session each: their keys."""
    import datetime as dt

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from accounts.services import user_create
    from programs.api.serializers.intake import IntakeSerializer
    from programs.services.plans import plan_start_from_intake

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the collected files (WhiteNoise)
    intake = json.loads((ROOT / "programs" / "data" / "demo_intake.json").read_text())
    # Every day is a training day, so most phones have a session to log whatever day the benchmark runs.
    intake["available_days"] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)
    serializer = IntakeSerializer(data=intake, context={"start": start})
    if not serializer.is_valid():
        raise SystemExit(f"The bench intake does not validate: {serializer.errors}")
    keys = []
    for n in range(phones):
        runner = user_create(email=f"phone{n}@example.test", password=None)
        plan_start_from_intake(runner=runner, data=serializer.data, start=start, weeks=12)
        session = SessionStore()
        session[SESSION_KEY] = str(runner.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = runner.get_session_auth_hash()
        session.create()
        keys.append(str(session.session_key))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return keys


def workers_rss(master: subprocess.Popen[bytes]) -> int:
    """Resident memory of gunicorn's workers (the master forks them and serves nothing), in bytes."""
    return sum(child.memory_info().rss for child in psutil.Process(master.pid).children())


def run_locust(host: str, phones: int, minutes: int, sessions: Path, out: Path, env: dict[str, str]) -> int:
    locust = Path(sys.executable).parent / "locust"
    command = [
        str(locust),
        "-f",
        str(ROOT / "bench" / "load_phone.py"),
        "--headless",
        f"--users={phones}",
        "--spawn-rate=20",
        f"--run-time={minutes}m",
        f"--host={host}",
        f"--csv={out}",
        "--only-summary",
        "--loglevel=WARNING",
        "--exit-code-on-error=0",
    ]
    locust_env = dict(env, LOAD_SESSIONS=str(sessions))
    with Path(f"{out}.log").open("wb") as log:
        return subprocess.run(command, cwd=ROOT, env=locust_env, stdout=log, stderr=log, check=False).returncode  # noqa: S603


def read_stats(out: Path) -> list[dict[str, str]]:
    with Path(f"{out}_stats.csv").open() as stats:
        return list(csv.DictReader(stats))


def read_failures(out: Path) -> list[dict[str, str]]:
    path = Path(f"{out}_failures.csv")
    return list(csv.DictReader(path.open())) if path.exists() else []


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--keep-database", action="store_true", help=f"leave {BENCH_DB} in place afterwards")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabplan")
    if not base_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    work = Path(tempfile.mkdtemp(prefix="rehabplan-load-"))
    redis = PrivateRedis(work)
    redis.start()
    env = bench_env(base_url)
    env.update(
        DJANGO_SETTINGS_MODULE="rehabplan.settings",
        CACHE_URL=f"rediscache://127.0.0.1:{redis.port}/1",
        REDIS_URL=redis.url,
        # Loopback HTTP: the cookies must go back without TLS.
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    os.environ.update(env)
    recreate_database(base_url)
    workers = (os.cpu_count() or 1) + 1
    server = None
    try:
        started = time.monotonic()
        sessions = work / "sessions.json"
        sessions.write_text(json.dumps(seed(args.phones)))
        print(f"{args.phones} runners with plans and sessions made in {time.monotonic() - started:.0f} s", flush=True)
        port = free_port()
        server = start_gunicorn(env, port, workers)
        print(
            f"gunicorn: {workers} sync workers, DEBUG=0, PostgreSQL ({BENCH_DB}), CONN_MAX_AGE=60, private Redis "
            f"(cache, throttles, broker); locust: {args.phones} phones, 20 started a second, "
            f"5–15 s between taps, {args.minutes} min",
            flush=True,
        )
        print(f"load average before: {load_average()}", flush=True)
        cold = workers_rss(server)
        warm: list[int] = []
        timer = threading.Timer(WARM_AFTER_SECONDS, lambda: warm.append(workers_rss(server)))
        timer.start()
        out = work / "load"
        run_locust(f"http://127.0.0.1:{port}", args.phones, args.minutes, sessions, out, env)
        timer.cancel()
        end = workers_rss(server)
        print(f"load average after: {load_average()}", flush=True)
        if not warm:
            raise SystemExit(f"The run was shorter than {WARM_AFTER_SECONDS} s: no warm memory figure.")
        return report(read_stats(out), read_failures(out), cold, warm[0], end)
    finally:
        if server is not None:
            stop(server)
        redis.stop()
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(base_url)


def report(stats: list[dict[str, str]], failures: list[dict[str, str]], cold: int, warm: int, end: int) -> int:
    print(f"{'':18}{'requests':>10}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}")
    for row in stats:
        print(
            f"{row['Name']:18}{int(row['Request Count']):10d}{int(row['Failure Count']):8d}"
            f"{float(row['Requests/s']):8.1f}{row['50%']:>8}{row['95%']:>8}{row['99%']:>8}"
            f"{float(row['Max Response Time']):8.0f}"
        )
    for failure in failures[:10]:
        print(f"error: {failure['Method']} {failure['Name']}: {failure['Error']} ({failure['Occurrences']} times)")
    total = next(row for row in stats if row["Name"] == "Aggregated")
    growth = (end - warm) / warm
    mib = 1024 * 1024
    print(
        f"web workers' memory: {cold / mib:.0f} MiB before the load, {warm / mib:.0f} MiB after "
        f"{WARM_AFTER_SECONDS} s, {end / mib:.0f} MiB at the end ({growth:+.1%} under load)"
    )
    requests, errors = int(total["Request Count"]), int(total["Failure Count"])
    print(
        f"all steps: {float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms (no latency budget is set)"
    )
    checks = [
        (f"{errors} errors in {requests:,} requests (budget: none)", errors == 0 and requests > 0),
        (
            f"web workers' memory {growth:+.1%} under load (budget < {BUDGET_MEMORY_GROWTH:.0%})",
            growth < BUDGET_MEMORY_GROWTH,
        ),
    ]
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
