"""Ids sent as fields or filters are bounded by one number (rehabplan.api.MAX_ID, the BigAutoField range): an id in
range that is not there is not found, a larger one a 400, never a 500 from an overflowing query."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from accounts.models import User
from rehabplan.api import MAX_ID
from tests.pages import at
from tests.programs.plans import START, record_intake


def test_a_template_id_in_range_that_is_not_yours_is_refused_by_name_and_beyond_it_a_400(
    runner: User, physio_api: APIClient, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    url = f"/api/v1/patients/{runner.pk}/plans/"
    for template in (MAX_ID, MAX_ID + 1):
        with at(START):
            response = physio_api.post(url, {"start_date": START.isoformat(), "weeks": 4, "template": template})
        assert response.status_code == 400 and list(response.json()["errors"]) == ["template"]


def test_the_logs_plan_filter_takes_any_bigint_id_and_refuses_a_larger_one(runner_api: APIClient) -> None:
    found = runner_api.get("/api/v1/logs/", {"plan": MAX_ID})
    assert found.status_code == 200 and found.json()["count"] == 0
    assert runner_api.get("/api/v1/logs/", {"plan": MAX_ID + 1}).status_code == 400
