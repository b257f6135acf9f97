"""intakes/: a runner records intakes and lists their own; a red flag comes back as a referral, even with errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import RunnerProfile, User
from programs.models import Intake
from tests.api.conftest import client_for
from tests.pages import at
from tests.programs.plans import record_intake

pytestmark = pytest.mark.django_db

URL = "/api/v1/intakes/"


def test_a_runner_records_an_intake_and_gets_it_back_with_no_referral(
    runner: User, runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    response = runner_api.post(URL, intake_data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "version", "created_at", "data", "referral"}
    assert body["version"] == 1 and body["referral"] is None
    assert body["data"]["symptoms"]["days_since_onset"] == 21
    assert body["data"]["running"]["weekly_distance"] == 48
    stored = Intake.objects.get(pk=body["id"])
    assert stored.runner == runner and stored.data == body["data"]

    again = runner_api.post(URL, intake_data).json()
    assert again["version"] == 2


def test_a_stop_tier_red_flag_comes_back_as_a_referral_that_stops_the_plan(
    runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["bladder_or_bowel_change"] = True
    body = runner_api.post(URL, intake_data).json()
    referral = body["referral"]
    assert referral["urgency"] == "emergency" and referral["stops_plan"] is True
    assert referral["reasons"] and "emergency department" in referral["message"]
    assert set(referral) == {"urgency", "message", "reasons", "stops_plan"}


def test_an_advise_tier_red_flag_keeps_the_plan_going(runner_api: APIClient, intake_data: dict[str, Any]) -> None:
    intake_data["symptoms"]["numbness_or_tingling"] = True
    referral = runner_api.post(URL, intake_data).json()["referral"]
    assert referral["urgency"] == "soon" and referral["stops_plan"] is False


def test_an_invalid_intake_with_a_red_flag_gets_the_errors_and_the_referral(
    runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    del intake_data["age"]
    intake_data["running"]["weekly_distance"] = -3
    intake_data["symptoms"]["saddle_numbness"] = True
    intake_data["symptoms"]["night_pain"] = "maybe"  # unreadable: counts as no, and is a field error
    response = runner_api.post(URL, intake_data)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors", "referral"}
    assert {"age", "running.weekly_distance", "symptoms.night_pain"} <= set(body["errors"])
    assert body["referral"]["urgency"] == "emergency" and body["referral"]["stops_plan"] is True
    assert not Intake.objects.exists()


@pytest.mark.parametrize("payload", [{}, [], ["age"], {"symptoms": "none"}, {"age": "x" * 10_000}])
def test_an_invalid_intake_without_red_flags_has_a_null_referral(runner_api: APIClient, payload: Any) -> None:
    response = runner_api.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["referral"] is None and body["detail"] and body["errors"]


def test_an_unanswered_red_flag_question_is_an_error(runner_api: APIClient, intake_data: dict[str, Any]) -> None:
    del intake_data["symptoms"]["felt_pop"]  # silence is not a no
    response = runner_api.post(URL, intake_data)
    assert response.status_code == 400
    assert "symptoms.felt_pop" in response.json()["errors"]


def test_an_onset_date_is_checked_against_the_runners_own_today(
    runner: User, runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    RunnerProfile.objects.filter(user=runner).update(timezone="Pacific/Auckland")  # already 23 Nov there
    del intake_data["symptoms"]["weeks_since_onset"]
    intake_data["symptoms"]["onset_date"] = "2026-11-23"
    with at(dt.date(2026, 11, 22), hour=20):  # 09:00 on 23 Nov in Auckland
        response = client_for(runner).post(URL, intake_data)
    assert response.status_code == 201, response.content
    assert response.json()["data"]["symptoms"]["days_since_onset"] == 0


def test_a_runner_lists_only_their_own_intakes_newest_first(
    runner: User, other_runner: User, runner_api: APIClient, intake_data: dict[str, Any]
) -> None:
    first, second = record_intake(runner, intake_data), record_intake(runner, intake_data)
    theirs = record_intake(other_runner, intake_data)
    body = runner_api.get(URL).json()
    assert [i["id"] for i in body["results"]] == [second.pk, first.pk]
    assert body["count"] == 2
    assert runner_api.get(f"{URL}{first.pk}/").json()["version"] == 1
    response = runner_api.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}


def test_listed_intakes_carry_their_referral(runner: User, runner_api: APIClient, intake_data: dict[str, Any]) -> None:
    intake_data["symptoms"]["fever_or_unwell"] = True
    record_intake(runner, intake_data)
    (listed,) = runner_api.get(URL).json()["results"]
    assert listed["referral"]["urgency"] == "urgent" and listed["referral"]["stops_plan"] is True


def test_anonymous_is_401_and_a_physio_is_403(
    anon_api: APIClient, physio_api: APIClient, intake_data: dict[str, Any]
) -> None:
    for client, code in ((anon_api, 401), (physio_api, 403)):
        assert client.get(URL).status_code == code
        response = client.post(URL, intake_data)
        assert response.status_code == code
        assert set(response.json()) == {"detail", "errors"}
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    "where, raw",
    [
        ("age", "1e400"),
        ("symptoms.pain_at_rest", "1e400"),
        ("symptoms.weeks_since_onset", "1e308"),
    ],
)
def test_numbers_too_big_to_read_are_errors_never_a_500(
    runner_api: APIClient, intake_data: dict[str, Any], where: str, raw: str
) -> None:
    marker = "__PLACEHOLDER__"
    target = intake_data
    *parents, name = where.split(".")
    for parent in parents:
        target = target[parent]
    target[name] = marker
    body = json.dumps(intake_data).replace(f'"{marker}"', raw)
    response = runner_api.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 400
    assert where in response.json()["errors"] and "referral" in response.json()


def test_a_body_that_is_not_readable_json_is_a_400(runner_api: APIClient) -> None:
    for body in ('{"age": ' + "9" * 5000 + "}", "{not json", "null"):
        response = runner_api.generic("POST", URL, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
