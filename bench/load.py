"""200 phones for 5 minutes against gunicorn, PostgreSQL and Redis: the app on the REST API (`--mix api`, the
default) or the web pages (`--mix html`).

- api (bench/load_api.py): each loop `GET plans/{id}/today/` with If-None-Match, a session log (`POST logs/`) every
  third loop, then the plan or this week (If-None-Match too); 0.5–1.5 s between loops, so 200 phones can ask for
  more than 200 requests a second; token auth (a token per runner). Budgets on 2 sync workers: at least 200
  requests/s, p95 at most 250 ms, no error.
- html (bench/load_phone.py): each tap opens Today, logs what it offers (or the morning check), then opens Progress,
  with 5–15 s between taps, a phone's pace; signed-in sessions; one sync worker per core plus one, as
  docs/deploy.md sizes them. Budget: no error.

Creates its own PostgreSQL database `rehabplan_bench` (or `$BENCH_DATABASE`, as bench/api_today.py does), 200
runners each with a 12-week plan that started a week ago (a signed-in session or an API token each), a private
redis-server on a free port (the shared cache, the throttles and the broker; never the machine's 6379), then gunicorn
on loopback (DEBUG=0) and locust, headless, in a process of its own (FastHttpUser for the API mix: the generator
shares the cores).

Prints requests/s, p50/p95/p99 and errors per step and in all (for the API reads also how many were 304), the CPU
seconds of the web workers and of locust (the generator shares the machine's cores with the server), the load
average before and after (the machine may be shared), and the web workers' memory (RSS, summed over the workers):
before any load, once the load has run for a minute (the code every request needs is loaded by then), and at the
end. Both mixes also budget memory growth under load below 10 % (from the one-minute figure to the end). Exit status
1 when a budget is missed.

Today's API body carries no session ids yet: the API mix reads each runner's sessions to log (the latest day up to
today with any, about three) from the database when it makes the runners; once they are logged, a phone's log is
the retry of its last one (same client_id), which stores nothing, so most of a 5-minute run's logs are retries.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/load.py
     [--mix api|html] [--phones 200] [--minutes 5] [--workers N] [--keep-database]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_today import BENCH_DB, ROOT, bench_env, drop_database, free_port, recreate_database, start_gunicorn, stop

from tests.integration.rig import PrivateRedis

BUDGET_MEMORY_GROWTH = 0.10
WARM_AFTER_SECONDS = 60
# The API mix's budgets, on 2 sync workers.
API_WORKERS = 2
BUDGET_API_RPS = 200.0
BUDGET_API_P95_MS = 250.0
LOCUST_FILES = {"api": "load_api.py", "html": "load_phone.py"}
# Where each locust file finds its phones (a JSON file bench/load.py writes).
PHONES_VARIABLES = {"api": "LOAD_API_PHONES", "html": "LOAD_SESSIONS"}
PACE = {"api": "0.5–1.5 s between loops", "html": "5–15 s between taps"}


def seed(phones: int, mix: str) -> list[Any]:
    """Migrate, then `phones` runners with a plan that started last week, and for each what its phone holds: a
    signed-in session's key (html), or a token, the plan, this week and the bodies of the sessions to log (api)."""
    import datetime as dt

    import django

    django.setup()
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
    held = []
    for n in range(phones):
        runner = user_create(email=f"phone{n}@example.test", password=None)
        plan = plan_start_from_intake(runner=runner, data=serializer.data, start=start, weeks=12)
        held.append(_api_phone(runner, plan) if mix == "api" else _signed_in(runner))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return held


