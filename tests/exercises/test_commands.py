"""`manage.py load_catalogue`."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import connections

from tests.exercises.conftest import capture_writes, db_snapshot, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def manage(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Runs `manage.py ARGS` in-process, as from a shell: errors go to stderr and exit with their status.

    `run_from_argv` closes the database connections when it finishes; on PostgreSQL that would end the test's
    transaction, so closing is switched off here. And `execute` sets Django up again, which re-applies LOGGING: the
    console handler would be rebuilt on the stderr of that moment, the test's capsys buffer, which pytest closes after
    the test, and every later record in this process would end in "Logging error ... I/O operation on closed file".
    pytest-django has set Django up once already, so logging is left as it is.
    """
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr("django.utils.log.configure_logging", lambda *args: None)

    def run(*args: str) -> None:
        ManagementUtility(["manage.py", *args]).execute()

    return run


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("load_catalogue", *args, stdout=out)
    return out.getvalue().strip()


def test_the_shipped_file_loads_with_a_one_line_summary() -> None:
    assert _run() == "catalogue v1: 0 created, 0 updated, 42 unchanged, 0 deleted, 0 deactivated"


def test_a_changed_file_reports_the_update(
    raw_catalogue: dict[str, Any], write_catalogue: Callable[[dict[str, Any]], Path]
) -> None:
    row(raw_catalogue, "cycling_clip_in")["default_dose"] = {"minutes": 10}
    path = write_catalogue(raw_catalogue)
    assert _run("--file", str(path)) == "catalogue v1: 0 created, 1 updated, 41 unchanged, 0 deleted, 0 deactivated"


@pytest.mark.parametrize(
    ("slug", "change", "message"),
    [
        ("nordic_curl", {"equipment": ["rope"]}, "exercise 'nordic_curl', field 'equipment': unknown equipment 'rope'"),
        ("slider_curl", {"harder": "nordic_on_ball"}, "exercise 'slider_curl', field 'harder'"),
        (
            "askling_glider",
            {"default_dose": {"sets": 3, "reps": -4}},
            "exercise 'askling_glider', field 'default_dose'",
        ),
        ("nordic_curl", {"default_dose": {"sets": 0, "reps": 5}}, "exercise 'nordic_curl', field 'default_dose'"),
        ("pool_kickboard_laps", {"default_dose": {"laps": 5, "reps": 2}}, "field 'default_dose': dosing 'laps'"),
    ],
)
def test_a_bad_file_exits_with_status_2_and_writes_nothing(
    raw_catalogue: dict[str, Any],
    write_catalogue: Callable[[dict[str, Any]], Path],
    capsys: pytest.CaptureFixture[str],
    manage: Callable[..., None],
    slug: str,
    change: dict[str, Any],
    message: str,
) -> None:
    row(raw_catalogue, "glute_bridge")["name"] = "Bridge (renamed)"  # would be written if validation came late
    row(raw_catalogue, slug).update(change)
    path = write_catalogue(raw_catalogue)
    before = db_snapshot()

    with capture_writes() as writes, pytest.raises(SystemExit) as exit_info:
        manage("load_catalogue", "--file", str(path))

    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert writes == []
    assert db_snapshot() == before


def test_a_duplicate_slug_in_the_file_is_rejected(
    raw_catalogue: dict[str, Any],
    write_catalogue: Callable[[dict[str, Any]], Path],
    capsys: pytest.CaptureFixture[str],
    manage: Callable[..., None],
) -> None:
    raw_catalogue["exercises"].append(dict(row(raw_catalogue, "high_knees")))
    path = write_catalogue(raw_catalogue)
    with pytest.raises(SystemExit) as exit_info:
        manage("load_catalogue", "--file", str(path))
    assert exit_info.value.code == 2
    assert "exercise 'high_knees', field 'slug': duplicate slug" in capsys.readouterr().err


def test_a_missing_file_exits_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manage: Callable[..., None]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        manage("load_catalogue", "--file", str(tmp_path / "nope.yaml"))
    assert exit_info.value.code == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_command_line_prints_the_summary_on_success(
    manage: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    manage("load_catalogue")
    assert (
        capsys.readouterr().out.strip() == "catalogue v1: 0 created, 0 updated, 42 unchanged, 0 deleted, 0 deactivated"
    )


def test_the_command_line_in_process_leaves_the_logging_handlers_of_later_tests_alone(
    manage: Callable[..., None], capsys: pytest.CaptureFixture[str]
) -> None:
    before = list(logging.getLogger().handlers)
    manage("load_catalogue")
    assert logging.getLogger().handlers == before
