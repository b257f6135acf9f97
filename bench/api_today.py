"""The API's read budget: `GET /api/v1/plans/{id}/today/` against a bare Django view, under load.

Creates its own PostgreSQL database `rehabplan_bench` (BENCH_DATABASE names another; dropped and made again each
run), migrates it, makes a runner with a plan (24 weeks by default, starting yesterday so today is in it) and an API
token, then starts gunicorn on loopback (sync workers, one per core; DEBUG=0) with bench/bench_settings.py, which adds
one bare view returning a fixed small JSON body (`/bench/bare/`, outside the product's URLs). The API's read cache is
the local Redis (API_CACHE_URL, under a key prefix of this run's own, deleted afterwards). One load tool (wrk) with the
same connections (8 per worker) and duration measures:

  bare         GET /bench/bare/
  today        GET /api/v1/plans/{id}/today/ with `Authorization: Token <key>`, the read cache warm
  304          the same with `If-None-Match: <the current ETag>` (checked to answer 304 before the load)
  ... Redis    today and its 304 again with gunicorn restarted on a read cache where nothing listens: every
  down         request falls back to the database (no budget; every answer must still be 2xx/3xx)

and, before the load, the cache cold: today and its 304 one request at a time, this run's keys deleted before each
(p50 and the slowest, no req/s). Before all that, the hourly sweep runs over the plan twice (the first may plan the
missed day); the second changes nothing, so the ETag read after the first must still answer 304. It prints req/s, p50 and p99 for each load, their ratios to the bare view, and the
budgets: today (warm) ≥ 20 % of the bare view's req/s, the 304 ≥ 40 %, p99 ≤ 100 ms. Exit status 1 when a budget
is missed, the ETag does not survive the sweep that changed nothing, or a response is not 2xx/3xx.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/rehabplan .venv/bin/python bench/api_today.py [--weeks 1]
     [--duration 10] (the URL names the server; the database name in it is not used). wrk is installed with
     apt-get when missing (Debian's package).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Its own database, dropped and made again each run; BENCH_DATABASE names another when several people bench one
# PostgreSQL server at once (two runs on one name drop each other's tables).
BENCH_DB = os.environ.get("BENCH_DATABASE", "rehabplan_bench")
BUDGET_TODAY_RATIO = 0.20
BUDGET_304_RATIO = 0.40
BUDGET_P99_MS = 100.0
CACHE_PREFIX = f"bench-{secrets.token_hex(4)}"  # the Redis database is shared: only this run's keys are touched
NOTHING_LISTENS = "redis://127.0.0.1:1/2"
COLD_SAMPLES = 30


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # responses other than 2xx/3xx, and socket errors


def bench_env(base_url: str) -> dict[str, str]:
    """The environment of this process's Django and of gunicorn: production-like (DEBUG off), the bench database."""
    parts = urlsplit(base_url)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
        DATABASE_URL=urlunsplit(parts._replace(path=f"/{BENCH_DB}")),
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-used-anywhere-else-0123456789",  # noqa: S106 - a throwaway database
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        # Persistent connections, as a production deployment sets them; each worker keeps one.
        CONN_MAX_AGE="60",
        CACHE_URL="locmemcache://",
        API_CACHE_KEY_PREFIX=CACHE_PREFIX,
        LOG_LEVEL="WARNING",
        # One machine: the per-process cache, console e-mail and a loopback SITE_URL are what this trial wants.
        ALLOW_LOCAL_SERVICES="1",
    )
    return env


