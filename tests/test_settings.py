"""Settings come from the environment; production refuses to start without a secret key, a real database, a shared
cache, a mail server and its public address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 30 + "-a-long-random-production-key-1234567890",
    "ALLOWED_HOSTS": "rehabplan.example",
    "DATABASE_URL": "postgres://rehabplan:secret@db.internal:5432/rehabplan",
    "CACHE_URL": "rediscache://redis.internal:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@mail.example:587",
    "SITE_URL": "https://rehabplan.example",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # `.env` is read only for variables the environment does not set, so each one that matters is set here.
    base = {"PATH": os.environ["PATH"], "DATABASE_URL": "sqlite:////tmp/rehabplan-settings-test.sqlite3"}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(["manage.py", *args], env)


def _django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    return _run(["-c", "import django; django.setup()"], {"DJANGO_SETTINGS_MODULE": "rehabplan.settings", **env})


def test_debug_off_without_secret_key_refuses_to_start() -> None:
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_deploy_check_reports_only_the_documented_hsts_warnings() -> None:
    result = _manage("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    reported = {line.split(")")[0].split("(")[-1] for line in result.stderr.splitlines() if "(security." in line}
    # README "Deployment checks": HSTS for subdomains and preload stay off until the production domain is known.
    assert reported == {"security.W005", "security.W021"}


def test_production_starts_with_every_service_named() -> None:
    result = _django_setup(**PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", ""),
        ("DATABASE_URL", "sqlite:////tmp/rehabplan.sqlite3"),
        ("CACHE_URL", "locmemcache://"),
        ("CACHE_URL", "dummycache://"),
        ("EMAIL_URL", "consolemail://"),
        ("SITE_URL", "http://127.0.0.1:8000"),
        ("SITE_URL", "http://localhost:8000"),
        ("SITE_URL", ""),
    ],
)
def test_production_refuses_to_start_on_a_development_service_naming_it_in_one_line(variable: str, value: str) -> None:
    result = _django_setup(**{**PRODUCTION, variable: value})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(f"django.core.exceptions.ImproperlyConfigured: With DEBUG=0, {variable} must ")
    others = {"DATABASE_URL", "CACHE_URL", "EMAIL_URL", "SITE_URL"} - {variable}
    assert not any(other in last_line for other in others)


def test_every_missing_service_is_named_on_the_same_line() -> None:
    development = {"DATABASE_URL": "", "CACHE_URL": "locmemcache://", "EMAIL_URL": "consolemail://", "SITE_URL": ""}
    result = _django_setup(**{**PRODUCTION, **development})
    last_line = result.stderr.strip().splitlines()[-1]
    assert all(variable in last_line for variable in development)


def test_development_and_one_machine_trials_still_start_on_local_services() -> None:
    local = {"DATABASE_URL": "", "CACHE_URL": "locmemcache://", "EMAIL_URL": "consolemail://", "SITE_URL": ""}
    assert _django_setup(**{**PRODUCTION, **local, "DEBUG": "1"}).returncode == 0
    trial = _django_setup(**{**PRODUCTION, **local, "ALLOW_LOCAL_SERVICES": "1"})
    assert trial.returncode == 0, trial.stderr