def _signed_in(runner: Any) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(runner.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = runner.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _api_phone(runner: Any, plan: Any) -> dict[str, Any]:
    """A token, the plan, this week and the bodies of the sessions of the latest day up to today that has any (the
    ids read here: today's API body has none yet), each built as the API tests build a log done in full at pain 1."""
    from accounts.services import api_token_create
    from programs.models import PlannedSession
    from programs.selectors.plans import week_number_of
    from programs.selectors.today import runner_today
    from tests.api.log_bodies import log_body

    today = runner_today(runner)
    _token, key = api_token_create(user=runner, name="bench")
    sessions = PlannedSession.objects.filter(plan=plan, date__lte=today, prescriptions__isnull=False).distinct()
    latest = sessions.order_by("-date").values_list("date", flat=True).first()
    to_log = sessions.filter(date=latest).order_by("id") if latest is not None else []
    return {
        "token": key,
        "plan": plan.pk,
        "week": week_number_of(plan, today),
        "logs": [log_body(session) for session in to_log],
    }


def workers_rss(master: subprocess.Popen[bytes]) -> int:
    """Resident memory of gunicorn's workers (the master forks them and serves nothing), in bytes."""
    return sum(child.memory_info().rss for child in psutil.Process(master.pid).children())


def run_locust(mix: str, host: str, phones: int, minutes: int, held: Path, out: Path, env: dict[str, str]) -> float:
    """Run locust to the end; its CPU seconds (user and system)."""
    locust = Path(sys.executable).parent / "locust"
    command = [
        str(locust),
        "-f",
        str(ROOT / "bench" / LOCUST_FILES[mix]),
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
    locust_env = dict(env, **{PHONES_VARIABLES[mix]: str(held)}, LOAD_API_STATUSES=f"{out}_statuses.json")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Path(f"{out}.log").open("wb") as log:
        subprocess.run(command, cwd=ROOT, env=locust_env, stdout=log, stderr=log, check=False)  # noqa: S603
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def workers_cpu(master: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user and system) the web workers have used so far."""
    return sum(sum(child.cpu_times()[:2]) for child in psutil.Process(master.pid).children())


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
    parser.add_argument("--mix", choices=sorted(LOCUST_FILES), default="api")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--workers", type=int, help="sync workers (api: 2, the budget's; html: one per core plus one)")
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
    workers = args.workers or (API_WORKERS if args.mix == "api" else (os.cpu_count() or 1) + 1)
    server = None
    try:
        started = time.monotonic()
        held = work / "phones.json"
        held.write_text(json.dumps(seed(args.phones, args.mix)))
        print(f"{args.phones} runners with plans made in {time.monotonic() - started:.0f} s", flush=True)
        port = free_port()
        server = start_gunicorn(env, port, workers)
        print(
            f"gunicorn: {workers} sync workers, DEBUG=0, PostgreSQL ({BENCH_DB}), CONN_MAX_AGE=60, private Redis "
            f"(cache, throttles, broker); locust: the {args.mix} mix, {args.phones} phones, 20 started a second, "
            f"{PACE[args.mix]}, {args.minutes} min",
            flush=True,
        )
        print(f"load average before: {load_average()}", flush=True)
        cold, cpu_before = workers_rss(server), workers_cpu(server)
        warm: list[int] = []
        timer = threading.Timer(WARM_AFTER_SECONDS, lambda: warm.append(workers_rss(server)))
        timer.start()
        out = work / "load"
        locust_cpu = run_locust(args.mix, f"http://127.0.0.1:{port}", args.phones, args.minutes, held, out, env)
        timer.cancel()
        end, server_cpu = workers_rss(server), workers_cpu(server) - cpu_before
        print(f"load average after: {load_average()}", flush=True)
        print(
            f"CPU used: web workers {server_cpu:.0f} s, locust {locust_cpu:.0f} s, in {args.minutes * 60} s on "
            f"{os.cpu_count()} cores",
            flush=True,
        )
        if not warm:
            raise SystemExit(f"The run was shorter than {WARM_AFTER_SECONDS} s: no warm memory figure.")
        statuses = Path(f"{out}_statuses.json")
        if statuses.exists():
            print_not_modified(json.loads(statuses.read_text()))
        return report(args.mix, read_stats(out), read_failures(out), cold, warm[0], end)
    finally:
        if server is not None:
            stop(server)
        redis.stop()
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(base_url)


def print_not_modified(statuses: dict[str, int]) -> None:
    """Of each API read, how many were 304: the phone's ETag still held (a log makes the next reads 200s)."""
    for name in ("today", "plan", "week"):
        total = sum(count for key, count in statuses.items() if key.split()[0] == name)
        if total:
            print(f"{name}: {statuses.get(f'{name} 304', 0) / total:.0%} of {total:,} answered 304 Not Modified")


def report(
    mix: str, stats: list[dict[str, str]], failures: list[dict[str, str]], cold: int, warm: int, end: int
) -> int:
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
    rps, p95 = float(total["Requests/s"]), float(total["95%"])
    print(
        f"all steps: {rps:.1f} requests/s, p50 {total['50%']} ms, p95 {total['95%']} ms, p99 {total['99%']} ms"
        + ("" if mix == "api" else " (no latency budget is set)")
    )
    checks = [(f"{errors} errors in {requests:,} requests (budget: none)", errors == 0 and requests > 0)]
    if mix == "api":
        checks += [
            (
                f"{rps:.1f} requests/s (budget ≥ {BUDGET_API_RPS:.0f}; load average now {load_average()})",
                rps >= BUDGET_API_RPS,
            ),
            (f"p95 {p95:.0f} ms, all steps (budget ≤ {BUDGET_API_P95_MS:.0f} ms)", p95 <= BUDGET_API_P95_MS),
        ]
    checks += [
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
