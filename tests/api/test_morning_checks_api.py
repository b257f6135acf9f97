"""morning-checks/: the morning check over the API, through the service the HTML check uses (it replans)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import DayLog, Plan
from programs.services.logs import day_log_record
from tests.api.log_bodies import first_session, morning_body
from tests.pages import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/morning-checks/"


def _post(client: APIClient, body: Any, on: dt.date, hour: int = 9) -> Any:
    with at(on, hour):
        return client.post(URL, body, format="json")


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body["errors"]


def test_a_morning_check_is_stored_for_today_and_the_rules_read_it(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    morning = first_session(runner_plan, "strength").date + dt.timedelta(days=1)
    body = morning_body(next_morning_pain=6, stiffness=2, red_flags=[])
    response = _post(runner_api, body, morning)
    assert response.status_code == 201, response.json()
    data = response.json()
    day = DayLog.objects.get(runner=runner, date=morning)
    assert data["id"] == day.pk and data["client_id"] == body["client_id"] == str(day.client_id)
    assert (data["date"], data["next_morning_pain"], data["stiffness"], data["red_flags"]) == (
        morning.isoformat(),
        6,
        2,
        [],
    )
    assert data["plan_status"] == "active" and data["referral"] is None
    runner_plan.refresh_from_db()
    assert runner_plan.state.get("load_hold_since"), "pain above the limit next morning holds the load"


def test_a_stop_tier_red_flag_comes_back_with_the_referral_and_stops_the_plan(
    runner_api: APIClient, runner_plan: Plan
) -> None:
    body = morning_body(next_morning_pain=3, red_flags=["bladder_or_bowel_change"])
    data = _post(runner_api, body, runner_plan.start + dt.timedelta(days=1)).json()
    assert data["red_flags"] == ["bladder_or_bowel_change"]
    assert data["plan_status"] == "needs_clinician"
    referral = data["referral"]
    assert referral["stops_plan"] is True and referral["urgency"] == "emergency"
    assert referral["message"] and referral["reasons"]
    runner_plan.refresh_from_db()
    assert runner_plan.status == PlanStatus.NEEDS_CLINICIAN


def test_the_date_is_today_where_the_runner_is(runner_api: APIClient, runner: User, runner_plan: Plan) -> None:
    runner.runner_profile.timezone = "Pacific/Auckland"  # UTC+13 in November
    runner.runner_profile.save()
    utc_day = runner_plan.start + dt.timedelta(days=1)
    response = _post(runner_api, morning_body(next_morning_pain=1), utc_day, hour=20)
    assert response.json()["date"] == (utc_day + dt.timedelta(days=1)).isoformat()


def test_an_earlier_morning_within_a_week_can_be_sent_later(runner_api: APIClient, runner_plan: Plan) -> None:
    today = runner_plan.start + dt.timedelta(days=8)
    earlier = today - dt.timedelta(days=7)
    response = _post(runner_api, morning_body(date=earlier.isoformat(), next_morning_pain=2), today)
    assert response.status_code == 201 and response.json()["date"] == earlier.isoformat()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"date": "2026-11-26"}, "date"),  # tomorrow
        ({"date": "2026-11-17"}, "date"),  # eight days back
        ({"date": "next week"}, "date"),
        ({"next_morning_pain": 11}, "next_morning_pain"),
        ({"stiffness": -1}, "stiffness"),
        ({"red_flags": ["felt_pop", "sore_toe"]}, "red_flags.1"),
        ({"red_flags": "felt_pop"}, "red_flags"),
        ({"pain_free_check": "maybe"}, "pain_free_check"),
        ({"client_id": "123"}, "client_id"),
    ],
)
def test_bad_answers_are_field_errors_and_nothing_is_stored(
    runner_api: APIClient, runner_plan: Plan, answers: dict[str, Any], field: str
) -> None:
    today = dt.date(2026, 11, 25)
    errors = _errors(_post(runner_api, morning_body(next_morning_pain=2) | answers, today))
    assert field in errors, errors
    assert not DayLog.objects.exists()


def test_a_check_without_any_answer_says_so(runner_api: APIClient, runner_plan: Plan) -> None:
    errors = _errors(_post(runner_api, morning_body(), runner_plan.start))
    assert errors == {"non_field_errors": ["Answer at least one question: how your leg feels this morning."]}


def test_a_runner_without_a_plan_is_told_to_start_one(runner_api: APIClient) -> None:
    response = _post(runner_api, morning_body(next_morning_pain=1), dt.date(2026, 11, 25))
    assert response.status_code == 400
    assert response.json() == {"detail": "You have no plan yet: answer the intake first.", "errors": {}}


def test_a_second_different_check_updates_the_day_and_never_erases_a_red_flag(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    morning = runner_plan.start + dt.timedelta(days=1)
    first = _post(runner_api, morning_body(next_morning_pain=2, red_flags=["night_pain"]), morning).json()
    second_body = morning_body(stiffness=4, red_flags=[])
    second = _post(runner_api, second_body, morning).json()
    assert second["id"] == first["id"] and second["client_id"] == second_body["client_id"]
    day = DayLog.objects.get(runner=runner, date=morning)
    assert (day.next_morning_pain, day.stiffness, day.red_flags) == (2, 4, ["night_pain"])
    third = _post(runner_api, morning_body(red_flags=["swelling", "night_pain"]), morning).json()
    assert third["red_flags"] == ["night_pain", "swelling"]
    assert DayLog.objects.count() == 1


def test_a_client_id_another_runner_used_is_refused(
    runner_api: APIClient, other_runner: User, runner_plan: Plan
) -> None:
    client_id = uuid.uuid4()
    day_log_record(runner=other_runner, date=runner_plan.start, values={"stiffness": 1}, client_id=client_id)
    morning = runner_plan.start + dt.timedelta(days=1)
    for _ in range(2):  # a new day, then a day already stored
        response = _post(runner_api, morning_body(next_morning_pain=1) | {"client_id": str(client_id)}, morning)
        assert "client_id" in _errors(response)
        day_log_record(runner=runner_plan.runner, date=morning, values={"stiffness": 1})


def test_anonymous_is_401_and_a_physio_403(anon_api: APIClient, physio_api: APIClient, runner_plan: Plan) -> None:
    for method in ("get", "post"):
        assert getattr(anon_api, method)(URL, morning_body(next_morning_pain=1), format="json").status_code == 401
        assert getattr(physio_api, method)(URL, morning_body(next_morning_pain=1), format="json").status_code == 403
    assert not DayLog.objects.exists()


def _days(runner: User, first: dt.date, n: int) -> list[DayLog]:
    return [
        day_log_record(runner=runner, date=first + dt.timedelta(days=i), values={"next_morning_pain": 1})
        for i in range(n)
    ]


def test_the_list_is_own_newest_first_filtered_and_one_day_reads_back(
    runner_api: APIClient, other_runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    days = _days(runner, runner_plan.start, 3)
    data = runner_api.get(URL).json()
    assert [r["id"] for r in data["results"]] == [d.pk for d in reversed(days)]
    assert set(data["results"][0]) >= {"id", "client_id", "date", "next_morning_pain", "red_flags", "run_pain"}
    assert other_runner_api.get(URL).json()["count"] == 0
    second = days[1].date.isoformat()
    assert [r["date"] for r in runner_api.get(URL, {"date_from": second, "date_to": second}).json()["results"]] == [
        second
    ]
    assert _errors(runner_api.get(URL, {"date_to": "soon"})) == {"date_to": ["Enter a valid date."]}
    assert runner_api.get(f"{URL}{days[0].pk}/").json()["date"] == days[0].date.isoformat()
    assert other_runner_api.get(f"{URL}{days[0].pk}/").status_code == 404


def test_the_list_takes_the_same_queries_for_1_and_many_days(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    counts = []
    for first, n in ((runner_plan.start, 1), (runner_plan.start + dt.timedelta(days=1), 9)):
        _days(runner, first, n)
        with CaptureQueriesContext(connection) as queries:
            assert runner_api.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3, counts  # token, count, days


MORNING_POST_BUDGET = 30  # measured 25 on a 6-week plan, most of it the replan


def test_a_morning_check_post_stays_within_its_budget_and_a_retry_is_cheap(
    runner_api: APIClient, runner_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    body = morning_body(next_morning_pain=4)
    with django_assert_max_num_queries(MORNING_POST_BUDGET):
        assert _post(runner_api, body, runner_plan.start + dt.timedelta(days=1)).status_code == 201
    with django_assert_max_num_queries(3):  # token, the stored day, the current plan
        assert _post(runner_api, body, runner_plan.start + dt.timedelta(days=1)).status_code == 201
