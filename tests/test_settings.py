"""Settings come from the environment; production refuses to start without a secret key, a real database, a shared
cache, a mail server and its public address."""

from __future__ import annotations

import json
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
    "BEHIND_TLS_PROXY": "1",
    "NUM_PROXIES": "1",
}
HTTPS_SETTINGS = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


# A deployment has no `.env` file (its environment comes from /etc/rehabplan/env, docs/deploy.md), while a developer's
# `.env` fills in whatever a process's environment leaves unset: each process here starts with the file ignored, so
# it runs on exactly the variables the test gives and the settings' own defaults.
WITHOUT_ENV_FILE = "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "


def _run(code: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "rehabplan.settings",
        "DATABASE_URL": "sqlite:////tmp/rehabplan-settings-test.sqlite3",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", WITHOUT_ENV_FILE + code, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from django.core.management import execute_from_command_line as run; run(sys.argv)"
    return _run(code, list(args), env)


def _django_setup(**env: str) -> subprocess.CompletedProcess[str]:
    return _run("import django; django.setup()", [], env)


def _settings(*names: str, **env: str) -> dict[str, object]:
    code = "import json, sys; from django.conf import settings; print(json.dumps({n: getattr(settings, n) for n in sys.argv[1:]}))"
    result = _run(code, list(names), env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_debug_off_without_secret_key_refuses_to_start() -> None:
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_deploy_check_reports_no_issues() -> None:
    result = _manage("check", "--deploy", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # The one check silenced, security.W021, only says HSTS preload is off: docs/deploy.md "HTTPS and HSTS".
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


def test_production_is_https_only_behind_the_proxy_with_a_years_hsts_for_subdomains_but_no_preload() -> None:
    assert _settings(*HTTPS_SETTINGS, **PRODUCTION) == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_each_https_choice_is_the_environments_to_change() -> None:
    opted = {
        "SECURE_HSTS_SECONDS": "300",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0",
        "SECURE_HSTS_PRELOAD": "1",
        "BEHIND_TLS_PROXY": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    assert _settings(*HTTPS_SETTINGS, **{**PRODUCTION, **opted}) == {
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 300,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
    }


def test_leaving_subdomains_out_of_hsts_is_reported_by_the_deploy_check() -> None:
    result = _manage("check", "--deploy", **{**PRODUCTION, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "0"})
    assert "(security.W005)" in result.stderr
    assert "(security.W021)" not in result.stderr


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


def test_make_run_keeps_each_e_mail_as_a_file_in_var_mail(tmp_path: Path) -> None:
    """`make run` and a new `.env` use the file backend, so e-mails outlive the worker's log; a relative folder is
    the project's, whichever directory a process starts in."""
    assert "EMAIL_URL=filemail:///var/mail" in (ROOT / ".env.example").read_text().splitlines()
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "MAIL_DIR=var/mail" in script and 'EMAIL_URL="filemail:///$MAIL_DIR"' in script
    assert "export EMAIL_URL" in script and "kept in $MAIL_DIR/" in script  # the banner names the folder

    relative = _settings("EMAIL_BACKEND", "EMAIL_FILE_PATH", DEBUG="1", EMAIL_URL="filemail:///var/mail")
    assert relative == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(ROOT / "var" / "mail"),
    }
    send = "import django; django.setup(); from django.core.mail import send_mail; send_mail('Hello', 'Body', None, ['a@example.test'])"
    for _ in range(2):
        result = _run(send, [], {"DEBUG": "1", "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}"})
        assert result.returncode == 0, result.stderr
    sent = sorted((tmp_path / "mail").iterdir())
    assert len(sent) == 2 and all("Subject: Hello" in path.read_text() for path in sent)