def recreate_database(base_url: str) -> None:
    import psycopg

    parts = urlsplit(base_url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database(base_url: str) -> None:
    import psycopg

    parts = urlsplit(base_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def seed(weeks: int) -> tuple[int, str]:
    """Migrate, then a runner with a plan of `weeks` weeks that started yesterday, and a token: (plan id, key)."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.services import api_token_create, user_create
    from programs.api.serializers.intake import IntakeSerializer
    from programs.services.plans import plan_start_from_intake

    call_command("migrate", verbosity=0)
    runner = user_create(email="bench.runner@example.test", password=None)
    start = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)  # today is in the plan whatever the time zone
    intake = json.loads((ROOT / "programs" / "data" / "demo_intake.json").read_text())
    serializer = IntakeSerializer(data=intake, context={"start": start})
    if not serializer.is_valid():
        raise SystemExit(f"The demo intake does not validate: {serializer.errors}")
    plan = plan_start_from_intake(runner=runner, data=serializer.data, start=start, weeks=weeks)
    _token, key = api_token_create(user=runner, name="bench")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return plan.pk, key


def sweep_keeps_etag(plan_id: int, url: str, auth: dict[str, str]) -> bool:
    """The hourly replan over the plan twice, then today/ with the ETag read between them: a sweep that changes
    nothing must keep it (304), or every phone would read its plan again each hour."""
    from django.db import connection

    from programs.services.plans import plans_replan

    plans_replan(plan_ids=[plan_id], now=dt.datetime.now(dt.UTC))  # may plan yesterday's missed sessions
    _status, headers, _body = get(url, auth)
    etag = next(value for name, value in headers.items() if name.lower() == "etag")
    changed = plans_replan(plan_ids=[plan_id], now=dt.datetime.now(dt.UTC))
    connection.close()
    status, _headers, _body = get(url, {**auth, "If-None-Match": etag})
    print(
        f"hourly sweep with nothing new: {changed} plans replanned, then today/ with the ETag read before it: {status}"
    )
    return changed == 0 and status == 304


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "rehabplan.wsgi:application",
        "--worker-class=sync",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 30 s.")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:  # urllib raises on 304 and 4xx
        return error.code, dict(error.headers), error.read()


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing Debian's package with apt-get.", flush=True)
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    apt = [*prefix, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    subprocess.run([*apt, "update", "-qq"], check=True)  # noqa: S603
    subprocess.run([*apt, "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed.")
    return found


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unreadable wrk latency {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def run_wrk(
    wrk: str, name: str, url: str, headers: dict[str, str], connections: int, threads: int, seconds: int
) -> Result:
    header_args = [arg for key, value in headers.items() for arg in ("-H", f"{key}: {value}")]
    base = [wrk, f"-t{threads}", f"-c{connections}", "--latency", *header_args]
    subprocess.run([*base, "-d2s", url], check=True, capture_output=True)  # noqa: S603 - warm-up, not counted
    output = subprocess.run([*base, f"-d{seconds}s", url], check=True, capture_output=True, text=True).stdout  # noqa: S603
    percentiles = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise SystemExit(f"Could not read wrk's latency percentiles for {name}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(int(n) for n in errors.groups()) if errors else 0)
    return Result(name, rps, _ms(percentiles["50"]), _ms(percentiles["99"]), requests, bad)


def cache_keys_delete() -> None:
    """Delete this run's keys of the API's read cache (never the shared database's others)."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.API_CACHE_URL)
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def cold(name: str, url: str, headers: dict[str, str], status: int) -> str:
    """One request at a time, the read cache emptied before each: p50 and the slowest, in ms."""
    times = []
    for _ in range(COLD_SAMPLES):
        cache_keys_delete()
        started = time.perf_counter()
        answered, _headers, _body = get(url, headers)
        times.append((time.perf_counter() - started) * 1000)
        if answered != status:
            raise SystemExit(f"{name} with the cache cold answered {answered}, not {status}.")
    times.sort()
    return f"{name:28}p50 {times[len(times) // 2]:6.2f} ms, slowest {times[-1]:6.2f} ms ({COLD_SAMPLES} requests)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--weeks", type=int, default=24, help="weeks of the runner's plan (default 24)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL (default 10)")
    parser.add_argument("--keep-database", action="store_true", help=f"leave {BENCH_DB} in place afterwards")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabplan")
    if not base_url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL server.")
    wrk = ensure_wrk()
    env = bench_env(base_url)
    os.environ.update(env)
    recreate_database(base_url)
    workers = os.cpu_count() or 1
    connections = 8 * workers
    process = None
    try:
        plan_id, key = seed(args.weeks)
        port = free_port()
        process = start_gunicorn(env, port, workers)
        origin = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Token {key}"}
        today_url = f"{origin}/api/v1/plans/{plan_id}/today/"
        # First, so the ETag the 304s send below is the one after the sweeps.
        etag_kept = sweep_keeps_etag(plan_id, today_url, auth)

        status, headers, body = get(today_url, auth)
        if status != 200:
            raise SystemExit(f"GET {today_url} answered {status}: {body[:300]!r}")
        today_bytes = len(body)
        etag = next((value for name, value in headers.items() if name.lower() == "etag"), None)
        if not etag:
            raise SystemExit("The today endpoint sent no ETag.")
        revalidate = {**auth, "If-None-Match": etag}
        status, _headers, body = get(today_url, revalidate)
        if status != 304 or body:
            raise SystemExit(f"If-None-Match with the current ETag answered {status} (expected 304, no body).")
        status, _headers, _body = get(f"{origin}/bench/bare/", {})
        if status != 200:
            raise SystemExit(f"The bare view answered {status}.")

        print(
            f"gunicorn: {workers} sync workers on 127.0.0.1, DEBUG=0, PostgreSQL ({BENCH_DB}), CONN_MAX_AGE=60; "
            f"wrk: {connections} connections, {workers} threads, {args.duration} s per URL after a 2 s warm-up; "
            f"plan of {args.weeks} weeks; today's body {today_bytes} bytes",
            flush=True,
        )
        # Other processes on the machine skew every figure (the database round trips most): say how busy it was.
        one, five, fifteen = os.getloadavg()
        print(f"load average before: {one:.2f} {five:.2f} {fifteen:.2f} on {workers} cores")
        print("the read cache cold, one request at a time:")
        print(cold("today (cold)", today_url, auth, 200))
        print(cold("today 304 (cold)", today_url, revalidate, 304), flush=True)
        load = (connections, workers, args.duration)
        results = [
            run_wrk(wrk, "bare view", f"{origin}/bench/bare/", {}, *load),
            run_wrk(wrk, "today (warm cache)", today_url, auth, *load),
            run_wrk(wrk, "today 304 (warm cache)", today_url, revalidate, *load),
        ]
        stop(process)
        process = start_gunicorn({**env, "API_CACHE_URL": NOTHING_LISTENS}, port, workers)
        results += [
            run_wrk(wrk, "today (Redis down)", today_url, auth, *load),
            run_wrk(wrk, "today 304 (Redis down)", today_url, revalidate, *load),
        ]
        one, five, fifteen = os.getloadavg()
        print(f"load average after: {one:.2f} {five:.2f} {fifteen:.2f} on {workers} cores")
    finally:
        if process is not None:
            stop(process)
        cache_keys_delete()
        if not args.keep_database:
            from django.db import connections as db_connections

            db_connections.close_all()
            drop_database(base_url)
    return report(results, etag_kept)


def report(results: list[Result], etag_kept: bool) -> int:
    bare, today, not_modified = results[:3]
    print(f"{'':28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'of bare':>10}{'requests':>10}{'bad':>6}")
    for result in results:
        ratio = result.rps / bare.rps if bare.rps else 0.0
        print(
            f"{result.name:28}{result.rps:10.1f}{result.p50_ms:10.2f}{result.p99_ms:10.2f}{ratio:10.1%}"
            f"{result.requests:10d}{result.bad:6d}"
        )
    today_share, revalidate_share = today.rps / bare.rps, not_modified.rps / bare.rps
    worst_p99 = max(today.p99_ms, not_modified.p99_ms)
    checks = [
        (
            f"today (warm) {today_share:.1%} of the bare view (budget ≥ {BUDGET_TODAY_RATIO:.0%})",
            today_share >= BUDGET_TODAY_RATIO,
        ),
        (
            f"304 (warm) {revalidate_share:.1%} of the bare view (budget ≥ {BUDGET_304_RATIO:.0%})",
            revalidate_share >= BUDGET_304_RATIO,
        ),
        (f"p99 {worst_p99:.0f} ms, today and 304 warm (budget ≤ {BUDGET_P99_MS:.0f} ms)", worst_p99 <= BUDGET_P99_MS),
        ("every response 2xx/3xx, no socket error", not any(r.bad for r in results)),
        ("the ETag survives an hourly sweep that changes nothing", etag_kept),
    ]
    for label, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {label}")
    return 0 if all(ok for _label, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
