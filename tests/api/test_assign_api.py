"""patients/{id}/plans/: a patient's plans (GET) and a plan assigned by their physio (POST).

The assigned plan goes through the same generator and safety rules as one the runner starts: red flags still stop it,
no exercise its phase forbids is ever prescribed. A runner not actively linked to the physio is 404.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import CareLink, CareLinkStatus, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange, Prescription
from programs.services.templates import template_create
from tests.api.plan_links import without_links
from tests.pages import at
from tests.programs.plans import START, create_plan, record_intake
from tests.programs.strategies import catalogue, pathways

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {"id", "runner", "intake", "status", "pathway", "start_date", "end_date", "weeks_count", "revision"}
PLAN_JSON_KEYS = {"status", "referral", "pathway", "pathway_reason", "weeks"}


def _url(runner: User) -> str:
    return f"/api/v1/patients/{runner.pk}/plans/"


def _assert_safe(body: dict[str, Any]) -> None:
    """Nothing the week's phase forbids, in the warm-up or the items (docs/design.md §5)."""
    pathway = pathways()[body["pathway"]]
    for week in body["weeks"]:
        forbidden = pathway.phase(week["phase"]).forbidden_tags
        for day in week["days"]:
            for session in day["sessions"]:
                for item in [*session.get("warm_up", []), *session["items"]]:
                    assert not catalogue()[item["exercise"]].contraindications & forbidden, (week["phase"], item)


