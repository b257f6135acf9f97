"""The access log over the API: a physio's reads and changes of a patient's plan are recorded (a runner's own are
not), and the runner reads their entries at GET /api/v1/me/access-log/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from accounts.access_log import record_access
from accounts.models import AccessActor, AccessedData, AccessKind, DataAccess, RunnerProfile, User
from programs.models import Plan

URL = "/api/v1/me/access-log/"


@pytest.fixture
def named_physio(physio: User) -> User:
    physio.first_name, physio.last_name = "Alex", "Smith"
    physio.save(update_fields=["first_name", "last_name"])
    return physio


def _entries(runner: User) -> list[tuple[str, str, str]]:
    return list(DataAccess.objects.of_runner(runner).values_list("actor_kind", "kind", "what"))


def test_a_physio_reading_a_patients_plan_is_one_read_entry_however_often_they_reload(
    physio_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    first = physio_api.get(f"/api/v1/plans/{runner_plan.pk}/")
    assert first.status_code == 200
    again = physio_api.get(f"/api/v1/plans/{runner_plan.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert physio_api.get(f"/api/v1/plans/{runner_plan.pk}/today/").status_code == 200
    assert _entries(runner) == [(AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN)]


def test_a_physio_reading_a_patients_recent_logs_is_recorded(physio_api: APIClient, runner: User) -> None:
    assert physio_api.get(f"/api/v1/patients/{runner.pk}/").status_code == 200
    assert _entries(runner) == [(AccessActor.PHYSIO, AccessKind.READ, AccessedData.SESSION_LOGS)]


def test_a_physio_ending_a_patients_plan_is_a_change(physio_api: APIClient, runner: User, runner_plan: Plan) -> None:
    assert physio_api.post(f"/api/v1/plans/{runner_plan.pk}/archive/").status_code == 200
    assert (AccessActor.PHYSIO, AccessKind.CHANGE, AccessedData.PLAN) in _entries(runner)


def test_a_runner_reading_and_changing_their_own_plan_records_nothing(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    assert runner_api.get(f"/api/v1/plans/{runner_plan.pk}/").status_code == 200
    assert runner_api.get(f"/api/v1/plans/{runner_plan.pk}/changes/").status_code == 200
    assert runner_api.post(f"/api/v1/plans/{runner_plan.pk}/archive/").status_code == 200
    assert not DataAccess.objects.exists()


def test_the_runner_reads_who_saw_what_in_words_and_in_their_own_time_zone(
    runner_api: APIClient, runner: User, named_physio: User, other_runner: User
) -> None:
    RunnerProfile.objects.filter(user=runner).update(timezone="Australia/Sydney")
    with time_machine.travel(dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC), tick=False):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
        record_access(actor=named_physio, runner_id=other_runner.pk, what=AccessedData.INTAKE)
    body = runner_api.get(URL).json()
    assert body["count"] == 1
    (entry,) = body["results"]
    assert {k: v for k, v in entry.items() if k != "id"} == {
        "at": "2026-11-21T19:00:00+11:00",
        "who": "Your physio Alex Smith",
        "what": "your plan",
        "kind": "change",
        "summary": "Your physio Alex Smith changed your plan.",
    }


def test_another_runner_sees_none_of_these_entries(
    other_runner_api: APIClient, runner: User, named_physio: User
) -> None:
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    assert other_runner_api.get(URL).json()["count"] == 0


def test_the_list_is_a_runners_and_needs_signing_in(physio_api: APIClient, anon_api: APIClient) -> None:
    assert physio_api.get(URL).status_code == 403
    assert anon_api.get(URL).status_code == 401


def test_the_list_reads_in_a_fixed_number_of_queries(
    runner_api: APIClient, runner: User, named_physio: User, django_assert_max_num_queries: Any
) -> None:
    for what in AccessedData:
        record_access(actor=named_physio, runner_id=runner.pk, what=what)
    with django_assert_max_num_queries(3):  # the token with user and profile, the count, the page
        body = runner_api.get(URL).json()
    assert body["count"] == len(AccessedData)
