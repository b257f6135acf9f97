"""logs/: a runner logs a session or a run over the API, through the same service as Today, and reads them back."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.api.serializers.logs import MAX_ENTRIES
from programs.choices import PlanStatus
from programs.models import DayLog, ExerciseLog, Plan, PlanChange, PlannedSession, SessionLog
from programs.services.logs import day_log_record, session_log_record
from tests.api.log_bodies import first_session, log_body
from tests.pages import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/logs/"


def _post(client: APIClient, body: Any, on: dt.date) -> Any:
    with at(on):
        return client.post(URL, body, format="json")


# ---------------------------------------------------------------- creating a log


def test_a_strength_session_is_logged_with_its_entries_and_the_decisions_it_caused(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session, pain=7, notes="hurt at the end")
    response = _post(runner_api, body, session.date)
    assert response.status_code == 201, response.json()
    data = response.json()
    log = SessionLog.objects.get(session=session)
    assert data["id"] == log.pk and data["client_id"] == body["client_id"]
    assert (data["session"], data["plan"], data["date"], data["kind"]) == (
        session.pk,
        runner_plan.pk,
        session.date.isoformat(),
        "strength",
    )
    assert data["notes"] == "hurt at the end"
    assert [e["prescription"] for e in data["entries"]] == [e["prescription"] for e in body["entries"]]
    assert all(e["pain_during"] == 7 and e["exercise"] for e in data["entries"])
    changes = PlanChange.objects.filter(cause_log=log)
    assert changes.exists()
    assert [d["kind"] for d in data["decisions"]] == [c.kind for c in changes.order_by("created_at", "id")]
    assert any(d["kind"] in ("regress", "pause") for d in data["decisions"])
    decision = data["decisions"][0]
    assert set(decision) == {"kind", "title", "reason", "exercise", "effective_from"}
    assert decision["title"] and decision["reason"]


def test_numbers_reached_count_as_done_and_fewer_sets_do_not(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session, pain=1)
    body["entries"][0]["sets_done"] = 0
    assert _post(runner_api, body, session.date).status_code == 201
    done = dict(
        ExerciseLog.objects.filter(session_log__session=session).values_list("prescription", "completed_as_prescribed")
    )
    first = body["entries"][0]["prescription"]
    assert done.pop(first) is False
    with_numbers = [e["prescription"] for e in body["entries"][1:] if "sets_done" in e or "minutes" in e]
    assert all(done[pk] for pk in with_numbers)


def test_a_run_stores_the_days_distance_pain_and_tightness_as_today_does(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "run")
    body = log_body(session, pain=2, day={"tightness_after": True})
    body["entries"][0]["distance"] = "4.5"
    response = _post(runner_api, body, session.date)
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "run"
    day = DayLog.objects.get(runner=runner, date=session.date)
    assert (day.ran_distance, day.run_pain, day.tightness_after_running) == (
        sum(float(e["distance"]) for e in body["entries"]),
        2,
        True,
    )


# ---------------------------------------------------------------- validation: 400 in the one error shape


def _errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body["errors"]


def test_out_of_range_numbers_are_field_errors_named_by_entry(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session)
    body["entries"][1]["pain_during"] = 11
    body["entries"][0]["sets_done"] = -1
    body["entries"][0]["rpe"] = "hard"
    errors = _errors(_post(runner_api, body, session.date))
    assert set(errors) == {"entries.1.pain_during", "entries.0.sets_done", "entries.0.rpe"}
    assert not SessionLog.objects.exists()


def test_a_prescription_of_another_session_or_twice_is_named(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    other = first_session(runner_plan, "strength", after=session)
    body = log_body(session)
    other_item = other.prescriptions.first()
    assert other_item is not None
    body["entries"][1]["prescription"] = other_item.pk
    body["entries"].append(dict(body["entries"][0]))
    errors = _errors(_post(runner_api, body, session.date))
    last = len(body["entries"]) - 1
    assert errors == {
        "entries.1.prescription": ["Not an exercise of this session."],
        f"entries.{last}.prescription": ["This exercise is already in an earlier entry."],
    }


def test_every_exercise_of_the_session_needs_an_entry(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    body = log_body(session)
    body["entries"] = body["entries"][:1]
    errors = _errors(_post(runner_api, body, session.date))
    assert list(errors) == ["entries"] and "missing" in errors["entries"][0]
    assert _errors(_post(runner_api, {**body, "entries": []}, session.date)).keys() == {"entries"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_id": None}, "client_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"session": "abc"}, "session"),
        ({"session": 10**12}, "session"),
        ({"entries": "all done"}, "entries"),
        ({"entries": [{"prescription": 1, "pain_during": 1}] * 51}, "entries"),
        ({"notes": "x" * 2001}, "notes"),
        ({"day": {"tightness_after": True}}, "day"),  # only a run asks about tightness
    ],
)
def test_malformed_bodies_are_field_errors_never_a_500(
    runner_api: APIClient, runner_plan: Plan, change: dict[str, Any], field: str
) -> None:
    session = first_session(runner_plan, "strength")
    errors = _errors(_post(runner_api, log_body(session) | change, session.date))
    assert any(name == field or name.startswith(f"{field}.") for name in errors), errors


@pytest.mark.parametrize("body", [[], "text", 42, {}])
def test_a_body_that_is_not_an_object_is_a_400(runner_api: APIClient, runner_plan: Plan, body: Any) -> None:
    response = _post(runner_api, body, runner_plan.start)
    assert response.status_code == 400 and set(response.json()) == {"detail", "errors"}


def test_a_log_of_thousands_of_entries_is_refused_by_its_cap_before_any_entry_is_read(
    runner_api: APIClient, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "strength")
    # Each entry is wrong twice over: had any been validated, its errors would be named.
    bad_entry = {"prescription": "x", "pain_during": 99, "reps_done": "many"}
    for count in (MAX_ENTRIES + 1, 10_000):
        response = _post(runner_api, log_body(session) | {"entries": [bad_entry] * count}, session.date)
        assert response.status_code == 400
        assert response.json()["errors"] == {"entries": [f"A session has at most {MAX_ENTRIES} entries."]}


def test_a_run_without_its_distance_is_a_field_error(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "run")
    body = log_body(session)
    body["entries"][0].pop("distance")
    assert "entries.0.distance" in _errors(_post(runner_api, body, session.date))


def test_another_runners_session_is_not_found_in_your_plans(other_runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    errors = _errors(_post(other_runner_api, log_body(session), session.date))
    assert errors == {"session": ["No such session in your plans."]}
    assert not SessionLog.objects.exists()


def test_a_session_still_to_come_or_a_rest_day_cannot_be_logged(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    errors = _errors(_post(runner_api, log_body(session), session.date - dt.timedelta(days=1)))
    assert errors == {"session": ["This session is still to come: log it on the day."]}
    rest = PlannedSession.objects.filter(plan=runner_plan, kind="rest").order_by("date").first()
    if rest is not None:
        body = log_body(session) | {"session": rest.pk}
        assert _errors(_post(runner_api, body, rest.date)) == {"session": ["This session has nothing to log."]}


# ---------------------------------------------------------------- conflicts: 409 with a plain message


def test_an_already_logged_session_with_a_new_client_id_is_a_409(runner_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    assert _post(runner_api, log_body(session), session.date).status_code == 201
    response = _post(runner_api, log_body(session), session.date)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This session is already logged; logs are never rewritten.",
        "errors": {"session": ["This session is already logged; logs are never rewritten."]},
    }
    assert SessionLog.objects.count() == 1


def test_a_plan_waiting_for_a_clinician_refuses_logs_with_a_plain_409(
    runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "strength")
    assert _post(runner_api, log_body(session), session.date).status_code == 201  # logged: kept as history
    day_log_record(runner=runner, date=session.date, values={"red_flags": ["bladder_or_bowel_change"]})
    runner_plan.refresh_from_db()
    assert runner_plan.status == PlanStatus.NEEDS_CLINICIAN
    response = _post(runner_api, log_body(session), session.date)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This plan is paused until a clinician has seen you; logging is closed.",
        "errors": {},
    }


def test_a_client_id_another_runner_used_is_refused(
    runner_api: APIClient, other_runner: User, runner_plan: Plan, intake_data: dict[str, Any]
) -> None:
    from tests.programs.plans import create_plan

    other_plan = create_plan(other_runner, intake_data, weeks=2)
    theirs = first_session(other_plan, "strength")
    mine = first_session(runner_plan, "strength")
    client_id = uuid.uuid4()
    session_log_record(
        session=theirs,
        runner=other_runner,
        entries=[{"prescription": p.pk, "pain_during": 1} for p in theirs.prescriptions.all()],
        client_id=client_id,
    )
    response = _post(runner_api, log_body(mine) | {"client_id": str(client_id)}, mine.date)
    assert "client_id" in _errors(response)
    assert str(theirs.pk) not in response.content.decode()
    assert not SessionLog.objects.filter(runner__email="runner@example.test").exists()


# ---------------------------------------------------------------- who may call it


def test_anonymous_is_401_and_a_physio_403(anon_api: APIClient, physio_api: APIClient, runner_plan: Plan) -> None:
    session = first_session(runner_plan, "strength")
    for method in ("get", "post"):
        assert getattr(anon_api, method)(URL, log_body(session), format="json").status_code == 401
        assert getattr(physio_api, method)(URL, log_body(session), format="json").status_code == 403
    assert physio_api.get(f"{URL}1/").status_code == 403
    assert not SessionLog.objects.exists()


# ---------------------------------------------------------------- reading logs


def _log(runner: User, session: PlannedSession, pain: int = 1) -> SessionLog:
    return session_log_record(
        session=session,
        runner=runner,
        entries=[{"prescription": p.pk, "pain_during": pain} for p in session.prescriptions.all()],
        client_id=uuid.uuid4(),
    )


def _log_first(runner: User, plan: Plan, n: int, pain: int = 1) -> list[SessionLog]:
    """Log the plan's first n loggable sessions in date order (each read after the last log replanned)."""
    logs = []
    for _ in range(n):
        session = (
            PlannedSession.objects.filter(plan=plan, kind__in=("strength", "mobility", "run"), log__isnull=True)
            .filter(prescriptions__isnull=False)
            .exclude(date__lt=logs[-1].session.date if logs else plan.start)
            .distinct()
            .order_by("date", "position")
            .first()
        )
        assert session is not None
        logs.append(_log(runner, session, pain))
    return logs