def test_a_physio_assigns_a_plan_on_a_pathway_and_it_is_the_runners_current_plan(
    physio_api: APIClient, runner_api: APIClient, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    earlier = create_plan(runner, intake_data, weeks=6)  # overuse_ache by the rules
    with at(START):
        response = physio_api.post(_url(runner), {"start_date": START.isoformat(), "weeks": 4, "pathway": "prevention"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= SUMMARY_KEYS | PLAN_JSON_KEYS
    assert (body["pathway"], body["weeks_count"], len(body["weeks"]), body["status"]) == ("prevention", 4, 4, "active")
    assert body["runner"] == runner.pk and body["intake"] == earlier.intake_id and body["referral"] is None
    assert body["pathway_reason"] == "Your physio chose this program for you: hamstring injury prevention."
    _assert_safe(body)
    earlier.refresh_from_db()
    assert earlier.status == PlanStatus.ENDED

    # The runner reads the same plan, and the decision by their physio in its log.
    # the same plan, but only the physio may change its doses and only the runner log its sessions
    runner_read = runner_api.get(f"/api/v1/plans/{body['id']}/").json()
    assert without_links(runner_read)["weeks"] == without_links(body)["weeks"]
    changes = runner_api.get(f"/api/v1/plans/{body['id']}/changes/").json()["results"]
    assert len(changes) == 1 and changes[0]["author"] == "your physio"
    assert changes[0]["reason"] == "Assigned by your physio: hamstring injury prevention, 4 weeks from Mon 23 Nov."

    listed = physio_api.get(_url(runner)).json()
    assert [p["id"] for p in listed["results"]] == [body["id"], earlier.pk]  # newest first
    assert [p["status"] for p in listed["results"]] == ["active", "ended"]


def test_a_template_gives_the_pathway_weeks_and_pain_limit(
    physio_api: APIClient, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    template = template_create(
        owner=physio, name="Strain, Hickey", pathway="acute_strain", weeks=7, program={"pain_limit": 4}
    )
    with at(START):
        response = physio_api.post(_url(runner), {"start_date": START.isoformat(), "template": template.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["pathway"], body["weeks_count"]) == ("acute_strain", 7)
    assert set(Prescription.objects.filter(plan_id=body["id"]).values_list("pain_limit", flat=True)) == {4}
    _assert_safe(body)
    with at(START):
        longer = physio_api.post(
            _url(runner),
            {"start_date": START.isoformat(), "template": template.pk, "weeks": 9, "pathway": "acute_strain"},
        )
    assert longer.status_code == 201 and longer.json()["weeks_count"] == 9


def test_a_red_flag_in_the_intake_still_stops_an_assigned_plan(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["saddle_numbness"] = True
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(_url(runner), {"start_date": START.isoformat(), "weeks": 6, "pathway": "prevention"})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "needs_clinician" and body["weeks"] == []
    assert body["referral"]["stops_plan"] and body["referral"]["urgency"] == "emergency"
    assert not Prescription.objects.filter(plan_id=body["id"]).exists()


def test_an_older_intake_of_the_runner_may_be_chosen(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    first = record_intake(runner, intake_data)
    intake_data["symptoms"]["fever_or_unwell"] = True
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(_url(runner), {"start_date": START.isoformat(), "weeks": 3, "intake": first.pk})
    assert response.status_code == 201
    assert response.json()["intake"] == first.pk and response.json()["status"] == "active"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weeks": 4}, "start_date"),
        ({"start_date": "2026-11-22", "weeks": 4}, "start_date"),  # yesterday where the runner is
        ({"start_date": "2028-01-01", "weeks": 4}, "start_date"),
        ({"start_date": "23/11/2026", "weeks": 4}, "start_date"),
        ({"start_date": "2026-02-30", "weeks": 4}, "start_date"),
        ({"start_date": START.isoformat()}, "weeks"),
        ({"start_date": START.isoformat(), "weeks": 0}, "weeks"),
        ({"start_date": START.isoformat(), "weeks": 53}, "weeks"),
        ({"start_date": START.isoformat(), "weeks": "six"}, "weeks"),
        ({"start_date": START.isoformat(), "weeks": 4, "pathway": "knee"}, "pathway"),
        ({"start_date": START.isoformat(), "weeks": 4, "template": 10**30}, "template"),
        ({"start_date": START.isoformat(), "weeks": 4, "template": "x"}, "template"),
        ({"start_date": START.isoformat(), "weeks": 4, "intake": -3}, "intake"),
        ({"start_date": START.isoformat(), "weeks": 4, "intake": [1]}, "intake"),
    ],
)
def test_a_bad_assignment_is_a_field_error_never_a_500(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(_url(runner), body)
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"detail", "errors"} and field in response.json()["errors"], response.json()
    assert not Plan.objects.filter(runner=runner).exists()


def test_another_physios_template_another_runners_intake_and_no_intake_are_field_errors(
    physio_api: APIClient,
    runner: User,
    other_runner: User,
    physio: User,
    other_physio: User,
    intake_data: dict[str, Any],
) -> None:
    start = START.isoformat()
    with at(START):
        none_yet = physio_api.post(_url(runner), {"start_date": start, "weeks": 4})
    assert none_yet.status_code == 400
    assert none_yet.json()["errors"] == {"intake": ["This runner has not answered the questions for a plan yet."]}
    record_intake(runner, intake_data)
    theirs = record_intake(other_runner, intake_data)
    foreign = template_create(owner=other_physio, name="Theirs", pathway="prevention", weeks=4, program={})
    mine = template_create(owner=physio, name="Mine", pathway="prevention", weeks=4, program={})
    with at(START):
        responses = {
            "intake": physio_api.post(_url(runner), {"start_date": start, "weeks": 4, "intake": theirs.pk}),
            "template": physio_api.post(_url(runner), {"start_date": start, "template": foreign.pk}),
            "pathway": physio_api.post(
                _url(runner), {"start_date": start, "template": mine.pk, "pathway": "acute_strain"}
            ),
        }
    for field, response in responses.items():
        assert response.status_code == 400 and list(response.json()["errors"]) == [field], response.json()
    assert not Plan.objects.filter(runner=runner).exists()


def test_a_runner_not_actively_linked_is_not_found(
    physio_api: APIClient,
    other_physio_api: APIClient,
    runner: User,
    other_runner: User,
    intake_data: dict[str, Any],
) -> None:
    record_intake(other_runner, intake_data)
    create_plan(runner, intake_data, weeks=2)
    body = {"start_date": START.isoformat(), "weeks": 4}
    with at(START):
        for client, patient in ((physio_api, other_runner), (other_physio_api, runner)):
            for response in (client.get(_url(patient)), client.post(_url(patient), body)):
                assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
        assert physio_api.get(f"/api/v1/patients/{10**30}/plans/").status_code == 404
        CareLink.objects.filter(runner=runner).update(status=CareLinkStatus.REVOKED)
        assert physio_api.get(_url(runner)).status_code == 404
        assert physio_api.post(_url(runner), body).status_code == 404
    assert Plan.objects.filter(runner=runner).count() == 1 and not Plan.objects.filter(runner=other_runner).exists()


def test_runners_get_403_and_anonymous_clients_401(
    runner_api: APIClient, anon_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    for client, code in ((runner_api, 403), (anon_api, 401)):
        assert client.get(_url(runner)).status_code == code
        response = client.post(_url(runner), {"start_date": START.isoformat(), "weeks": 4})
        assert response.status_code == code and set(response.json()) == {"detail", "errors"}
    assert not Plan.objects.exists()


def test_the_assignment_is_one_decision_by_the_physio(
    physio_api: APIClient, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    with at(START):
        plan_id = physio_api.post(_url(runner), {"start_date": START.isoformat(), "weeks": 1}).json()["id"]
    decision = PlanChange.objects.get(plan_id=plan_id)
    assert (decision.kind, decision.rule, decision.author) == (PlanChangeKind.ASSIGN, "physio", physio)
    assert decision.reason == "Assigned by your physio: gradual hamstring ache from running, 1 week from Mon 23 Nov."


def test_the_list_reads_in_a_fixed_number_of_queries(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        create_plan(runner, intake_data, weeks=1)
    with django_assert_max_num_queries(5):  # token with user, the patient, the access-log entry, count, page
        body = physio_api.get(_url(runner)).json()
    assert body["count"] == 3


def test_another_program_during_the_runners_early_strain_stage_is_a_field_error(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"].update(onset="sudden", weeks_since_onset=1, pain_walking=0, pain_running=3)
    record_intake(runner, intake_data)
    with at(START):
        response = physio_api.post(_url(runner), {"start_date": START.isoformat(), "weeks": 4, "pathway": "prevention"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["pathway"]
    assert not Plan.objects.filter(runner=runner).exists()


@pytest.mark.parametrize("weeks", [1, 24])
def test_assigning_costs_the_same_queries_for_a_short_and_a_long_plan(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any], weeks: int, django_assert_max_num_queries: Any
) -> None:
    record_intake(runner, intake_data)
    body = {"start_date": START.isoformat(), "weeks": weeks, "pathway": "prevention"}
    # Measured 26 (pathway version recorded) and 21 after, then 4 more for the runner's plan-change message and 1 for
    # the runner's access log.
    with at(START), django_assert_max_num_queries(35):
        assert physio_api.post(_url(runner), body).status_code == 201
