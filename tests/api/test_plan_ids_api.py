"""Every plan read gives each session and prescription its stored id and the links that act on it, so a client goes
from a read to POST logs/ (the runner) or PATCH prescriptions/{id}/ (the physio) with nothing else.

The ids are checked against the stored rows; the links are followed.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import Plan, PlannedSession
from programs.services.archive import plan_archive
from programs.services.logs import session_log_record
from tests.api.conftest import client_for
from tests.api.log_bodies import entry_done, first_session, log_body
from tests.api.plan_links import days_of, sessions_of
from tests.pages import at
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

LOGS = "/api/v1/logs/"


def _reads(plan: Plan) -> list[str]:
    base = f"/api/v1/plans/{plan.pk}/"
    return [base, f"{base}today/", f"{base}days/{START.isoformat()}/", f"{base}weeks/1/", f"{base}weeks/2/"]


def _body(client: APIClient, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body["day"] if url.endswith("today/") else body


def _assert_stored_ids(plan: Plan, body: dict[str, Any]) -> list[int]:
    """Each session named by its stored id: its plan, date, kind and prescriptions (in order) are the stored ones."""
    seen = []
    for day in days_of(body):
        for session in day["sessions"]:
            stored = PlannedSession.objects.get(pk=session["id"])
            assert (stored.plan_id, stored.date.isoformat(), stored.kind) == (plan.pk, day["date"], session["kind"])
            prescriptions = list(stored.prescriptions.order_by("position").select_related("exercise"))
            assert [item["id"] for item in session["items"]] == [p.pk for p in prescriptions]
            assert [item["exercise"] for item in session["items"]] == [p.exercise.slug for p in prescriptions]
            assert all("id" not in item for item in session.get("warm_up", []))
            seen.append(stored.pk)
    return seen


@pytest.mark.parametrize("who", ["runner", "physio"])
def test_every_plan_read_names_each_session_and_prescription_by_its_stored_id(
    runner: User, physio: User, runner_plan: Plan, who: str
) -> None:
    client = client_for(runner if who == "runner" else physio)
    with at(START):
        for url in _reads(runner_plan):
            assert _assert_stored_ids(runner_plan, _body(client, url)), url
        whole = _assert_stored_ids(runner_plan, _body(client, _reads(runner_plan)[0]))
    assert sorted(whole) == sorted(PlannedSession.objects.filter(plan=runner_plan).values_list("pk", flat=True))


def test_the_runner_follows_log_url_from_today_and_logs_the_session(
    runner: User, runner_plan: Plan, runner_api: APIClient
) -> None:
    day = first_session(runner_plan, "strength").date
    with at(day):
        today = _body(runner_api, f"/api/v1/plans/{runner_plan.pk}/today/")
        session = next(s for s in today["sessions"] if s["kind"] == "strength")
        assert session["log_url"] == LOGS
        assert all(item["url"] is None for item in session["items"])  # a runner changes no dose
        body = {
            "client_id": str(uuid.uuid4()),
            "session": session["id"],
            "entries": [{"prescription": item["id"], **entry_done(item, 7)} for item in session["items"]],
        }
        response = runner_api.post(session["log_url"], body, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["session"] == session["id"] and response.json()["decisions"]
        again = _body(runner_api, f"/api/v1/plans/{runner_plan.pk}/today/")
    logged = next(s for s in again["sessions"] if s["id"] == session["id"])
    assert logged["log_url"] is None and again["logged"] == ["strength"]


def test_log_url_is_null_where_the_viewer_cannot_log(
    runner: User, physio: User, runner_plan: Plan, runner_api: APIClient
) -> None:
    plan_url = _reads(runner_plan)[0]
    sessions = list(sessions_of(_body(runner_api, plan_url)))
    assert sessions and all(s["log_url"] == (None if s["kind"] == "rest" else LOGS) for s in sessions)
    assert all(s["log_url"] is None for s in sessions_of(_body(client_for(physio), plan_url)))
    plan_archive(plan=runner_plan, by=runner)  # the write path: the revision rises, and the cached read with it
    assert all(s["log_url"] is None for s in sessions_of(_body(runner_api, plan_url)))


def test_the_physio_follows_a_prescription_url_and_changes_the_dose(
    runner: User, physio: User, runner_plan: Plan, runner_api: APIClient
) -> None:
    physio_api = client_for(physio)
    logged = first_session(runner_plan, "strength")
    with at(logged.date):
        session_log_record(session=logged, runner=runner, entries=log_body(logged)["entries"])
        week = _body(physio_api, f"/api/v1/plans/{runner_plan.pk}/weeks/1/")
    sessions = list(sessions_of(week))
    done = next(s for s in sessions if s["id"] == logged.pk)
    assert all(item["url"] is None for item in done["items"])  # a logged session's dose never changes
    item = next(
        item
        for s in sessions
        if s["id"] != logged.pk and s["kind"] == "strength"
        for item in s["items"]
        if "sets" in item and "reps" in item
    )
    assert item["url"] == f"/api/v1/prescriptions/{item['id']}/"
    with at(logged.date):
        response = physio_api.patch(item["url"], {"dose": {"sets": 2, "reps": 6}, "note": "Go easier."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == item["id"] and response.json()["dose"] == {"sets": 2, "reps": 6}
    runner_week = _body(runner_api, f"/api/v1/plans/{runner_plan.pk}/weeks/1/")
    changed = next(i for s in sessions_of(runner_week) for i in s["items"] if i["id"] == item["id"])
    assert (changed["sets"], changed["reps"], changed["url"]) == (2, 6, None)


def test_a_patients_logged_sessions_and_the_export_carry_the_stored_ids(
    runner: User, physio: User, runner_plan: Plan, runner_api: APIClient
) -> None:
    session = first_session(runner_plan, "strength")
    with at(session.date):
        session_log_record(session=session, runner=runner, entries=log_body(session)["entries"])
        physio_api = client_for(physio)
        plans = physio_api.get(f"/api/v1/patients/{runner.pk}/plans/").json()["results"]
        patient = physio_api.get(f"/api/v1/patients/{runner.pk}/").json()
        export = runner_api.get("/api/v1/export/").json()
    assert [p["id"] for p in plans] == [runner_plan.pk]
    recent = patient["recent_sessions"][0]
    assert recent["session"] == session.pk
    stored = list(session.prescriptions.order_by("position").values_list("pk", flat=True))
    assert [e["prescription"] for e in recent["exercises"]] == stored
    (exported,) = export["plans"]
    assert exported["id"] == runner_plan.pk
    ids = _assert_stored_ids(runner_plan, exported["plan"])
    assert sorted(ids) == sorted(PlannedSession.objects.filter(plan=runner_plan).values_list("pk", flat=True))
    by_id = {s["id"]: s for s in sessions_of(exported["plan"])}
    assert by_id[session.pk]["log_url"] is None
    assert by_id[first_session(runner_plan, "strength", after=session).pk]["log_url"] == LOGS


@pytest.mark.parametrize("weeks", [1, 24])
def test_a_physios_plan_read_with_its_links_costs_a_fixed_number_of_queries(
    runner: User, physio: User, intake_data: dict[str, Any], weeks: int, django_assert_max_num_queries: Any
) -> None:
    plan = create_plan(runner, intake_data, weeks=weeks)
    client = client_for(physio)
    client.get(f"/api/v1/plans/{plan.pk}/")  # the pinned catalogue is parsed once per process
    with django_assert_max_num_queries(6):  # token, plan, the access log's entry, weeks, sessions, prescriptions
        body = client.get(f"/api/v1/plans/{plan.pk}/").json()
    assert len(body["weeks"]) == weeks
    assert all(item["url"] for session in sessions_of(body) for item in session["items"])
