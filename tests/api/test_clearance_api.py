"""plans/{id}/clearance/: a physio who assessed the runner clears the plan's red flags.

The plan becomes active again (or keeps going with what an advisory left out given back) from `start_date`; who,
when and what the assessment found are recorded, and the decision shows in the plan's log. A plan with nothing to
clear is a plain 400; a runner 403, a physio without an active link 404, an anonymous client 401.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import CareLink, CareLinkStatus, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange, Prescription
from tests.pages import at
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

NOTE = "Night pain is positional; no red flag on examination."


def _url(plan: Plan) -> str:
    return f"/api/v1/plans/{plan.pk}/clearance/"


@pytest.fixture
def stopped_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    intake_data["symptoms"]["fever_or_unwell"] = True
    plan = create_plan(runner, intake_data, weeks=4)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    return plan


def test_a_cleared_plan_becomes_active_and_the_clearance_is_recorded(
    physio_api: APIClient, runner_api: APIClient, stopped_plan: Plan, physio: User
) -> None:
    with at(START):
        response = physio_api.post(_url(stopped_plan), {"note": f"  {NOTE} "})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == {"plan", "status", "start_date", "note", "cleared_at", "decision"}
    assert (body["plan"], body["status"], body["start_date"], body["note"]) == (
        stopped_plan.pk,
        "active",
        START.isoformat(),  # default: today where the runner is
        NOTE,
    )
    assert body["cleared_at"].startswith(START.isoformat())
    assert body["decision"]["kind"] == "clearance" and body["decision"]["reason"] == NOTE

    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.ACTIVE and stopped_plan.referral is None
    assert stopped_plan.clinician_clearance["physio"] == physio.email
    assert stopped_plan.clinician_clearance["referral"]["urgency"] == "urgent"
    assert Prescription.objects.filter(plan=stopped_plan).exists()
    decision = PlanChange.objects.get(pk=body["decision"]["id"])
    assert decision.author == physio and decision.kind == PlanChangeKind.CLEARANCE

    plan = runner_api.get(f"/api/v1/plans/{stopped_plan.pk}/").json()
    assert plan["status"] == "active" and plan["referral"] is None and len(plan["weeks"]) == 4
    changes = runner_api.get(f"/api/v1/plans/{stopped_plan.pk}/changes/").json()["results"]
    assert changes[0]["kind"] == "clearance" and changes[0]["author"] == "your physio"

    with at(START):  # nothing left to clear
        again = physio_api.post(_url(stopped_plan), {"note": "again"})
    assert again.status_code == 400
    assert again.json() == {
        "detail": "This plan has no open red flag to clear.",
        "errors": {"non_field_errors": ["This plan has no open red flag to clear."]},
    }


def test_a_stopped_plan_may_start_on_a_later_day(physio_api: APIClient, stopped_plan: Plan) -> None:
    later = START + dt.timedelta(days=7)
    with at(START):
        response = physio_api.post(_url(stopped_plan), {"note": NOTE, "start_date": later.isoformat()})
    assert response.status_code == 200 and response.json()["start_date"] == later.isoformat()
    stopped_plan.refresh_from_db()
    assert stopped_plan.start == later
    assert not Prescription.objects.filter(plan=stopped_plan, session__date__lt=later).exists()


def test_clearing_an_advisory_gives_back_what_it_left_out_from_that_day(
    physio_api: APIClient, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"].update(onset="sudden", location="sit_bone", weeks_since_onset=0.3, pain_walking=1)
    plan = create_plan(runner, intake_data, weeks=6)
    assert plan.status == PlanStatus.ACTIVE and plan.referral["protect_only"]
    week_two = START + dt.timedelta(days=7)
    first_week = list(Prescription.objects.filter(plan=plan, session__date__lt=week_two).values())
    with at(START):
        response = physio_api.post(
            _url(plan), {"note": "No avulsion on ultrasound; grade 1 strain.", "start_date": week_two.isoformat()}
        )
    assert response.status_code == 200 and response.json()["status"] == "active"
    plan.refresh_from_db()
    assert plan.referral is None and plan.start == START
    assert "walk_jog" in set(plan.plan_weeks.values_list("phase", flat=True))
    assert list(Prescription.objects.filter(plan=plan, session__date__lt=week_two).values()) == first_week


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "note"),
        ({"note": "   "}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"note": ["seen"]}, "note"),
        ({"note": NOTE, "start_date": "2026-11-22"}, "start_date"),  # yesterday where the runner is
        ({"note": NOTE, "start_date": "2028-01-01"}, "start_date"),
        ({"note": NOTE, "start_date": "next week"}, "start_date"),
        ({"note": NOTE, "start_date": 20261123}, "start_date"),
    ],
)
def test_a_bad_clearance_is_a_field_error_never_a_500(
    physio_api: APIClient, stopped_plan: Plan, body: dict[str, Any], field: str
) -> None:
    with at(START):
        response = physio_api.post(_url(stopped_plan), body)
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"detail", "errors"} and field in response.json()["errors"], response.json()
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN


def test_an_ended_plan_is_a_plain_400(physio_api: APIClient, stopped_plan: Plan) -> None:
    Plan.objects.filter(pk=stopped_plan.pk).update(status=PlanStatus.ENDED)
    with at(START):
        response = physio_api.post(_url(stopped_plan), {"note": NOTE})
    assert response.status_code == 400
    assert response.json()["detail"] == "This plan has ended; it is kept as it was."


def test_runners_get_403_and_anonymous_clients_401(
    runner_api: APIClient, anon_api: APIClient, stopped_plan: Plan
) -> None:
    for client, code in ((runner_api, 403), (anon_api, 401)):
        response = client.post(_url(stopped_plan), {"note": NOTE})
        assert response.status_code == code and set(response.json()) == {"detail", "errors"}
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN


def test_a_physio_without_an_active_link_gets_404(
    physio_api: APIClient, other_physio_api: APIClient, stopped_plan: Plan
) -> None:
    with at(START):
        response = other_physio_api.post(_url(stopped_plan), {"note": NOTE})
        assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
        assert physio_api.post(f"/api/v1/plans/{10**30}/clearance/", {"note": NOTE}).status_code == 404
        CareLink.objects.filter(runner=stopped_plan.runner).update(status=CareLinkStatus.REVOKED)
        assert physio_api.post(_url(stopped_plan), {"note": NOTE}).status_code == 404
    assert physio_api.get(_url(stopped_plan)).status_code == 405  # a command: POST only
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN
