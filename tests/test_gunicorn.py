"""gunicorn started in the repository root reads gunicorn.conf.py: its request limits hold in front of the app, and
the app's own JSON limits answer through it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_cache import API_CACHE_PREFIX

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _exchange(port: int, request: bytes) -> bytes:
    """One raw HTTP/1.0 exchange: what gunicorn answers, status line first."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


@pytest.fixture(scope="module")
def gunicorn_port() -> Iterator[int]:
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/rehabplan-gunicorn-test.sqlite3"),
        # The API's read cache is a shared Redis database: this server's keys are this run's, deleted after each test.
        "API_CACHE_KEY_PREFIX": API_CACHE_PREFIX,
    }
    process = subprocess.Popen(  # noqa: S603
        [str(GUNICORN), "rehabplan.wsgi", f"--bind=127.0.0.1:{port}", "--workers=1", "--log-level=warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _status(_exchange(port, b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")) == 200:
                    break
            except (OSError, IndexError, ValueError):
                pass
            assert process.poll() is None, "gunicorn stopped before it answered"
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz within 30 s"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)


def test_the_configuration_file_is_read_from_the_repository_root() -> None:
    result = subprocess.run(  # noqa: S603
        [str(GUNICORN), "--print-config", "rehabplan.wsgi"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    settings = dict((part.strip() for part in line.split("=", 1)) for line in result.stdout.splitlines() if "=" in line)
    assert settings["limit_request_line"] == "4094"
    assert settings["limit_request_fields"] == "50"
    assert settings["limit_request_field_size"] == "8190"


def test_a_request_line_over_the_limit_is_refused(gunicorn_port: int) -> None:
    ok = _exchange(gunicorn_port, b"GET /healthz?" + b"a" * 3900 + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert _status(ok) == 200
    refused = _exchange(gunicorn_port, b"GET /healthz?" + b"a" * 4100 + b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert _status(refused) == 414


def test_too_many_or_too_large_header_fields_are_refused(gunicorn_port: int) -> None:
    def headers(count: int, size: int = 10) -> bytes:
        fields = b"".join(b"X-Field-%d: %s\r\n" % (i, b"v" * size) for i in range(count))
        return b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n" + fields + b"\r\n"

    assert _status(_exchange(gunicorn_port, headers(45))) == 200
    assert _status(_exchange(gunicorn_port, headers(60))) == 431
    assert _status(_exchange(gunicorn_port, headers(1, size=8000))) == 200
    assert _status(_exchange(gunicorn_port, headers(1, size=9000))) == 431


def test_deeply_nested_json_through_gunicorn_is_the_apis_json_400(gunicorn_port: int) -> None:
    body = b"[" * 1000
    answer = _exchange(
        gunicorn_port,
        b"POST /api/v1/auth/token/ HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body),
    )
    assert _status(answer) == 400
    assert b"Content-Type: application/json" in answer
    assert b'"detail":' in answer and b"JSON parse error" in answer
