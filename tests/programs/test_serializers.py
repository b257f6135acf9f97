"""The intake contract (docs/design.md §3): every bad field gets its own message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from programs.api.serializers.intake import IntakeSerializer, field_errors


def _errors(data: dict[str, Any], **context: Any) -> list[str]:
    serializer = IntakeSerializer(data=data, context=context)
    assert not serializer.is_valid()
    return field_errors(serializer.errors)


def test_the_demo_intake_is_valid_and_lists_are_stored_in_canonical_order(intake_data: dict[str, Any]) -> None:
    intake_data["available_days"] = ["sun", "mon", "wed"]
    serializer = IntakeSerializer(data=intake_data)
    assert serializer.is_valid(), serializer.errors
    assert serializer.data["available_days"] == ["mon", "wed", "sun"]
    assert serializer.data["running"]["goal_race"] is None


def test_each_invalid_field_is_named(intake_data: dict[str, Any]) -> None:
    intake_data["age"] = 7
    intake_data["running"]["weekly_distance"] = -3
    intake_data["symptoms"]["pain_running"] = 11
    intake_data["equipment"] = ["mat", "rope"]
    intake_data["available_days"] = []
    errors = _errors(intake_data)
    named = {line.split(":")[0] for line in errors}
    assert {"age", "running.weekly_distance", "symptoms.pain_running", "equipment.1", "available_days"} <= named


def test_red_flag_questions_must_be_answered(intake_data: dict[str, Any]) -> None:
    del intake_data["symptoms"]["night_pain"]
    assert "symptoms.night_pain: This field is required." in _errors(intake_data)


def test_repeated_days_are_refused(intake_data: dict[str, Any]) -> None:
    intake_data["available_days"] = ["mon", "mon"]
    assert any(line.startswith("available_days:") for line in _errors(intake_data))


def test_pain_without_an_onset_is_refused(intake_data: dict[str, Any]) -> None:
    intake_data["symptoms"]["onset"] = "none"
    assert any(line.startswith("symptoms.onset:") for line in _errors(intake_data))


def test_a_race_goal_needs_a_race_that_is_after_the_start(intake_data: dict[str, Any]) -> None:
    intake_data["goal"] = "race"
    assert any(line.startswith("running.goal_race:") for line in _errors(intake_data))
    intake_data["running"]["goal_race"] = {"date": "2026-01-10", "distance": "marathon"}
    errors = _errors(intake_data, start=dt.date(2026, 3, 2))
    assert "running.goal_race.date: The race is before the plan starts." in errors


def test_distance_without_runs_is_refused(intake_data: dict[str, Any]) -> None:
    intake_data["running"]["runs_per_week"] = 0
    assert any(line.startswith("running.runs_per_week:") for line in _errors(intake_data))
