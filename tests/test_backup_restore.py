"""The backup and restore drill (scripts/backup_restore_drill.py) restores a committed database into a fresh one that
holds the same plan and logs, serves them through gunicorn, and fails loudly when the copy lacks a row."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from programs.models import Plan
from tests.factories.programs import ExerciseLogFactory, PlanFactory, SessionLogFactory

# serialized_rollback: the flush after each test would take the catalogue its migration loaded from the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
DRILL = ROOT / "scripts" / "backup_restore_drill.py"


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def target() -> Iterator[str]:
    """A database name for the copy, dropped after the test whatever the drill left."""
    name = "rp_drill_restored"
    yield name
    with psycopg.connect(_url(settings.DATABASES["default"]["NAME"]), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def logged_plan() -> Plan:
    plan = PlanFactory()
    for session in plan.sessions.order_by("date", "id")[:3]:
        ExerciseLogFactory(session_log=SessionLogFactory(session=session))
    return plan


def _drill(*args: str) -> subprocess.CompletedProcess[str]:
    source = _url(settings.DATABASES["default"]["NAME"])
    return subprocess.run(  # noqa: S603
        [sys.executable, str(DRILL), source, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _exists(name: str) -> bool:
    with psycopg.connect(_url(settings.DATABASES["default"]["NAME"])) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def test_the_restored_database_holds_and_serves_the_same_plan_and_logs(logged_plan: Plan, target: str) -> None:
    result = _drill("--target", target, "--keep")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"GET /api/v1/plans/{logged_plan.pk}/today/: source 200, copy 200" in result.stdout
    assert "drill passed" in result.stdout
    with psycopg.connect(_url(target)) as restored:
        plan = restored.execute(
            "SELECT runner_id, start, status FROM programs_plan WHERE id = %s", [logged_plan.pk]
        ).fetchone()
        logs = restored.execute(
            "SELECT count(*), count(DISTINCT e.id) FROM programs_sessionlog l "
            "JOIN programs_exerciselog e ON e.session_log_id = l.id WHERE l.runner_id = %s",
            [logged_plan.runner_id],
        ).fetchone()
    assert plan == (logged_plan.runner_id, logged_plan.start, logged_plan.status)
    assert logs == (3, 3)


def test_the_drill_fails_naming_what_the_copy_lacks_and_drops_it(logged_plan: Plan, target: str) -> None:
    result = _drill("--target", target, "--delete-one-row", "programs_exerciselog")

    assert result.returncode == 1
    assert "DRILL FAILED: the copy differs from the source" in result.stderr
    assert "rows in programs_exerciselog: source 3, copy 2" in result.stderr
    # The runner's logs as the restored app serves them lack the entry too.
    assert f"GET /api/v1/logs/?plan={logged_plan.pk}: results[" in result.stderr
    assert "entries: 1 in the source, 0 in the copy" in result.stderr
    assert not _exists(target)
