"""Writes to a plan over the API name the plan's ETag they were read at in If-Match (docs/api.md, "Changing a plan
two people are changing"): a write from an older revision is 412 with a plain `detail` and the plan's revision now,
and nothing is written. A write without If-Match is not checked."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange, Prescription
from programs.services.revisions import PLAN_CHANGED_MESSAGE
from tests.pages import at
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

PROGRAM_EDIT = {"edits": {"removed": ["single_leg_bridge"]}, "note": "Less bridging for now."}


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _etag(api: APIClient, plan: Plan) -> str:
    response = api.get(f"/api/v1/plans/{plan.pk}/")
    assert response.status_code == 200
    return str(response["ETag"])


def _if_match(tag: str | None) -> dict[str, str]:
    return {"If-Match": tag} if tag is not None else {}


def _program(api: APIClient, plan: Plan, if_match: str | None = None) -> Any:
    return api.put(f"/api/v1/plans/{plan.pk}/program/", PROGRAM_EDIT, format="json", headers=_if_match(if_match))


def _archive(api: APIClient, plan: Plan, if_match: str | None = None) -> Any:
    return api.post(f"/api/v1/plans/{plan.pk}/archive/", headers=_if_match(if_match))


def _refused(response: Any, plan: Plan) -> None:
    assert response.status_code == 412, response.content
    plan.refresh_from_db()
    assert response.json() == {"detail": PLAN_CHANGED_MESSAGE, "errors": {}, "revision": plan.revision}


def test_the_physios_edit_from_before_the_runner_ended_the_plan_is_412_and_changes_nothing(
    plan: Plan, physio_api: APIClient, runner_api: APIClient
) -> None:
    physio_read, runner_read = _etag(physio_api, plan), _etag(runner_api, plan)
    assert physio_read == runner_read
    with at(START):
        ended = _archive(runner_api, plan, if_match=runner_read)
        assert ended.status_code == 200 and ended.json()["status"] == PlanStatus.ENDED
        _refused(_program(physio_api, plan, if_match=physio_read), plan)
    assert plan.program_edits in ({}, None)
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
    assert plan.status == PlanStatus.ENDED, "the runner's change is intact"


def test_the_runners_archive_from_before_the_physios_edit_is_412_and_the_plan_goes_on(
    plan: Plan, physio_api: APIClient, runner_api: APIClient
) -> None:
    read = _etag(runner_api, plan)
    with at(START):
        edited = _program(physio_api, plan, if_match=read)
        assert edited.status_code == 200, edited.json()
        assert edited["ETag"] == _etag(physio_api, plan), "the ETag of the plan as the edit left it"
        _refused(_archive(runner_api, plan, if_match=read), plan)
    assert plan.status == PlanStatus.ACTIVE
    assert plan.program_edits == PROGRAM_EDIT["edits"], "the physio's edit is intact"
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.END).exists()


def test_a_write_with_the_current_etag_is_saved_and_raises_the_revision(plan: Plan, physio_api: APIClient) -> None:
    before = plan.revision
    program = physio_api.get(f"/api/v1/plans/{plan.pk}/program/")
    assert program["ETag"] == _etag(physio_api, plan), "the program read carries the plan's ETag too"
    with at(START):
        assert _program(physio_api, plan, if_match=program["ETag"]).status_code == 200
    plan.refresh_from_db()
    assert plan.revision == before + 1


@pytest.mark.parametrize("tag", ['"not-the-plans-etag"', "W/{etag}", "nonsense"])
def test_any_other_tag_is_412(plan: Plan, physio_api: APIClient, tag: str) -> None:
    with at(START):
        _refused(_program(physio_api, plan, if_match=tag.format(etag=_etag(physio_api, plan))), plan)
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()


def test_without_if_match_or_with_a_star_a_write_is_not_checked(
    plan: Plan, physio_api: APIClient, runner_api: APIClient
) -> None:
    with at(START):
        assert _program(physio_api, plan).status_code == 200
        assert _program(physio_api, plan, if_match="*").status_code == 200
        assert _archive(runner_api, plan).status_code == 200


def test_an_override_and_a_clearance_check_if_match_too(
    runner: User, physio: User, physio_api: APIClient, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    stale = _etag(physio_api, plan)
    Plan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)  # another write came first
    prescription = Prescription.objects.filter(plan=plan, exercise__dosing="sets_reps").first()
    assert prescription is not None
    with at(START):
        override = physio_api.patch(
            f"/api/v1/prescriptions/{prescription.pk}/",
            {"dose": {"sets": 2, "reps": 6}, "note": "Fewer for now."},
            format="json",
            headers={"If-Match": stale},
        )
        clearance = physio_api.post(
            f"/api/v1/plans/{plan.pk}/clearance/",
            {"note": "Assessed: fine.", "start_date": START.isoformat()},
            format="json",
            headers={"If-Match": stale},
        )
    _refused(override, plan)
    _refused(clearance, plan)
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.OVERRIDE).exists()
