"""Dates a runner types are bounded to what makes sense: a goal race within a few years, a reminder pause within a
year. 9999-12-31 is a typing slip, answered with a sentence on the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import RunnerProfile, User
from programs.api.serializers.intake import RACE_MAX_YEARS_AHEAD
from programs.reminders.choices import PAUSE_MAX_DAYS, PAUSE_TOO_LONG
from programs.selectors.today import local_today
from tests.api.conftest import client_for

pytestmark = pytest.mark.usefixtures("fresh_throttles")


@pytest.fixture
def runner_api(runner: User) -> APIClient:
    return client_for(runner)


def _race_intake(intake_data: dict[str, Any], date: dt.date) -> dict[str, Any]:
    intake_data["goal"] = "race"
    intake_data["running"]["goal_race"] = {"date": date.isoformat(), "distance": "10k"}
    return intake_data


def test_a_race_in_the_far_future_is_refused_on_its_field(runner_api: APIClient, intake_data: dict[str, Any]) -> None:
    response = runner_api.post("/api/v1/intakes/", _race_intake(intake_data, dt.date(9999, 12, 31)), format="json")

    assert response.status_code == 400, response.content
    assert "Give a race within the next" in response.json()["errors"]["running.goal_race.date"][0]


def test_a_race_within_the_bound_is_accepted(runner_api: APIClient, intake_data: dict[str, Any]) -> None:
    soon_enough = timezone.localdate() + dt.timedelta(days=365 * RACE_MAX_YEARS_AHEAD - 30)
    response = runner_api.post("/api/v1/intakes/", _race_intake(intake_data, soon_enough), format="json")
    assert response.status_code == 201, response.content


def test_a_pause_longer_than_a_year_is_refused_and_a_shorter_one_saved(runner: User, runner_api: APIClient) -> None:
    today = local_today(RunnerProfile.objects.get(user=runner).timezone)
    for too_far in (dt.date(9999, 12, 31), today + dt.timedelta(days=PAUSE_MAX_DAYS + 1)):
        response = runner_api.patch("/api/v1/profile/", {"reminders_paused_until": too_far.isoformat()}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"reminders_paused_until": [PAUSE_TOO_LONG]}

    last_day = today + dt.timedelta(days=PAUSE_MAX_DAYS)
    response = runner_api.patch("/api/v1/profile/", {"reminders_paused_until": last_day.isoformat()}, format="json")
    assert response.status_code == 200, response.content
    assert RunnerProfile.objects.get(user=runner).reminders_paused_until == last_day
