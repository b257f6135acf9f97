"""Settings come from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # `.env` is read only for variables the environment does not set, so each one that matters is set here.
    base = {"PATH": os.environ["PATH"], "DATABASE_URL": "sqlite:////tmp/rehabplan-settings-test.sqlite3"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def test_debug_off_without_secret_key_refuses_to_start() -> None:
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_deploy_check_reports_only_the_documented_hsts_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY="x" * 30 + "-a-long-random-production-key-1234567890",
        ALLOWED_HOSTS="rehabplan.example",
    )
    assert result.returncode == 0, result.stderr
    reported = {line.split(")")[0].split("(")[-1] for line in result.stderr.splitlines() if "(security." in line}
    # README "Deployment checks": HSTS for subdomains and preload stay off until the production domain is known.
    assert reported == {"security.W005", "security.W021"}
