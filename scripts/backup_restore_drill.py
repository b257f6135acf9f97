"""Backup and restore drill: dump a running RehabPlan database, restore it into a fresh one, and show that the app
serves the copy as it served the original (docs/deploy.md "Backups and restore").

    .venv/bin/python scripts/backup_restore_drill.py "$DATABASE_URL" [--target NAME] [--keep]

1. Opens a read-only REPEATABLE READ transaction on the source and exports its snapshot; `pg_dump --format=custom
   --snapshot=…` dumps exactly that snapshot while the app goes on writing, and every source figure below (row counts,
   the API's answers) is read in the same snapshot, so the comparison is exact on a database in use.
2. Creates a fresh database on the same server, `pg_restore --no-owner --exit-on-error` into it, and runs
   `manage.py migrate --check` against it: the restored schema is the code's.
3. Compares the row count of every table, source against copy.
4. Starts gunicorn (the repository's gunicorn.conf.py) against the copy with DEBUG=0 on a free loopback port, waits
   for `/readyz`, signs the runner with the most logged sessions in through `POST /api/v1/auth/token/` (with a
   password set on the copy only) and compares that runner's plan, today and logs JSON with the source's.

Prints each step's figures; exits 1 on any difference or failed step; drops the new database unless --keep.
`--delete-one-row TABLE` removes a row from the copy before the comparison, to see the drill catch a bad restore.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SNAPSHOT_READS = Path(__file__).resolve().parent / "api_reads_at_snapshot.py"
# The host the app is asked for on both sides, so that absolute links in the answers are the same.
HOST = "127.0.0.1"
READY_TIMEOUT_SECONDS = 60


class DrillFailed(Exception):
    """A step that could not be done: the drill stops there."""


def say(line: str) -> None:
    print(line, flush=True)


def database_url(url: str, name: str) -> str:
    return urlsplit(url)._replace(path="/" + name).geturl()


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and an environment that carries it: a password is not shown by `ps`."""
    parts = urlsplit(url)
    if parts.password is None:
        return url, dict(os.environ)
    netloc = parts.netloc.replace(f":{parts.password}@", "@", 1)
    return parts._replace(netloc=netloc).geturl(), os.environ | {"PGPASSWORD": unquote(parts.password)}


def run(args: list[str], env: dict[str, str] | None = None, failure: str = "") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        output = result.stderr.strip() or result.stdout.strip()
        raise DrillFailed((failure or f"{Path(args[0]).name} {args[1]} failed") + (f":\n{output}" if output else "."))
    return result


def ensure_postgresql_client() -> None:
    if shutil.which("pg_dump") and shutil.which("pg_restore"):
        return
    script = ROOT / "scripts" / "ensure-debian-package.sh"
    if subprocess.run(["bash", str(script), "/usr/bin/pg_dump", "postgresql-client", "the backup drill"]).returncode:  # noqa: S603, S607
        raise DrillFailed("pg_dump and pg_restore are needed (Debian's postgresql-client).")


