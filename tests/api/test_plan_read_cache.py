"""The plan reads (the plan, today, a day, a week) from the API's read cache (rehabplan/api_cache.py): a warm read
asks the database nothing, a cold one keeps the reads' query budgets, and every write that changes an answer is seen
by the very next read, the cache warm just before it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.care import care_link_revoke
from accounts.models import DataAccess, User
from accounts.services import api_token_create, api_token_revoke
from programs.models import Plan
from programs.services.account_deletion import account_delete
from programs.services.plans import plan_replan_on, plans_replan
from tests.api.conftest import client_for
from tests.api.log_bodies import first_session, log_body
from tests.api.plan_links import sessions_of, without_links
from tests.api_cache import api_cache_clear
from tests.pages import at
from tests.programs.plans import START

pytestmark = pytest.mark.django_db

MONDAY = START
ERROR_KEYS = {"detail", "errors"}  # the API's error shape
BUDGETS = {"": 5, "today/": 6, "days/2026-11-24/": 6, "weeks/1/": 6}  # cold 200s, as tests/api/test_plans_api.py


def _urls(plan: Plan) -> list[str]:
    return [f"/api/v1/plans/{plan.pk}/{rest}" for rest in BUDGETS]


def _today(plan: Plan) -> str:
    return f"/api/v1/plans/{plan.pk}/today/"


def test_a_warm_read_and_a_warm_revalidation_ask_the_database_nothing(
    runner_api: APIClient, runner_plan: Plan, django_assert_num_queries: Any
) -> None:
    with at(MONDAY):
        for url in _urls(runner_plan):
            first = runner_api.get(url)
            assert first.status_code == 200, url
            with django_assert_num_queries(0):
                again = runner_api.get(url)
            assert again.status_code == 200 and again.content == first.content and again["ETag"] == first["ETag"]
            assert again["Content-Type"] == first["Content-Type"] == "application/json"
            with django_assert_num_queries(0):
                assert runner_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304, url


def test_cold_reads_keep_their_budgets(
    runner_api: APIClient, runner_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    with at(MONDAY):
        runner_api.get(_today(runner_plan))  # the pinned catalogue is parsed once per process
        for url, budget in zip(_urls(runner_plan), BUDGETS.values(), strict=True):
            etag = runner_api.get(url)["ETag"]
            api_cache_clear()
            with django_assert_max_num_queries(2):  # the token (with the profile), then the plan's one row
                assert runner_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
            api_cache_clear()
            with django_assert_max_num_queries(budget):
                assert runner_api.get(url).status_code == 200


def test_a_physios_warm_read_only_records_the_access(
    physio: User, runner: User, runner_plan: Plan, physio_api: APIClient, django_assert_num_queries: Any
) -> None:
    with at(MONDAY):
        for url in _urls(runner_plan):
            physio_api.get(url)  # the plan's facts and the body
            etag = physio_api.get(url)["ETag"]  # the physio's patients, read once the facts come from the cache
            with django_assert_num_queries(1):  # the access log's one statement
                assert physio_api.get(url).status_code == 200
            with django_assert_num_queries(1):
                assert physio_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert DataAccess.objects.filter(actor=physio, runner=runner).exists()


def test_an_outsider_is_refused_with_the_plans_facts_cached(
    runner_api: APIClient, other_runner_api: APIClient, other_physio_api: APIClient, runner_plan: Plan
) -> None:
    with at(MONDAY):
        for url in _urls(runner_plan):
            etag = runner_api.get(url)["ETag"]
            for outsider in (other_runner_api, other_physio_api):
                assert outsider.get(url).status_code == 404, url
                response = outsider.get(url, HTTP_IF_NONE_MATCH=etag)
                assert response.status_code == 404 and set(response.json()) == ERROR_KEYS


def test_a_revoked_token_is_refused_at_once(runner: User, runner_plan: Plan) -> None:
    token, key = api_token_create(user=runner, name="phone")
    phone = APIClient()
    phone.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with at(MONDAY):
        assert phone.get(_today(runner_plan)).status_code == 200
        assert phone.get(_today(runner_plan)).status_code == 200  # warm
        assert api_token_revoke(user=runner, token_id=token.pk)
        response = phone.get(_today(runner_plan))
    assert response.status_code == 401 and set(response.json()) == ERROR_KEYS


def test_a_deleted_account_is_refused_at_once(runner: User, runner_plan: Plan, runner_api: APIClient) -> None:
    with at(MONDAY):
        assert runner_api.get(_today(runner_plan)).status_code == 200
        account_delete(user=runner)
        assert runner_api.get(_today(runner_plan)).status_code == 401


def test_an_ended_care_link_ends_the_physios_reads_at_once(
    physio: User, runner: User, runner_plan: Plan, physio_api: APIClient
) -> None:
    with at(MONDAY):
        for url in _urls(runner_plan):
            assert physio_api.get(url).status_code == 200
        care_link_revoke(runner=runner, physio_id=physio.pk)
        for url in _urls(runner_plan):
            response = physio_api.get(url)
            assert response.status_code == 404 and set(response.json()) == ERROR_KEYS, url


def test_a_physio_who_stops_being_one_sees_their_patients_no_more(
    physio: User, runner_plan: Plan, physio_api: APIClient
) -> None:
    with at(MONDAY):
        assert physio_api.get(_today(runner_plan)).status_code == 200
        physio.role = "runner"
        physio.save()
        assert physio_api.get(_today(runner_plan)).status_code == 404


def test_a_logged_session_is_in_the_next_today(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    with at(session.date):
        before = runner_api.get(_today(runner_plan))
        assert before.json()["day"]["logged"] == []
        assert runner_api.post("/api/v1/logs/", log_body(session), format="json").status_code == 201
        after = runner_api.get(_today(runner_plan), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert after.json()["day"]["logged"] == ["strength"]


def test_a_change_of_units_is_in_the_next_read(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "run")
    with at(session.date):
        in_km = runner_api.get(_today(runner_plan))
        assert in_km.json()["day"]["unit"] == "km"
        assert runner_api.patch("/api/v1/profile/", {"units": "mi"}, format="json").status_code == 200
        in_miles = runner_api.get(_today(runner_plan), HTTP_IF_NONE_MATCH=in_km["ETag"])
    assert in_miles.status_code == 200 and in_miles.json()["day"]["unit"] == "mi"


def test_a_change_of_time_zone_moves_today(runner_api: APIClient, runner_plan: Plan) -> None:
    with at(MONDAY, hour=12):
        assert runner_api.get(_today(runner_plan)).json()["date"] == "2026-11-23"
        body = {"timezone": "Pacific/Kiritimati"}  # UTC+14: already Tuesday
        assert runner_api.patch("/api/v1/profile/", body, format="json").status_code == 200
        assert runner_api.get(_today(runner_plan)).json()["date"] == "2026-11-24"


def test_a_sweep_that_changes_nothing_keeps_the_etags(runner_api: APIClient, runner_plan: Plan) -> None:
    with at(MONDAY + dt.timedelta(days=3)):
        plans_replan(plan_ids=[runner_plan.pk], now=timezone.now())  # the missed days, once
        tags = {url: runner_api.get(url)["ETag"] for url in _urls(runner_plan)}
        assert plans_replan(plan_ids=[runner_plan.pk], now=timezone.now()) == 0
        assert plan_replan_on(plan_id=runner_plan.pk, as_of=MONDAY + dt.timedelta(days=3)) == []
        for url, etag in tags.items():
            assert runner_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_a_new_client_reads_what_another_cached(runner: User, runner_plan: Plan) -> None:
    with at(MONDAY):
        first = client_for(runner).get(_today(runner_plan))
        second = client_for(runner).get(_today(runner_plan))
    assert first.content == second.content and first["ETag"] == second["ETag"]


def test_the_runner_and_their_physio_each_read_their_own_links_from_the_cache(
    runner_api: APIClient, physio_api: APIClient, runner_plan: Plan
) -> None:
    """The links in a body depend on the reader (`links_for`): the runner logs, the physio changes doses."""
    with at(MONDAY):
        for url in _urls(runner_plan):
            for _ in range(2):  # the second read of each is the warm one
                mine, theirs = (client.get(url).json() for client in (runner_api, physio_api))
            if "day" in mine:  # today's day
                mine, theirs = mine["day"], theirs["day"]
            assert any(s["log_url"] for s in sessions_of(mine)) and not any(s["log_url"] for s in sessions_of(theirs))
            assert not any(i["url"] for s in sessions_of(mine) for i in s["items"])
            assert any(i["url"] for s in sessions_of(theirs) for i in s["items"]), url
            assert without_links(mine) == without_links(theirs)
