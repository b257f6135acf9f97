"""prescriptions/{id}/: the physio of the plan's runner reads a prescription and sets its dose by hand, with a note.

An override never changes a logged session (409), is recorded as a decision by that physio, and the rules never undo
it. A runner gets 403, a physio without an active link 404, an anonymous client 401.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import CareLink, CareLinkStatus, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange, PlannedSession, Prescription
from programs.services.logs import session_log_record
from tests.pages import at
from tests.programs.plans import START

pytestmark = pytest.mark.django_db

KEYS = {
    "id",
    "plan",
    "date",
    "session",
    "exercise",
    "exercise_name",
    "dosing",
    "dose",
    "pain_limit",
    "reason",
    "source",
    "overridden",
    "logged",
}


def _url(prescription: Prescription) -> str:
    return f"/api/v1/prescriptions/{prescription.pk}/"


def _sets_reps(plan: Plan, after: dt.date = START) -> Prescription:
    found = (
        Prescription.objects.filter(plan=plan, session__date__gt=after, exercise__dosing="sets_reps")
        .select_related("session", "exercise")
        .order_by("session__date", "position")
        .first()
    )
    assert found is not None
    return found


def _log(session: PlannedSession, runner: User) -> None:
    entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)


def test_the_physio_reads_a_prescription(physio_api: APIClient, runner_plan: Plan) -> None:
    target = _sets_reps(runner_plan)
    response = physio_api.get(_url(target))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    assert (body["plan"], body["exercise"], body["dosing"]) == (runner_plan.pk, target.exercise.slug, "sets_reps")
    assert body["date"] == target.session.date.isoformat() and body["session"] == target.session.kind
    assert body["dose"] == target.dose and body["overridden"] is False and body["logged"] is False


def test_an_override_sets_the_dose_and_records_the_decision(
    physio_api: APIClient, runner_api: APIClient, runner_plan: Plan, physio: User
) -> None:
    target = _sets_reps(runner_plan)
    planned, revision = target.dose, runner_plan.revision
    with at(START):
        response = physio_api.patch(
            _url(target), {"dose": {"sets": 2, "reps": [10, 8]}, "note": "  Hip irritable after assessment. "}
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert set(body) == KEYS | {"decision"}
    assert body["dose"] == {"sets": 2, "reps": [10, 8]} and body["overridden"] is True
    assert body["reason"] == "Set by your physio: Hip irritable after assessment."
    assert body["decision"]["kind"] == "override" and body["decision"]["reason"] == "Hip irritable after assessment."
    assert body["decision"]["effective_from"] == target.session.date.isoformat()

    decision = PlanChange.objects.get(pk=body["decision"]["id"])
    assert (decision.author, decision.before, decision.after) == (
        physio,
        {"dose": planned},
        {"dose": {"sets": 2, "reps": [10, 8]}},
    )
    runner_plan.refresh_from_db()
    assert runner_plan.revision > revision  # the runner's cached copy is stale (its ETag changes)
    changes = runner_api.get(f"/api/v1/plans/{runner_plan.pk}/changes/").json()["results"]
    assert changes[0]["kind"] == "override" and changes[0]["author"] == "your physio"


def test_an_override_never_changes_a_logged_session(physio_api: APIClient, runner: User, runner_plan: Plan) -> None:
    session = PlannedSession.objects.filter(plan=runner_plan, kind="strength").order_by("date").first()
    assert session is not None
    target = session.prescriptions.filter(exercise__dosing="sets_reps").first()
    assert target is not None
    _log(session, runner)
    assert physio_api.get(_url(target)).json()["logged"] is True
    response = physio_api.patch(_url(target), {"dose": {"sets": 1, "reps": 5}, "note": "Less."})
    assert response.status_code == 409
    assert response.json() == {"detail": "This session is already logged: what was done stays as it was.", "errors": {}}
    target.refresh_from_db()
    assert not target.overridden and target.dose != {"sets": 1, "reps": 5}
    assert not PlanChange.objects.filter(plan=runner_plan, kind=PlanChangeKind.OVERRIDE).exists()


def test_an_ended_plan_is_a_plain_400(physio_api: APIClient, runner_plan: Plan) -> None:
    target = _sets_reps(runner_plan)
    Plan.objects.filter(pk=runner_plan.pk).update(status=PlanStatus.ENDED)
    response = physio_api.patch(_url(target), {"dose": {"sets": 1, "reps": 5}, "note": "Less."})
    assert response.status_code == 400
    assert response.json()["detail"] == "This plan has ended; it is kept as it was."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dose": {"sets": 2, "reps": 8}}, "note"),
        ({"dose": {"sets": 2, "reps": 8}, "note": "   "}, "note"),
        ({"dose": {"sets": 2, "reps": 8}, "note": "x" * 1001}, "note"),
        ({"note": "Less."}, "dose"),
        ({"dose": {}, "note": "Less."}, "dose"),
        ({"dose": [2, 8], "note": "Less."}, "dose"),
        ({"dose": {"sets": 2, "reps": 8, "speed": 3}, "note": "Less."}, "dose.speed"),
        ({"dose": {"sets": 0, "reps": 8}, "note": "Less."}, "dose.sets"),
        ({"dose": {"sets": 10**40, "reps": 8}, "note": "Less."}, "dose.sets"),
        ({"dose": {"sets": 2, "reps": 0}, "note": "Less."}, "dose.reps"),
        ({"dose": {"sets": 2, "reps": [8, True]}, "note": "Less."}, "dose.reps"),
        ({"dose": {"sets": 2, "reps": [8] * 21}, "note": "Less."}, "dose.reps"),
        ({"dose": {"sets": 2, "reps": "8"}, "note": "Less."}, "dose.reps"),
        ({"dose": {"sets": 3, "reps": [8, 8]}, "note": "Less."}, "dose.reps"),  # a rep count per set
        ({"dose": {"distance": 5}, "note": "Less."}, "dose"),  # not how this exercise is dosed
        ({"dose": {"sets": 2}, "note": "Less."}, "dose"),
        ({"dose": {"distance": 1e308}, "note": "Less."}, "dose.distance"),
    ],
)
def test_a_bad_override_is_a_field_error_never_a_500(
    physio_api: APIClient, runner_plan: Plan, body: dict[str, Any], field: str
) -> None:
    target = _sets_reps(runner_plan)
    response = physio_api.patch(_url(target), body)
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"detail", "errors"} and field in response.json()["errors"], response.json()
    target.refresh_from_db()
    assert not target.overridden


def test_runners_get_403_and_anonymous_clients_401(
    runner_api: APIClient, other_runner_api: APIClient, anon_api: APIClient, runner_plan: Plan
) -> None:
    target = _sets_reps(runner_plan)
    body = {"dose": {"sets": 1, "reps": 5}, "note": "Less."}
    for client, code in ((runner_api, 403), (other_runner_api, 403), (anon_api, 401)):
        assert client.get(_url(target)).status_code == code
        response = client.patch(_url(target), body)
        assert response.status_code == code and set(response.json()) == {"detail", "errors"}
    target.refresh_from_db()
    assert not target.overridden


def test_a_physio_without_an_active_link_gets_404(
    physio_api: APIClient, other_physio_api: APIClient, runner_plan: Plan
) -> None:
    target = _sets_reps(runner_plan)
    body = {"dose": {"sets": 1, "reps": 5}, "note": "Less."}
    for response in (other_physio_api.get(_url(target)), other_physio_api.patch(_url(target), body)):
        assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
    CareLink.objects.filter(runner=runner_plan.runner).update(status=CareLinkStatus.REVOKED)
    assert physio_api.get(_url(target)).status_code == 404
    assert physio_api.patch(_url(target), body).status_code == 404
    assert physio_api.get(f"/api/v1/prescriptions/{10**30}/").status_code == 404
    target.refresh_from_db()
    assert not target.overridden


def test_put_and_delete_are_not_allowed(physio_api: APIClient, runner_plan: Plan) -> None:
    target = _sets_reps(runner_plan)
    assert physio_api.put(_url(target), {"dose": {"sets": 1, "reps": 5}, "note": "x"}).status_code == 405
    assert physio_api.delete(_url(target)).status_code == 405


def test_reading_a_prescription_is_a_fixed_number_of_queries(
    physio_api: APIClient, runner_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    target = _sets_reps(runner_plan)
    # Token with user, the prescription with its session, log and exercise, the runner's access-log entry.
    with django_assert_max_num_queries(3):
        assert physio_api.get(_url(target)).status_code == 200
