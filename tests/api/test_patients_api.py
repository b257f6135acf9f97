"""/api/v1/patients/: a physio's actively linked runners; nobody else's, never a runner's call."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import Plan
from tests.api.conftest import client_for
from tests.factories.accounts import CareLinkFactory, RunnerFactory
from tests.pages import at
from tests.programs.test_patients import TODAY, WEEK_2, clone_plan, log_session, morning, sessions_on

URL = "/api/v1/patients/"


def detail_url(user: User | int) -> str:
    return f"{URL}{user if isinstance(user, int) else user.pk}/"


def test_anonymous_gets_401(anon_api: APIClient, runner: User, physio: User) -> None:
    for url in (URL, detail_url(runner)):
        response = anon_api.get(url)
        assert response.status_code == 401
        assert set(response.json()) == {"detail", "errors"}


def test_a_runner_gets_403(runner_api: APIClient, runner: User) -> None:
    for url in (URL, detail_url(runner)):
        response = runner_api.get(url)
        assert response.status_code == 403
        assert response.json() == {"detail": "Only a physiotherapist's account can use this.", "errors": {}}


def test_the_physio_lists_their_patient(physio_api: APIClient, runner: User, runner_plan: Plan) -> None:
    log_session(sessions_on(runner_plan, WEEK_2[0])[0], pain=3)
    morning(runner, WEEK_2[1], 2)

    with at(TODAY):
        response = physio_api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == runner.pk
    assert row["email"] == runner.email
    assert row["plan_id"] == runner_plan.pk
    assert row["plan_status"] == "active"
    assert (row["pathway"], row["pathway_name"]) == ("overuse_ache", "Gradual hamstring ache from running")
    assert row["week"] == 3
    assert row["phase_name"]
    assert row["adherence_7"] == {"percent": 8, "planned": 12, "done": 1}
    assert (row["last_pain"], row["last_pain_on"]) == (3, WEEK_2[0].isoformat())
    assert (row["last_morning_pain"], row["last_morning_pain_on"]) == (2, WEEK_2[1].isoformat())
    assert row["days_since_last_log"] == 6
    assert row["flags"] == [{"code": "no_log_4_days", "label": "Nothing logged for 4 days or more"}]


def test_physio_b_never_sees_physio_a_patients(other_physio_api: APIClient, runner: User, physio: User) -> None:
    assert other_physio_api.get(URL).json()["count"] == 0
    response = other_physio_api.get(detail_url(runner))
    assert response.status_code == 404
    assert runner.email not in response.content.decode()


def test_an_unlinked_or_unknown_runner_is_not_found(physio_api: APIClient, other_runner: User) -> None:
    for url in (detail_url(other_runner), detail_url(2**40), f"{URL}abc/"):
        response = physio_api.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) == {"detail", "errors"}


def test_the_detail_has_the_row_the_plan_and_recent_logs(
    physio_api: APIClient, runner: User, runner_plan: Plan
) -> None:
    log_session(sessions_on(runner_plan, WEEK_2[2])[0], pain=4, pain_after=2)
    morning(runner, WEEK_2[3], 1)

    with at(TODAY):
        body = physio_api.get(detail_url(runner)).json()

    assert body["id"] == runner.pk
    assert body["plan"]["id"] == runner_plan.pk
    assert body["plan"]["pain_limits"]["during"] == 5
    assert body["plan"]["referral"] is None
    session = body["recent_sessions"][0]
    assert session["date"] == WEEK_2[2].isoformat()
    assert session["exercises"][0]["pain_during"] == 4
    assert session["exercises"][0]["exercise_name"]
    assert body["recent_days"][0] == {
        "date": WEEK_2[3].isoformat(),
        "next_morning_pain": 1,
        "stiffness": None,
        "flare": False,
        "ran_distance": None,
        "run_pain": None,
        "tightness_after_running": None,
        "red_flags": [],
    }


def test_sorting_and_filtering(physio: User, physio_api: APIClient, runner: User, runner_plan: Plan) -> None:
    steady = CareLinkFactory(physio=physio, runner=RunnerFactory(first_name="Ada")).runner
    clone_plan(runner_plan, steady)
    morning(steady, TODAY, 0)

    with at(TODAY):
        by_log = physio_api.get(URL, {"ordering": "-days_since_last_log"}).json()["results"]
        flagged = physio_api.get(URL, {"flag": "no_log_4_days"}).json()["results"]
        on_pathway = physio_api.get(URL, {"pathway": "acute_strain"}).json()["results"]

    assert [r["id"] for r in by_log] == [steady.pk, runner.pk]  # never logged comes last whatever the direction
    assert [r["id"] for r in flagged] == [runner.pk]
    assert on_pathway == []


@pytest.mark.parametrize(
    ("params", "field"),
    [({"ordering": "email"}, "ordering"), ({"flag": "bad"}, "flag"), ({"pathway": "no_such_pathway"}, "pathway")],
)
def test_bad_parameters_are_400_with_the_field(physio_api: APIClient, params: dict[str, str], field: str) -> None:
    response = physio_api.get(URL, params)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_page_size(physio: User, physio_api: APIClient) -> None:
    for _ in range(3):
        CareLinkFactory(physio=physio)
    body = physio_api.get(URL, {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (4, 2)
    assert body["next"]


def test_a_revoked_link_stops_the_physio_at_once(
    physio: User, physio_api: APIClient, runner: User, runner_api: APIClient
) -> None:
    assert physio_api.get(detail_url(runner)).status_code == 200

    assert runner_api.delete(f"/api/v1/physios/{physio.pk}/").status_code == 204

    assert physio_api.get(detail_url(runner)).status_code == 404
    assert physio_api.get(URL).json()["count"] == 0


def _caseload(physio: User, plan: Plan, size: int) -> None:
    for _ in range(size):
        other = CareLinkFactory(physio=physio).runner
        copy = clone_plan(plan, other)
        log_session(sessions_on(copy, WEEK_2[0])[0], pain=2)
        morning(other, WEEK_2[1], 1)


@pytest.mark.parametrize("size", [3, 30])
def test_queries_do_not_grow_with_the_caseload(
    size: int, physio: User, runner_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    _caseload(physio, runner_plan, size - 1)
    client = client_for(physio)
    with at(TODAY), django_assert_max_num_queries(10):  # the token (1) and the list (9)
        response = client.get(URL, {"page_size": 100})
    assert response.json()["count"] == size