def table_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    counts = {}
    for table in tables:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def busiest_plan(conn: psycopg.Connection[Any]) -> tuple[int, int] | None:
    """(runner id, plan id) of the plan with the most logged sessions, the newest plan among equals."""
    row = conn.execute(
        """SELECT p.runner_id, p.id FROM programs_plan p
           LEFT JOIN programs_plannedsession s ON s.plan_id = p.id
           LEFT JOIN programs_sessionlog l ON l.session_id = s.id
           GROUP BY p.id ORDER BY count(l.id) DESC, p.id DESC LIMIT 1"""
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def app_env(url: str) -> dict[str, str]:
    """The production settings (DEBUG=0, behind a TLS proxy) on the copy, kept apart from the live services: its own
    signing key, a per-process cache and console e-mail, so the drill neither signs, counts nor mails as the app."""
    env = {k: v for k, v in os.environ.items() if k not in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY")}
    return env | {
        "DEBUG": "0",
        "ALLOW_LOCAL_SERVICES": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": HOST,
        "BEHIND_TLS_PROXY": "1",
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "rehabplan.settings",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def request(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    # Host without the port and X-Forwarded-Proto as the reverse proxy sends them: no HTTPS redirect, same links.
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    payload = None if body is None else json.dumps(body)
    if payload is not None:
        headers["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(data)
    except ValueError:
        return response.status, data.decode(errors="replace")


@contextmanager
def gunicorn(url: str) -> Iterator[int]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "rehabplan.wsgi", f"--bind={HOST}:{port}", "--workers=1", "--log-level=warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=app_env(url), start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            try:
                status, body = request(port, "GET", "/readyz")
            except OSError:
                status, body = 0, "no answer"
            if status == 200:
                say(f"  gunicorn on {HOST}:{port}: /readyz 200 {json.dumps(body)}")
                break
            if process.poll() is not None:
                raise DrillFailed("gunicorn stopped before it answered /readyz.")
            if time.monotonic() > deadline:
                raise DrillFailed(f"/readyz did not answer 200 within {READY_TIMEOUT_SECONDS} s: {status} {body}")
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def set_password(url: str, user_id: int, password: str) -> str:
    """Gives the user a password on the copy (the source's is unknown, and stays as it is); returns their e-mail."""
    code = (
        "import os; from django.contrib.auth import get_user_model; "
        "user = get_user_model().objects.get(pk=int(os.environ['DRILL_USER'])); "
        "user.set_password(os.environ['DRILL_PASSWORD']); user.save(update_fields=['password']); print(user.email)"
    )
    env = app_env(url) | {"DRILL_USER": str(user_id), "DRILL_PASSWORD": password}
    return run([sys.executable, "manage.py", "shell", "--no-imports", "-c", code], env).stdout.strip().splitlines()[-1]


def first_difference(source: Any, restored: Any, where: str = "") -> str | None:
    """Where two JSON values first differ and how, e.g. `results[0].entries: 3 in the source, 2 in the copy`."""
    if isinstance(source, dict) and isinstance(restored, dict):
        for key in [*source, *(k for k in restored if k not in source)]:
            inner = f"{where}.{key}" if where else str(key)
            if key not in source or key not in restored:
                return f"{inner}: only in the {'source' if key in source else 'copy'}"
            if found := first_difference(source[key], restored[key], inner):
                return found
        return None
    if isinstance(source, list) and isinstance(restored, list) and len(source) != len(restored):
        return f"{where or 'the list'}: {len(source)} in the source, {len(restored)} in the copy"
    if isinstance(source, list) and isinstance(restored, list):
        pairs = enumerate(zip(source, restored, strict=True))
        return next((found for i, (a, b) in pairs if (found := first_difference(a, b, f"{where}[{i}]"))), None)
    if source == restored:
        return None
    return f"{where + ': ' if where else ''}source {json.dumps(source)[:200]}, copy {json.dumps(restored)[:200]}"


def compare(what: str, source: Any, restored: Any, problems: list[str]) -> None:
    if (difference := first_difference(source, restored)) is not None:
        problems.append(f"{what}: {difference}")


def drill(source_url: str, target: str, keep: bool, delete_one_row: str | None) -> list[str]:
    """The drill's steps; returns the differences found (empty: the copy is the source)."""
    problems: list[str] = []
    target_url = database_url(source_url, target)
    source_dsn, source_env = libpq(source_url)
    with psycopg.connect(source_url, autocommit=True) as admin, psycopg.connect(source_url) as source:
        source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = str(source.execute("SELECT pg_export_snapshot()").fetchone()[0])  # type: ignore[index]
        with tempfile.TemporaryDirectory(prefix="rehabplan-drill-") as tmp:
            dump = Path(tmp) / f"{database_name(source_url)}.dump"
            started = time.monotonic()
            run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", source_dsn], source_env)
            say(
                f"pg_dump: {dump.stat().st_size / 1e6:.2f} MB in {time.monotonic() - started:.1f} s (snapshot {snapshot})"
            )
            admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(target)))
            try:
                started = time.monotonic()
                target_dsn, target_env = libpq(target_url)
                run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target_dsn}", str(dump)], target_env)
                say(f"pg_restore into {target}: {time.monotonic() - started:.1f} s")
                problems += check_copy(source, source_url, snapshot, target_url, delete_one_row)
            finally:
                if keep:
                    say(f"kept {target}: DATABASE_URL={libpq(target_url)[0]} (with the source's password)")
                else:
                    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target)))
                    say(f"dropped {target}")
    return problems


