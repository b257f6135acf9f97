"""`manage.py generate_plan --logs FILE --today DAY` replays logs through the rules the app uses and lists the
changes; a bad entry is named with its field, exit status 2."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
START = "2026-11-23"  # a Monday; the demo intake (overuse, limit 5) has strength on Mon/Wed/Sun...


def _replay(tmp_path: Path, intake: dict[str, Any], logs: Any, *extra: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "intake.json").write_text(json.dumps(intake))
    (tmp_path / "logs.json").write_text(json.dumps(logs))
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "generate_plan",
            "--intake",
            str(tmp_path / "intake.json"),
            "--start",
            START,
            "--weeks",
            "4",
            "--logs",
            str(tmp_path / "logs.json"),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _first(plan: dict[str, Any], exercise: str) -> str:
    return _dates(plan, exercise)[0]


def _dates(plan: dict[str, Any], exercise: str) -> list[str]:
    return [
        d["date"]
        for w in plan["weeks"]
        for d in w["days"]
        for s in d["sessions"]
        for i in s["items"]
        if i["exercise"] == exercise
    ]


@pytest.fixture
def plan(tmp_path: Path, intake_data: dict[str, Any]) -> dict[str, Any]:
    return _ok(_replay(tmp_path, intake_data, []))


def test_no_logs_prints_the_plan_with_an_empty_change_list_when_evaluated_on_the_start(
    tmp_path: Path, intake_data: dict[str, Any]
) -> None:
    result = _ok(_replay(tmp_path, intake_data, [], "--today", START))
    assert result["changes"] == [] and result["status"] == "active" and len(result["weeks"]) == 4


def test_severe_pain_pauses_the_exercise(tmp_path: Path, intake_data: dict[str, Any], plan: dict[str, Any]) -> None:
    day = _first(plan, "single_leg_bridge")
    logs = [{"date": day, "exercise": "single_leg_bridge", "completed": True, "pain_during": 8, "pain_after": 7}]
    result = _ok(_replay(tmp_path, intake_data, logs))
    pause = [c for c in result["changes"] if c["action"] == "pause"]
    assert pause == [{"date": day, "exercise": "single_leg_bridge", "action": "pause", "reason": pause[0]["reason"]}]
    assert all(d <= day for d in _dates(result, "single_leg_bridge"))
    assert not result["weeks"][1]["running"]["speed_work_allowed"]


def test_a_paused_exercise_comes_back_after_a_pain_free_check(
    tmp_path: Path, intake_data: dict[str, Any], plan: dict[str, Any]
) -> None:
    day = _first(plan, "single_leg_bridge")
    check = (dt.date.fromisoformat(day) + dt.timedelta(days=2)).isoformat()
    logs = [
        {"date": day, "exercise": "single_leg_bridge", "completed": True, "pain_during": 8, "pain_after": 7},
        {"date": check, "morning": {"pain": 1, "pain_free_check": True}},
    ]
    result = _ok(_replay(tmp_path, intake_data, logs))
    resume = [c for c in result["changes"] if c["action"] == "resume"]
    assert resume and resume[0]["exercise"] == "single_leg_bridge" and resume[0]["date"] == check
    assert [d for d in _dates(result, "single_leg_bridge") + _dates(result, "glute_bridge") if d > check]


def test_an_advise_tier_red_flag_keeps_the_plan_with_the_advice(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    result = _ok(_replay(tmp_path, intake_data, [{"date": START, "red_flags": ["numbness_or_tingling"]}]))
    assert result["status"] == "active" and result["referral"]["stops_plan"] is False
    assert "numbness or tingling" in result["referral"]["reasons"]
    later = [
        i["exercise"]
        for w in result["weeks"]
        for d in w["days"]
        if d["date"] > START
        for s in d["sessions"]
        for i in s["items"]
    ]
    assert later and "active_isolated_stretching" not in later


def test_a_morning_above_the_limit_holds_all_loading(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    result = _ok(_replay(tmp_path, intake_data, [{"date": START, "morning": {"pain": 6, "stiffness": 3}}]))
    assert [c["action"] for c in result["changes"] if c["exercise"] is None] == ["hold"]
    targets = [w["running"]["target_distance"] for w in result["weeks"]]
    assert targets[1] == targets[0]


def test_a_painful_run_holds_running(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    logs = [{"date": START, "run": {"distance": 6, "pain_during": 7, "tightness_after": True}}]
    result = _ok(_replay(tmp_path, intake_data, logs))
    running = [c for c in result["changes"] if c["exercise"] == "running"]
    assert running and running[0]["action"] == "running" and "hurt 7/10" in running[0]["reason"]


def test_a_stop_tier_red_flag_stops_the_plan_and_keeps_the_history(
    tmp_path: Path, intake_data: dict[str, Any], plan: dict[str, Any]
) -> None:
    day = _first(plan, "single_leg_bridge")
    logs = [
        {"date": day, "exercise": "single_leg_bridge", "completed": True, "pain_during": 1, "pain_after": 1},
        {"date": day, "red_flags": ["bladder_or_bowel_change"]},
    ]
    result = _ok(_replay(tmp_path, intake_data, logs))
    assert result["status"] == "needs_clinician" and result["referral"]["urgency"] == "emergency"
    assert result["referral"]["stops_plan"] is True
    assert any(c["action"] == "red_flag" for c in result["changes"])
    sessions_after = [s for w in result["weeks"] for d in w["days"] if d["date"] > day for s in d["sessions"]]
    assert sessions_after == [], "the future is withdrawn"
    assert _dates(result, "single_leg_bridge") == [day], "what was done stays"


def test_missed_sessions_are_held_on_the_day_evaluated(tmp_path: Path, intake_data: dict[str, Any]) -> None:
    result = _ok(_replay(tmp_path, intake_data, [], "--today", "2026-12-07"))
    missed = [c for c in result["changes"] if c["action"] == "hold" and "was not logged" in c["reason"]]
    assert missed and all(c["date"] == "2026-12-07" for c in missed)


@pytest.mark.parametrize(
    ("logs", "message"),
    [
        ({"date": START}, "--logs: the file must hold a JSON list of entries."),
        (
            [{"date": START, "exercise": "nordic_curl", "completed": True, "pain_during": 1, "pain_after": 1}],
            "logs[0].exercise: nordic_curl is not planned on 2026-11-23.",
        ),
        (
            [{"date": START, "morning": {"pain": 11}}],
            "logs[0].morning.pain: Ensure this value is less than or equal to 10.",
        ),
        ([{"date": "23/11/2026", "morning": {"pain": 1}}], "logs[0].date: Date has wrong format."),
        (
            [{"date": START}],
            "logs[0].entry: Give exactly one of exercise, run, morning, red_flags or stage_check (got none).",
        ),
        ([{"date": START, "red_flags": ["headache"]}], "logs[0].red_flags.0:"),
        (
            [{"date": START, "exercise": "glute_bridge", "completed": True, "pain_during": 1}],
            "logs[0].pain_after: This field is required.",
        ),
    ],
)
def test_a_bad_entry_is_named_and_exits_2(tmp_path: Path, intake_data: dict[str, Any], logs: Any, message: str) -> None:
    result = _replay(tmp_path, intake_data, logs)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_step_back_without_the_easier_versions_equipment_reduces_the_dose(
    tmp_path: Path, intake_data: dict[str, Any]
) -> None:
    intake_data["equipment"] = ["partner_or_anchor", "mat"]  # Nordics, but no band for the assisted version
    intake_data["symptoms"].update(side="none", onset="none", pain_running=0, location=None, worse_when=[])
    intake_data["symptoms"].pop("weeks_since_onset")
    first = _ok(_replay(tmp_path, intake_data, [], "--today", START))
    day = _first(first, "nordic_curl")
    logs = [{"date": day, "exercise": "nordic_curl", "completed": True, "pain_during": 5, "pain_after": 4}]
    result = _ok(_replay(tmp_path, intake_data, logs))
    regress = next(c for c in result["changes"] if c["exercise"] == "nordic_curl")
    assert regress["action"] == "regress" and "no easier version you can do here" in regress["reason"]
    later = [
        i
        for w in result["weeks"]
        for d in w["days"]
        if d["date"] > day
        for s in d["sessions"]
        for i in s["items"]
        if i["exercise"] == "nordic_curl"
    ]
    assert later and (later[0]["sets"], later[0]["reps"]) == (1, 5) and "you do less of it" in later[0]["reason"]