def test_the_list_is_own_newest_first_paginated_and_filtered(
    runner_api: APIClient, other_runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    logs = _log_first(runner, runner_plan, 4)
    sessions = [log.session for log in logs]
    data = runner_api.get(URL).json()
    assert data["count"] == 4 and [r["id"] for r in data["results"]] == [
        log.pk for log in sorted(logs, key=lambda log: (log.session.date, log.pk), reverse=True)
    ]
    assert other_runner_api.get(URL).json()["count"] == 0
    assert runner_api.get(URL, {"page_size": 1}).json()["next"]

    second = sessions[1].date.isoformat()
    dates = [r["date"] for r in runner_api.get(URL, {"date_from": second, "date_to": second}).json()["results"]]
    assert dates and set(dates) == {second}
    kinds = {r["kind"] for r in runner_api.get(URL, {"kind": "strength"}).json()["results"]}
    assert kinds == {"strength"}
    assert runner_api.get(URL, {"plan": runner_plan.pk}).json()["count"] == 4
    assert runner_api.get(URL, {"plan": runner_plan.pk + 1000}).json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [{"date_from": "yesterday"}, {"kind": "nap"}, {"plan": "x"}, {"plan": "1e30"}, {"plan": "1.5"}, {"page": "0"}],
)
def test_bad_filters_are_400_or_404_never_500(runner_api: APIClient, runner_plan: Plan, query: dict[str, str]) -> None:
    response = runner_api.get(URL, query)
    assert response.status_code in (400, 404)
    assert set(response.json()) == {"detail", "errors"}


