"""A log or morning check sent twice — a retry, an offline queue replayed, two requests at once — is stored once,
and every copy gets the same answer (201, the same body)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import DayLog, ExerciseLog, Plan, PlanChange, SessionLog
from programs.services.logs import day_log_record
from tests.api.conftest import client_for
from tests.api.log_bodies import first_session, log_body, morning_body
from tests.pages import at
from tests.programs.plans import create_plan

LOGS, MORNING = "/api/v1/logs/", "/api/v1/morning-checks/"


# ---------------------------------------------------------------- one after the other


@pytest.mark.django_db
def test_the_same_log_twice_is_one_row_and_the_same_answer(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session, pain=7)
    with at(session.date):
        first = runner_api.post(LOGS, body, format="json")
        decisions = PlanChange.objects.count()
        again = runner_api.post(LOGS, body, format="json")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert SessionLog.objects.count() == 1
    assert ExerciseLog.objects.count() == len(body["entries"])
    assert PlanChange.objects.count() == decisions, "a retry decides nothing again"


@pytest.mark.django_db
def test_the_same_client_id_with_another_body_is_still_the_stored_log(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session, pain=1, notes="easy")
    later = first_session(runner_plan, "strength", after=session)
    with at(later.date):
        first = runner_api.post(LOGS, body, format="json").json()
        changed = log_body(later, pain=9, notes="different") | {"client_id": body["client_id"]}
        again = runner_api.post(LOGS, changed, format="json")
        invalid = runner_api.post(LOGS, {"client_id": body["client_id"], "entries": "?"}, format="json")
    assert again.status_code == invalid.status_code == 201
    assert again.json() == invalid.json() == first
    assert first["session"] == session.pk and first["notes"] == "easy"
    assert SessionLog.objects.count() == 1


@pytest.mark.django_db
def test_the_same_morning_check_twice_is_one_row_and_the_same_answer(runner_api: APIClient, runner_plan: Plan) -> None:
    body = morning_body(next_morning_pain=6, red_flags=["night_pain"])
    with at(runner_plan.start + dt.timedelta(days=1)):
        first = runner_api.post(MORNING, body, format="json")
        decisions = PlanChange.objects.count()
        again = runner_api.post(MORNING, body, format="json")
        changed = runner_api.post(MORNING, body | {"next_morning_pain": 1}, format="json")
    assert first.status_code == again.status_code == changed.status_code == 201
    assert first.json() == again.json() == changed.json()
    assert DayLog.objects.get().next_morning_pain == 6
    assert PlanChange.objects.count() == decisions


@pytest.mark.django_db
def test_the_service_answers_a_repeated_client_id_with_the_stored_day(runner: User, runner_plan: Plan) -> None:
    client_id = uuid.uuid4()
    day = runner_plan.start
    first = day_log_record(runner=runner, date=day, values={"next_morning_pain": 2}, client_id=client_id)
    again = day_log_record(runner=runner, date=day, values={"next_morning_pain": 8}, client_id=client_id)
    assert again.pk == first.pk and again.next_morning_pain == 2


# ---------------------------------------------------------------- at the same time (real PostgreSQL, threads)

THREADS = 4


def _at_once(clients: list[APIClient], send: Callable[[APIClient], Any]) -> list[Any]:
    """Every client sends at the same moment, each from its own thread and database connection."""
    barrier = threading.Barrier(len(clients))
    responses: list[Any] = [None] * len(clients)
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            responses[i] = send(clients[i])
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return responses


def _same_answer(responses: list[Any]) -> dict[str, Any]:
    assert [r.status_code for r in responses] == [201] * len(responses), [r.content for r in responses]
    bodies = [r.json() for r in responses]
    assert all(body == bodies[0] for body in bodies)
    return bodies[0]


# serialized_rollback: the flush after a transactional test would take the catalogue's migration data with it
concurrent = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@concurrent
def test_concurrent_duplicates_of_a_log_store_one(runner: User, intake_data: dict[str, Any]) -> None:
    plan = create_plan(runner, intake_data, weeks=3)
    session = first_session(plan, "strength")
    body = log_body(session, pain=7)
    clients = [client_for(runner) for _ in range(THREADS)]
    with at(session.date):
        answer = _same_answer(_at_once(clients, lambda c: c.post(LOGS, body, format="json")))
    log = SessionLog.objects.get()
    assert answer["id"] == log.pk and answer["client_id"] == body["client_id"]
    assert ExerciseLog.objects.count() == len(body["entries"])
    assert PlanChange.objects.filter(cause_log=log).count() == len(answer["decisions"]) > 0


@concurrent
def test_concurrent_duplicates_of_a_morning_check_store_one(runner: User, intake_data: dict[str, Any]) -> None:
    plan = create_plan(runner, intake_data, weeks=3)
    body = morning_body(next_morning_pain=6, red_flags=["bladder_or_bowel_change"])
    clients = [client_for(runner) for _ in range(THREADS)]
    with at(plan.start + dt.timedelta(days=1)):
        answer = _same_answer(_at_once(clients, lambda c: c.post(MORNING, body, format="json")))
    day = DayLog.objects.get()
    assert answer["id"] == day.pk and str(day.client_id) == body["client_id"]
    assert answer["plan_status"] == PlanStatus.NEEDS_CLINICIAN and answer["referral"]["stops_plan"] is True
    assert PlanChange.objects.filter(plan=plan, kind="red_flag").count() == 1


@concurrent
def test_concurrent_morning_checks_without_an_active_plan_to_lock_store_one(
    runner: User, intake_data: dict[str, Any]
) -> None:
    """A plan waiting for a clinician is not replanned, so nothing is locked: the unique constraints decide."""
    plan = create_plan(runner, intake_data, weeks=3)
    day_log_record(runner=runner, date=plan.start, values={"red_flags": ["bladder_or_bowel_change"]})
    body = morning_body(next_morning_pain=3)
    clients = [client_for(runner) for _ in range(THREADS)]
    with at(plan.start + dt.timedelta(days=1)):
        answer = _same_answer(_at_once(clients, lambda c: c.post(MORNING, body, format="json")))
    day = DayLog.objects.get(date=plan.start + dt.timedelta(days=1))
    assert answer["id"] == day.pk and answer["plan_status"] == PlanStatus.NEEDS_CLINICIAN
