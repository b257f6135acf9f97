"""A physio's program edits over the API: assigning with `edits`, a template's `program` as edits, and
plans/{id}/program/ (GET the edits, PUT new ones from a day on as one decision). Bad edits are field errors in the one
error shape; a plan not of a linked patient is 404; a runner is 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.api.serializers.physio import MAX_ADDED
from programs.choices import PlanChangeKind
from programs.models import ExerciseLog, Plan, PlanChange, PlannedSession, Prescription
from programs.services.assign import plan_assign
from programs.services.logs import session_log_record
from tests.api.plan_links import without_links
from tests.pages import at
from tests.programs.plans import START, create_plan, record_intake

pytestmark = pytest.mark.django_db

EDITS = {
    "removed": ["active_isolated_stretching"],
    "doses": {"single_leg_bridge": {"sets": 2, "reps": 8}},
    "order": ["single_leg_stand_abduction"],
    "weekly_distance_cap": 20.0,
    "max_runs": 3,
}


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for w in body["weeks"] for d in w["days"] for s in d["sessions"] for i in s["items"]]


def test_assigning_with_edits_publishes_the_edited_program(
    physio_api: APIClient, runner_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(
            f"/api/v1/patients/{runner.pk}/plans/", {"start_date": START.isoformat(), "weeks": 4, "edits": EDITS}
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    items = _items(body)
    assert "active_isolated_stretching" not in {i["exercise"] for i in items}
    bridges = [i for i in items if i["exercise"] == "single_leg_bridge"]
    assert bridges and all((i["sets"], i["reps"]) == (2, 8) and "Set by your physio." in i["reason"] for i in bridges)
    assert all(w["running"]["target_distance"] <= 20 and w["running"]["max_runs"] <= 3 for w in body["weeks"])
    # the runner sees it at once
    runner_read = runner_api.get(f"/api/v1/plans/{body['id']}/").json()
    assert without_links(runner_read)["weeks"] == without_links(body)["weeks"]  # the links are each viewer's own
    assert physio_api.get(f"/api/v1/plans/{body['id']}/program/").json() == {"plan": body["id"], "edits": EDITS}


@pytest.mark.parametrize(
    ("edits", "field"),
    [
        ({"removed": ["no_such_exercise"]}, "edits.removed"),
        ({"doses": {"single_leg_bridge": {"minutes": 5}}}, "edits.doses.single_leg_bridge"),
        ({"doses": {"single_leg_bridge": {"sets": 0, "reps": 8}}}, "edits.doses.single_leg_bridge.sets"),
        (
            {"added": [{"exercise": "glute_bridge", "kind": "run", "dose": {"sets": 2, "reps": 8}}]},
            "edits.added.0.kind",
        ),
        ({"doses": {"single_leg_bridge": {"sets": 2, "reps": [8, 8, 8]}}}, "edits.doses.single_leg_bridge.reps"),
        ({"doses": {"single_leg_bridge": {"sets": 2, "reps": 8, "tempo": 3}}}, "edits.doses.single_leg_bridge.tempo"),
        ({"pain_limit": 11}, "edits.pain_limit"),
        ({"max_runs": 8}, "edits.max_runs"),
        ({"weekly_distance_cap": 0}, "edits.weekly_distance_cap"),
        ({"running_cap": 3}, "edits.running_cap"),
    ],
)
def test_bad_edits_are_field_errors(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any], edits: dict[str, Any], field: str
) -> None:
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(
            f"/api/v1/patients/{runner.pk}/plans/", {"start_date": START.isoformat(), "weeks": 4, "edits": edits}
        )
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"detail", "errors"} and field in response.json()["errors"], response.json()
    assert not Plan.objects.filter(runner=runner).exists()


def test_a_contraindicated_addition_needs_an_override_and_it_is_recorded(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"].update(
        onset="sudden", weeks_since_onset=1, pain_walking=0, pain_running=3, location="mid_thigh"
    )
    record_intake(runner, intake_data)
    added = {"exercise": "hamstring_scoops", "kind": "strength", "dose": {"sets": 1, "reps": 10}}
    url = f"/api/v1/patients/{runner.pk}/plans/"
    with at(START):
        refused = physio_api.post(url, {"start_date": START.isoformat(), "weeks": 4, "edits": {"added": [added]}})
        assert refused.status_code == 400
        assert "Hamstring scoops" in refused.json()["errors"]["edits.added.0.exercise"][0]
        why = "Assessed: grade 1; gentle scoops are fine."
        edits = {"added": [added], "overrides": {"hamstring_scoops": why}}
        response = physio_api.post(url, {"start_date": START.isoformat(), "weeks": 4, "edits": edits})
    assert response.status_code == 201, response.json()
    assert "hamstring_scoops" in {i["exercise"] for i in _items(response.json())}
    decision = PlanChange.objects.get(plan_id=response.json()["id"], kind=PlanChangeKind.ASSIGN)
    assert why in decision.reason and "Hamstring scoops" in decision.reason


def _plan_with_a_log(runner: User, physio: User, intake_data: dict[str, Any]) -> tuple[Plan, PlannedSession]:
    record_intake(runner, intake_data)
    plan = plan_assign(physio=physio, runner=runner, start=START, weeks=4)
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    assert session is not None
    entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)
    return plan, session


def test_put_program_changes_the_future_as_one_decision_and_keeps_history(
    physio_api: APIClient, runner_api: APIClient, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan, logged = _plan_with_a_log(runner, physio, intake_data)
    history = list(Prescription.objects.filter(session=logged).order_by("pk").values())
    logs = list(ExerciseLog.objects.filter(session_log__session=logged).order_by("pk").values())
    today = logged.date + dt.timedelta(days=1)
    body = {"edits": {"removed": ["single_leg_bridge"], "pain_limit": 3}, "note": "Less bridging for now."}
    with at(today):
        response = physio_api.put(f"/api/v1/plans/{plan.pk}/program/", body)
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["plan"] == plan.pk and result["edits"] == body["edits"]
    assert (result["decision"]["kind"], result["decision"]["reason"]) == ("program", "Less bridging for now.")
    assert result["decision"]["effective_from"] == today.isoformat()
    assert list(Prescription.objects.filter(session=logged).order_by("pk").values()) == history
    assert list(ExerciseLog.objects.filter(session_log__session=logged).order_by("pk").values()) == logs
    future = Prescription.objects.filter(plan=plan, session__date__gte=today)
    assert future.exists() and not future.filter(exercise__slug="single_leg_bridge").exists()
    changes = runner_api.get(f"/api/v1/plans/{plan.pk}/changes/").json()["results"]
    assert any(c["kind"] == "program" and c["reason"] == "Less bridging for now." for c in changes)

    with at(today):
        past = physio_api.put(f"/api/v1/plans/{plan.pk}/program/", {**body, "start_date": logged.date.isoformat()})
        empty = physio_api.put(f"/api/v1/plans/{plan.pk}/program/", {**body, "note": ""})
        bad = physio_api.put(f"/api/v1/plans/{plan.pk}/program/", {**body, "edits": {"order": ["nope"]}})
    assert past.status_code == 400 and "start_date" in past.json()["errors"]
    assert empty.status_code == 400 and "note" in empty.json()["errors"]
    assert bad.status_code == 400 and "edits.order" in bad.json()["errors"]


def test_only_the_linked_physio_reaches_a_plans_program(
    physio_api: APIClient,
    other_physio_api: APIClient,
    runner_api: APIClient,
    runner: User,
    physio: User,
    intake_data: dict[str, Any],
) -> None:
    plan, logged = _plan_with_a_log(runner, physio, intake_data)
    url = f"/api/v1/plans/{plan.pk}/program/"
    body = {"edits": {"pain_limit": 3}, "note": "x"}
    with at(logged.date):
        assert other_physio_api.get(url).status_code == 404
        assert other_physio_api.put(url, body).status_code == 404
        assert runner_api.put(url, body).status_code == 403
        assert physio_api.get("/api/v1/plans/999999999/program/").status_code == 404
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
    Plan.objects.filter(pk=plan.pk).update(status="ended")
    with at(logged.date):
        ended = physio_api.put(url, body)
    assert ended.status_code == 400 and ended.json()["detail"] == "This plan has ended; it is kept as it was."


def test_a_templates_program_takes_the_edits(physio_api: APIClient) -> None:
    program = {"removed": ["leg_swings"], "pain_limit": 3, "max_runs": 2}
    response = physio_api.post(
        "/api/v1/templates/", {"name": "Gentle", "pathway": "overuse_ache", "weeks": 6, "program": program}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["program"] == program
    bad = physio_api.post(
        "/api/v1/templates/",
        {
            "name": "Bad",
            "pathway": "acute_strain",
            "weeks": 6,
            "program": {"added": [{"exercise": "nordic_curl", "kind": "strength", "dose": {"sets": 2, "reps": 4}}]},
        },
    )
    assert bad.status_code == 400 and "Nordic hamstring curl" in bad.json()["errors"]["program"][0]


def test_a_plans_program_is_kept_as_a_template(
    physio_api: APIClient, other_physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    with at(START):
        created = physio_api.post(
            f"/api/v1/patients/{runner.pk}/plans/", {"start_date": START.isoformat(), "weeks": 4, "edits": EDITS}
        )
    plan_id = created.json()["id"]
    assert other_physio_api.post(f"/api/v1/plans/{plan_id}/template/", {"name": "Mine"}).status_code == 404
    response = physio_api.post(f"/api/v1/plans/{plan_id}/template/", {"name": "Ache, gentle"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["pathway"], body["weeks"], body["program"]) == ("Ache, gentle", "overuse_ache", 4, EDITS)
    again = physio_api.post(f"/api/v1/plans/{plan_id}/template/", {"name": "ache, GENTLE"})
    assert again.status_code == 400 and "name" in again.json()["errors"]


def test_thousands_of_additions_are_refused_by_their_cap_before_any_is_read(
    physio_api: APIClient,
    runner: User,
    physio: User,
    intake_data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    # Each addition is wrong three times over: had any been validated, its errors would be named.
    bad_addition = {"exercise": 5, "kind": "run", "dose": "x"}
    for count in (MAX_ADDED + 1, 10_000):
        body = {"edits": {"added": [bad_addition] * count}, "note": "Many more."}
        with at(START), django_assert_max_num_queries(6):
            response = physio_api.put(f"/api/v1/plans/{plan.pk}/program/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == {"edits.added": [f"A program adds at most {MAX_ADDED} exercises."]}
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
