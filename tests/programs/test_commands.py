"""`manage.py generate_plan` prints the plan JSON of docs/design.md §3; bad input exits 2 with a message per field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "generate_plan", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_prints_the_plan_contract(
    tmp_path: Path, intake_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("generate_plan", intake=_write(tmp_path, intake_data), start="2026-11-23", weeks="3")
    plan = json.loads(capsys.readouterr().out)
    assert plan["status"] == "active" and plan["referral"] is None and plan["pathway"]
    assert [w["number"] for w in plan["weeks"]] == [1, 2, 3]
    week = plan["weeks"][0]
    assert set(week["running"]) >= {"target_distance", "unit", "max_runs", "rest_days", "speed_work_allowed", "reason"}
    assert week["running"]["unit"] == "km"
    item = next(i for d in week["days"] for s in d["sessions"] for i in s["items"])
    assert {"exercise", "pain_limit", "reason"} <= set(item)
    assert week["days"][0]["date"] >= "2026-11-23"


def test_same_input_same_output(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    path = _write(tmp_path, intake_data)
    first = _run("--intake", path, "--start", "2026-11-23", "--weeks", "4")
    second = _run("--intake", "-", "--start", "2026-11-23", "--weeks", "4", stdin=json.dumps(intake_data))
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout


def test_invalid_intake_exits_2_with_a_message_per_field(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    intake_data["age"] = "forty"
    intake_data["symptoms"]["pain_at_rest"] = 12
    del intake_data["goal"]
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 2
    assert "age: A valid integer is required." in result.stderr
    assert "symptoms.pain_at_rest: Ensure this value is less than or equal to 10." in result.stderr
    assert "goal: This field is required." in result.stderr
    assert "Traceback" not in result.stderr


def test_field_errors_never_hide_a_red_flag(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    intake_data["age"] = "forty"
    intake_data["symptoms"].update(felt_pop=True, bruising=True, swelling=True, unable_to_walk_normally=True)
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 2
    assert "age: A valid integer is required." in result.stderr
    assert "needs attention (urgent)" in result.stderr
    assert "you cannot walk normally" in result.stderr and "a pop when it started, with bruising" in result.stderr


def test_a_strain_two_days_old_given_in_decimal_weeks_is_referred(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    """The safety review's case: pop, bruising, swelling, cannot walk normally, "0.3 weeks" since onset."""
    intake_data["symptoms"].update(
        onset="sudden", weeks_since_onset=0.3, felt_pop=True, bruising=True, swelling=True, unable_to_walk_normally=True
    )
    result = _run("--intake", _write(tmp_path, intake_data), "--start", "2026-11-23", "--weeks", "4")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["status"] == "needs_clinician" and plan["weeks"] == []
    assert plan["referral"]["urgency"] == "urgent" and plan["referral"]["stops_plan"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "23/11/2026", "--weeks", "4"), "--start"),
        (("--start", "2026-11-23", "--weeks", "0"), "--weeks"),
        (("--start", "2026-11-23", "--weeks", "many"), "--weeks"),
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, intake_data: dict[str, Any], args: tuple[str, ...], message: str) -> None:
    result = _run("--intake", _write(tmp_path, intake_data), *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unreadable_or_broken_files_exit_2(tmp_path: Path) -> None:
    missing = _run("--intake", str(tmp_path / "nope.json"), "--start", "2026-11-23", "--weeks", "4")
    broken = _run("--intake", "-", "--start", "2026-11-23", "--weeks", "4", stdin="{not json")
    assert (missing.returncode, broken.returncode) == (2, 2)
    assert "cannot read" in missing.stderr and "not valid JSON" in broken.stderr