def check_copy(
    source: psycopg.Connection[Any], source_url: str, snapshot: str, target_url: str, delete_one_row: str | None
) -> list[str]:
    problems: list[str] = []
    behind = "the restored schema is not the code's: `manage.py migrate --check` found unapplied migrations"
    run([sys.executable, "manage.py", "migrate", "--check"], app_env(target_url), behind)
    say("migrate --check: every migration of the code is applied in the copy")
    with psycopg.connect(target_url, autocommit=True) as restored:
        if delete_one_row:
            restored.execute(
                sql.SQL("DELETE FROM {0} WHERE ctid = (SELECT ctid FROM {0} LIMIT 1)").format(
                    sql.Identifier(delete_one_row)
                )
            )
            say(f"deleted one row of {delete_one_row} in the copy, as asked")
        source_counts, restored_counts = table_counts(source), table_counts(restored)
    for table in sorted(source_counts.keys() | restored_counts.keys()):
        compare(f"rows in {table}", source_counts.get(table), restored_counts.get(table), problems)
    say(f"row counts compared: {len(source_counts)} tables, {sum(source_counts.values())} rows in the source")
    plan = busiest_plan(source)
    source_reads = {} if plan is None else reads_at_snapshot(source_url, snapshot, *plan)
    # A password on the copy only: the runner then signs in to it as anyone would, through the API's login.
    password = secrets.token_urlsafe(24)
    email = "" if plan is None else set_password(target_url, plan[0], password)
    with gunicorn(target_url) as port:
        if plan is None:
            say("  no plan in the source: no runner's reads to compare")
            return problems
        status, body = request(port, "POST", "/api/v1/auth/token/", {"email": email, "password": password})
        if status != 201:
            raise DrillFailed(f"the runner could not sign in to the copy: {status} {body}")
        say(f"  runner {plan[0]} signed in: POST /api/v1/auth/token/ 201")
        for path, (source_status, source_body) in source_reads.items():
            restored_status, restored_body = request(port, "GET", path, token=body["key"])
            compare(f"GET {path} status", source_status, restored_status, problems)
            compare(f"GET {path}", source_body, restored_body, problems)
            say(f"  GET {path}: source {source_status}, copy {restored_status}, {len(json.dumps(restored_body))} bytes")
    return problems


def reads_at_snapshot(source_url: str, snapshot: str, runner_id: int, plan_id: int) -> dict[str, list[Any]]:
    """The runner's plan, today and logs as the app serves them from the source, at the dump's snapshot."""
    paths = [f"/api/v1/plans/{plan_id}/", f"/api/v1/plans/{plan_id}/today/", f"/api/v1/logs/?plan={plan_id}"]
    reads = run([sys.executable, str(SNAPSHOT_READS), snapshot, str(runner_id), *paths], app_env(source_url))
    return dict(json.loads(reads.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("source", help="the running instance's DATABASE_URL (postgres://USER:PASSWORD@HOST:5432/NAME)")
    parser.add_argument("--target", help="the new database's name (default: SOURCE_drill_YYYYMMDDHHMMSS)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database afterwards")
    parser.add_argument(
        "--delete-one-row",
        metavar="TABLE",
        help="delete one row of TABLE in the copy before comparing: shows the drill catching a bad restore",
    )
    args = parser.parse_args(argv)
    source_name = database_name(args.source)
    target = args.target or f"{source_name}_drill_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", target) or target == source_name:
        parser.error("--target must be a new database's name: lower-case letters, digits and _, not the source's")
    ensure_postgresql_client()
    started = time.monotonic()
    try:
        problems = drill(args.source, target, args.keep, args.delete_one_row)
    except (DrillFailed, psycopg.Error) as error:
        print(f"DRILL FAILED: {error}", file=sys.stderr)
        return 1
    if problems:
        print(f"DRILL FAILED: the copy differs from the source in {len(problems)} place(s):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    say(f"drill passed in {time.monotonic() - started:.1f} s: the copy serves what the source holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