def test_one_log_reads_back_and_another_runners_is_a_404(
    runner_api: APIClient, other_runner_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    session = first_session(runner_plan, "strength")
    log = _log(runner, session, pain=7)
    data = runner_api.get(f"{URL}{log.pk}/").json()
    assert data["id"] == log.pk and data["decisions"]
    assert other_runner_api.get(f"{URL}{log.pk}/").status_code == 404
    assert runner_api.get(f"{URL}{log.pk + 1000}/").status_code == 404
    assert runner_api.get(f"{URL}abc/").status_code == 404


def test_the_list_takes_the_same_queries_for_1_and_many_logs(
    runner_api: APIClient, runner: User, runner_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, more in ((1, 1), (6, 5)):
        _log_first(runner, runner_plan, more, pain=7)
        with CaptureQueriesContext(connection) as queries:
            response = runner_api.get(URL)
        assert response.json()["count"] == n
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts  # token, count, logs, entries, decisions


LOG_POST_BUDGET = 45  # measured 35 (1-week plan) and 39 (6 and 24 weeks); most of it is the replan


@pytest.mark.parametrize("weeks", [1, 24])
def test_a_log_post_stays_within_its_query_budget_and_a_retry_is_cheap(
    runner_api: APIClient, runner: User, intake_data: dict[str, Any], weeks: int, django_assert_max_num_queries: Any
) -> None:
    from tests.programs.plans import create_plan

    plan = create_plan(runner, intake_data, weeks=weeks)
    session = first_session(plan, "strength")
    body = log_body(session, pain=7)
    with django_assert_max_num_queries(LOG_POST_BUDGET):
        assert _post(runner_api, body, session.date).status_code == 201
    with django_assert_max_num_queries(5):  # token, the stored log (with its session), entries, decisions, ...
        assert _post(runner_api, body, session.date).status_code == 201
