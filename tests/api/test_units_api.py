"""Distances in the API: a day read in the runner's unit, named beside them; a logged run may say its unit, and is
stored in the plan's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import ExerciseLog, Plan
from tests.api.log_bodies import first_session, log_body
from tests.pages import at

pytestmark = pytest.mark.django_db


def test_a_day_read_follows_the_runners_unit_and_a_changed_unit_changes_its_etag(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "run")
    url = f"/api/v1/plans/{runner_plan.pk}/days/{session.date.isoformat()}/"
    in_km = runner_api.get(url)
    assert in_km.json()["unit"] == "km"
    assert runner_api.patch("/api/v1/profile/", {"units": "mi"}, format="json").status_code == 200
    in_miles = runner_api.get(url, HTTP_IF_NONE_MATCH=in_km["ETag"])
    assert in_miles.status_code == 200, "a copy in km is not the day in miles"
    assert in_miles.json()["unit"] == "mi"
    km = [i["distance"] for s in in_km.json()["sessions"] for i in s["items"] if i.get("distance")]
    miles = [i["distance"] for s in in_miles.json()["sessions"] for i in s["items"] if i.get("distance")]
    assert miles == [round(d / 1.609344, 1) for d in km] and km


def test_a_run_logged_with_its_unit_is_stored_in_the_plans_unit(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "run")
    body = log_body(session)
    for entry in body["entries"]:
        entry |= {"distance": "3.0", "unit": "mi"}
    with at(session.date):
        response = runner_api.post("/api/v1/logs/", body, format="json")
    assert response.status_code == 201, response.json()
    assert {log.distance for log in ExerciseLog.objects.filter(session_log__session=session)} == {Decimal("4.83")}


def test_a_unit_that_is_not_km_or_miles_is_a_field_error(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "run")
    body = log_body(session)
    body["entries"][0] |= {"distance": "3.0", "unit": "furlongs"}
    with at(session.date):
        response = runner_api.post("/api/v1/logs/", body, format="json")
    assert response.status_code == 400
    assert "entries.0.unit" in response.json()["errors"]
