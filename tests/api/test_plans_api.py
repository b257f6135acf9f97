"""plans/: list, create from an intake, the plan JSON, today, a day, a week, the decision log and archive; ETags.

Outsiders (another runner, a physio without an active link) get 404 on every plan route, anonymous clients 401.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import RunnerProfile, User
from programs.api.etags import CACHE_CONTROL
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.contract import plan_to_dict
from programs.models import Plan, PlanChange, PlannedSession, Prescription
from programs.selectors import plans as selectors
from programs.services.archive import plan_archive
from programs.services.care import prescription_override
from programs.services.logs import session_log_record
from programs.services.plans import plan_start, plan_start_from_intake
from tests.api.conftest import client_for
from tests.api.plan_links import without_links
from tests.pages import at
from tests.programs.plans import START, create_plan, record_intake

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = {
    "id",
    "runner",
    "intake",
    "status",
    "pathway",
    "start_date",
    "end_date",
    "weeks_count",
    "revision",
    "created_at",
}
PLAN_JSON_KEYS = {"status", "referral", "pathway", "pathway_reason", "weeks"}
ERROR_KEYS = {"detail", "errors"}


def _url(plan: Plan, rest: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}/{rest}"


def _plan_routes(plan: Plan) -> list[str]:
    return [
        _url(plan),
        _url(plan, "today/"),
        _url(plan, f"days/{START.isoformat()}/"),
        _url(plan, "weeks/1/"),
        _url(plan, "changes/"),
    ]


def _strength_session(plan: Plan, after: dt.date = START) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, kind="strength", date__gte=after).order_by("date").first()
    assert session is not None
    return session


# ---------------------------------------------------------------- who may see what


def test_outsiders_get_404_on_every_plan_route(
    runner_plan: Plan, other_runner_api: APIClient, other_physio_api: APIClient
) -> None:
    for client in (other_runner_api, other_physio_api):
        for url in _plan_routes(runner_plan):
            response = client.get(url)
            assert response.status_code == 404, url
            assert set(response.json()) == ERROR_KEYS
        assert client.post(_url(runner_plan, "archive/")).status_code == 404
    runner_plan.refresh_from_db()
    assert runner_plan.status == PlanStatus.ACTIVE


def test_anonymous_gets_401_on_every_plan_route(runner_plan: Plan, anon_api: APIClient) -> None:
    for url in ["/api/v1/plans/", *_plan_routes(runner_plan)]:
        response = anon_api.get(url)
        assert response.status_code == 401, url
        assert set(response.json()) == ERROR_KEYS
    assert anon_api.post("/api/v1/plans/", {}).status_code == 401
    assert anon_api.post(_url(runner_plan, "archive/")).status_code == 401


def test_the_runner_and_their_physio_read_every_plan_route(
    runner_plan: Plan, runner_api: APIClient, physio_api: APIClient
) -> None:
    with at(START):
        for client in (runner_api, physio_api):
            for url in _plan_routes(runner_plan):
                assert client.get(url).status_code == 200, url


def test_a_revoked_care_link_hides_the_plan_again(runner: User, runner_plan: Plan, physio: User) -> None:
    runner.physio_links.update(status="revoked")
    assert client_for(physio).get(_url(runner_plan)).status_code == 404


def test_ids_that_are_no_plan_are_json_404s(runner_api: APIClient) -> None:
    for url in ("/api/v1/plans/0/", "/api/v1/plans/99999999999999999/", "/api/v1/plans/abc/", "/api/v1/plans/-1/"):
        response = runner_api.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) == ERROR_KEYS


# ---------------------------------------------------------------- the list


def test_the_list_shows_a_runners_own_plans_and_a_physios_patients(
    runner: User,
    other_runner: User,
    runner_plan: Plan,
    intake_data: dict[str, Any],
    runner_api: APIClient,
    physio_api: APIClient,
    other_physio_api: APIClient,
) -> None:
    theirs = create_plan(other_runner, intake_data, weeks=2)
    body = runner_api.get("/api/v1/plans/").json()
    assert body["count"] == 1
    (listed,) = body["results"]
    assert set(listed) == SUMMARY_KEYS
    assert listed["id"] == runner_plan.pk and listed["runner"] == runner.pk
    assert listed["start_date"] == "2026-11-23" and listed["end_date"] == "2027-01-03" and listed["weeks_count"] == 6
    assert [p["id"] for p in physio_api.get("/api/v1/plans/").json()["results"]] == [runner_plan.pk]
    assert physio_api.get("/api/v1/plans/", {"runner": other_runner.pk}).json()["count"] == 0
    assert physio_api.get("/api/v1/plans/", {"runner": runner.pk}).json()["count"] == 1
    assert other_physio_api.get("/api/v1/plans/").json()["count"] == 0
    assert theirs.pk not in {p["id"] for p in runner_api.get("/api/v1/plans/").json()["results"]}


def test_the_list_filters_by_status_and_refuses_unknown_values(
    runner: User, runner_plan: Plan, intake_data: dict[str, Any], runner_api: APIClient
) -> None:
    plan_archive(plan=runner_plan, by=runner_plan.runner)
    current = create_plan(runner, intake_data, weeks=2)
    assert [p["id"] for p in runner_api.get("/api/v1/plans/").json()["results"]] == [current.pk, runner_plan.pk]
    active = runner_api.get("/api/v1/plans/", {"status": "active"}).json()["results"]
    assert [p["id"] for p in active] == [current.pk]
    for query in ({"status": "paused"}, {"runner": "me"}, {"runner": "1.5"}, {"runner": "9" * 30}):
        response = runner_api.get("/api/v1/plans/", query)
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == list(query)


def test_the_list_runs_the_same_queries_for_one_plan_or_many(
    runner: User, intake_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_for(runner)
    create_plan(runner, intake_data, weeks=1)
    with django_assert_max_num_queries(3):  # token, count, page
        client.get("/api/v1/plans/")
    for _ in range(3):
        create_plan(runner, intake_data, weeks=1)
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/plans/").json()["count"] == 4


# ---------------------------------------------------------------- creating a plan


def test_a_runner_starts_a_plan_from_their_intake_and_it_becomes_current(
    runner: User, runner_plan: Plan, intake_data: dict[str, Any], runner_api: APIClient
) -> None:
    intake = record_intake(runner, intake_data)
    with at(START):
        response = runner_api.post("/api/v1/plans/", {"intake": intake.pk, "start_date": "2026-11-30", "weeks": 3})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == SUMMARY_KEYS | PLAN_JSON_KEYS
    assert body["intake"] == intake.pk and body["weeks_count"] == 3 and len(body["weeks"]) == 3
    assert body["weeks"][0]["days"][0]["date"] == "2026-11-30"
    assert response.headers["ETag"] and response.headers["Cache-Control"] == CACHE_CONTROL
    runner_plan.refresh_from_db()
    assert runner_plan.status == PlanStatus.ENDED
    assert Plan.objects.current_for_runner(runner).pk == body["id"]  # type: ignore[union-attr]


def test_plan_start_from_intake_and_the_api_build_the_same_plan(
    runner: User, other_runner: User, intake_data: dict[str, Any]
) -> None:
    by_form = plan_start_from_intake(runner=runner, data=intake_data, start=START, weeks=2)
    by_api = plan_start(intake=record_intake(other_runner, intake_data), start=START, weeks=2)
    assert plan_to_dict(selectors.plan_read(by_form).to_domain()) == plan_to_dict(
        selectors.plan_read(by_api).to_domain()
    )


def test_another_runners_intake_is_a_field_error_that_reveals_nothing(
    other_runner: User, intake_data: dict[str, Any], runner_api: APIClient
) -> None:
    theirs = record_intake(other_runner, intake_data)
    with at(START):
        for intake in (theirs.pk, 987654321):
            response = runner_api.post("/api/v1/plans/", {"intake": intake, "start_date": "2026-11-23", "weeks": 4})
            assert response.status_code == 400
            assert response.json()["errors"] == {"intake": ["You have no intake with this id."]}
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"weeks": 0}, "weeks"),
        ({"weeks": 53}, "weeks"),
        ({"weeks": "six"}, "weeks"),
        ({"start_date": "2026-02-30"}, "start_date"),
        ({"start_date": "2026-11-01"}, "start_date"),  # more than a week ago
        ({"start_date": "2028-01-01"}, "start_date"),  # more than a year ahead
        ({"intake": "x"}, "intake"),
        ({"intake": 2**70}, "intake"),
        ({"intake": None}, "intake"),
    ],
)
def test_an_invalid_plan_request_is_a_400_naming_the_field(
    runner: User, intake_data: dict[str, Any], runner_api: APIClient, change: dict[str, Any], field: str
) -> None:
    payload = {"intake": record_intake(runner, intake_data).pk, "start_date": "2026-11-23", "weeks": 4, **change}
    with at(START):
        response = runner_api.post("/api/v1/plans/", payload)
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS and field in response.json()["errors"]


def test_a_plan_cannot_start_after_the_goal_race(
    runner: User, intake_data: dict[str, Any], runner_api: APIClient
) -> None:
    intake_data["goal"] = "race"
    intake_data["running"]["goal_race"] = {"date": "2026-12-20", "distance": "10k"}
    intake = record_intake(runner, intake_data)
    with at(START):
        response = runner_api.post("/api/v1/plans/", {"intake": intake.pk, "start_date": "2026-12-21", "weeks": 4})
    assert response.status_code == 400 and "start_date" in response.json()["errors"]


def test_a_physio_cannot_start_a_plan_here(runner: User, intake_data: dict[str, Any], physio_api: APIClient) -> None:
    intake = record_intake(runner, intake_data)
    response = physio_api.post("/api/v1/plans/", {"intake": intake.pk, "start_date": "2026-11-23", "weeks": 4})
    assert response.status_code == 403 and set(response.json()) == ERROR_KEYS


def test_a_red_flag_intake_gives_a_plan_that_needs_a_clinician(
    runner: User, intake_data: dict[str, Any], runner_api: APIClient
) -> None:
    intake_data["symptoms"]["unable_to_walk_normally"] = True
    intake = record_intake(runner, intake_data)
    with at(START):
        body = runner_api.post("/api/v1/plans/", {"intake": intake.pk, "start_date": "2026-11-23", "weeks": 4}).json()
        assert body["status"] == "needs_clinician" and body["weeks"] == []
        assert body["referral"]["stops_plan"] is True
        today = runner_api.get(f"/api/v1/plans/{body['id']}/today/").json()
        assert today["day"] is None and "clinician" in today["message"]
        assert runner_api.get(f"/api/v1/plans/{body['id']}/days/2026-11-23/").status_code == 404
        assert runner_api.get(f"/api/v1/plans/{body['id']}/weeks/1/").status_code == 404


# ---------------------------------------------------------------- the plan


def test_the_plan_is_its_summary_and_exactly_the_plan_json(runner_plan: Plan, runner_api: APIClient) -> None:
    response = runner_api.get(_url(runner_plan))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SUMMARY_KEYS | PLAN_JSON_KEYS
    expected = plan_to_dict(selectors.plan_read(runner_plan).to_domain())
    assert without_links({key: body[key] for key in PLAN_JSON_KEYS}) == expected
    assert body["weeks_count"] == 6 and len(body["weeks"]) == 6
    assert response.headers["Cache-Control"] == CACHE_CONTROL


def test_the_plan_reads_in_a_fixed_number_of_queries(
    runner: User, intake_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_for(runner)
    for weeks in (1, 24):
        plan = create_plan(runner, intake_data, weeks=weeks)
        client.get(_url(plan))  # the pinned catalogue is parsed once per process
        with django_assert_max_num_queries(5):  # token, plan, weeks, sessions, prescriptions
            assert len(client.get(_url(plan)).json()["weeks"]) == weeks


# ---------------------------------------------------------------- today, a day, a week


def test_today_is_the_day_in_the_runners_time_zone(runner: User, runner_plan: Plan, physio: User) -> None:
    RunnerProfile.objects.filter(user=runner).update(timezone="Pacific/Auckland")
    with at(dt.date(2026, 11, 23), hour=12):  # already Tuesday 24 Nov in Auckland
        for user in (runner, physio):  # the physio reads the runner's today, wherever the physio is
            body = client_for(user).get(_url(runner_plan, "today/")).json()
            assert body["date"] == "2026-11-24" and body["day"]["date"] == "2026-11-24"
            assert body["day"]["week"] == 1 and body["day"]["phase"] and body["message"] == ""


def test_today_has_the_contracts_day_with_names_and_what_was_logged(
    runner: User, runner_plan: Plan, runner_api: APIClient
) -> None:
    session = _strength_session(runner_plan)
    with at(session.date):
        entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
        session_log_record(session=session, runner=runner, entries=entries)
        body = runner_api.get(_url(runner_plan, "today/")).json()
    day = body["day"]
    assert {"date", "sessions", "plan", "week", "phase", "unit", "logged", "exercises"} == set(day)
    assert day["logged"] == ["strength"]
    strength = next(s for s in day["sessions"] if s["kind"] == "strength")
    slugs = {item["exercise"] for item in strength["items"] + strength["warm_up"]}
    assert slugs <= set(day["exercises"]) and all(day["exercises"].values())
    assert set(strength["items"][0]) >= {"exercise", "pain_limit", "reason", "source"}


def test_today_before_the_plan_starts_or_after_it_ends_says_so(runner_plan: Plan, runner_api: APIClient) -> None:
    with at(START - dt.timedelta(days=3)):
        body = runner_api.get(_url(runner_plan, "today/")).json()
    assert body["day"] is None and body["message"] == "Your plan starts on Mon 23 Nov 2026."
    with at(START + dt.timedelta(weeks=7)):
        body = runner_api.get(_url(runner_plan, "today/")).json()
    assert body["day"] is None and body["message"] == "Your plan ended on Sun 3 Jan 2027."


@pytest.mark.parametrize("weeks", [1, 24])
def test_today_costs_at_most_six_queries_for_a_short_and_a_long_plan(
    runner: User, intake_data: dict[str, Any], django_assert_max_num_queries: Any, weeks: int
) -> None:
    plan = create_plan(runner, intake_data, weeks=weeks)
    session = _strength_session(plan)
    client = client_for(runner)
    with at(session.date):
        client.get(_url(plan, "today/"))  # the pinned catalogue is parsed once per process
        entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
        session_log_record(session=session, runner=runner, entries=entries)  # a logged day reads its logs
        with django_assert_max_num_queries(6):
            response = client.get(_url(plan, "today/"))
    assert response.status_code == 200 and response.json()["day"]["logged"] == ["strength"]


def test_a_day_of_the_plan_and_days_outside_it(runner_plan: Plan, runner_api: APIClient) -> None:
    body = runner_api.get(_url(runner_plan, "days/2026-11-25/")).json()
    assert body["date"] == "2026-11-25" and body["week"] == 1 and body["plan"] == runner_plan.pk
    for date in ("2026-11-22", "2027-01-04", "1900-01-01", "9999-12-31"):
        response = runner_api.get(_url(runner_plan, f"days/{date}/"))
        assert response.status_code == 404, date
        assert response.json() == {
            "detail": "That day is not in this plan: it runs from Mon 23 Nov 2026 to Sun 3 Jan 2027.",
            "errors": {},
        }


def test_a_malformed_date_is_a_json_error_never_a_500(runner_plan: Plan, runner_api: APIClient) -> None:
    for date in ("2026-02-30", "2026-13-01", "0000-01-01"):
        response = runner_api.get(_url(runner_plan, f"days/{date}/"))
        assert response.status_code == 400, date
        assert list(response.json()["errors"]) == ["date"]
    for date in ("yesterday", "2026-1-1", "20261123"):
        response = runner_api.get(_url(runner_plan, f"days/{date}/"))
        assert response.status_code == 404 and set(response.json()) == ERROR_KEYS


def test_a_week_of_the_plan_and_numbers_outside_it(runner_plan: Plan, runner_api: APIClient) -> None:
    body = runner_api.get(_url(runner_plan, "weeks/2/")).json()
    assert body["number"] == 2 and len(body["days"]) == 7 and body["running"]["unit"] == "km"
    assert body["start_date"] == "2026-11-30" and body["end_date"] == "2026-12-06"
    assert body["exercises"]
    expected = plan_to_dict(selectors.plan_read(runner_plan).to_domain())["weeks"][1]
    assert without_links({key: body[key] for key in expected}) == expected
    for number in ("0", "7", "999"):
        response = runner_api.get(_url(runner_plan, f"weeks/{number}/"))
        assert response.status_code == 404
        assert response.json()["detail"] == "This plan has weeks 1 to 6."
    assert runner_api.get(_url(runner_plan, "weeks/-1/")).status_code == 404


# ---------------------------------------------------------------- ETags


def _etag_urls(plan: Plan) -> list[str]:
    return [_url(plan), _url(plan, "today/"), _url(plan, "days/2026-11-24/"), _url(plan, "weeks/1/")]


def test_each_read_has_its_own_etag_and_a_matching_one_gets_304(runner_plan: Plan, runner_api: APIClient) -> None:
    with at(START):
        tags = set()
        for url in _etag_urls(runner_plan):
            response = runner_api.get(url)
            etag = response.headers["ETag"]
            assert response.headers["Cache-Control"] == CACHE_CONTROL
            tags.add(etag)
            again = runner_api.get(url, HTTP_IF_NONE_MATCH=etag)
            assert again.status_code == 304 and again.content == b"", url
            assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == CACHE_CONTROL
            for header in (f"W/{etag}", f'"other", {etag}', "*"):
                assert runner_api.get(url, HTTP_IF_NONE_MATCH=header).status_code == 304
            assert runner_api.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
        assert len(tags) == 4


def test_a_day_and_today_share_nothing_across_dates(runner_plan: Plan, runner_api: APIClient) -> None:
    first = runner_api.get(_url(runner_plan, "days/2026-11-24/")).headers["ETag"]
    assert runner_api.get(_url(runner_plan, "days/2026-11-25/"), HTTP_IF_NONE_MATCH=first).status_code == 200
    with at(START):
        monday = runner_api.get(_url(runner_plan, "today/")).headers["ETag"]
    with at(START + dt.timedelta(days=1)):
        assert runner_api.get(_url(runner_plan, "today/"), HTTP_IF_NONE_MATCH=monday).status_code == 200


@pytest.mark.parametrize("weeks", [1, 24])
def test_a_revalidation_costs_at_most_two_queries(
    runner: User, intake_data: dict[str, Any], django_assert_max_num_queries: Any, weeks: int
) -> None:
    plan = create_plan(runner, intake_data, weeks=weeks)
    client = client_for(runner)
    with at(START):
        for url in _etag_urls(plan):
            etag = client.get(url).headers["ETag"]
            with django_assert_max_num_queries(2):  # the token (with the profile), then the plan's one row
                assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_revalidation_by_an_outsider_is_still_a_404(runner_plan: Plan, runner_api: APIClient) -> None:
    etag = runner_api.get(_url(runner_plan)).headers["ETag"]
    outsider = client_for(None)
    assert outsider.get(_url(runner_plan), HTTP_IF_NONE_MATCH=etag).status_code == 401


def test_the_etags_change_after_a_log(runner: User, runner_plan: Plan, runner_api: APIClient) -> None:
    session = _strength_session(runner_plan, after=START + dt.timedelta(days=1))
    with at(session.date):
        before = {url: runner_api.get(url).headers["ETag"] for url in _etag_urls(runner_plan)}
        entries = [{"prescription": p.pk, "pain_during": 8, "pain_after": 8} for p in session.prescriptions.all()]
        session_log_record(session=session, runner=runner, entries=entries)
        for url, etag in before.items():
            response = runner_api.get(url, HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 200 and response.headers["ETag"] != etag, url


def test_the_etags_change_after_a_physio_override(runner_plan: Plan, physio: User, runner_api: APIClient) -> None:
    session = _strength_session(runner_plan, after=START + dt.timedelta(days=1))
    prescription = Prescription.objects.filter(session=session).select_related("exercise").first()
    assert prescription is not None
    with at(START):
        before = {url: runner_api.get(url).headers["ETag"] for url in _etag_urls(runner_plan)}
        dose = {**prescription.dose, "sets": 1}
        prescription_override(prescription=prescription, physio=physio, dose=dose, reason="Go gently.")
        for url, etag in before.items():
            assert runner_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200, url


# ---------------------------------------------------------------- the decision log


def test_the_decision_log_newest_first_with_plain_reasons_and_who_decided(
    runner: User, runner_plan: Plan, physio: User, runner_api: APIClient, physio_api: APIClient
) -> None:
    session = _strength_session(runner_plan, after=START + dt.timedelta(days=1))
    with at(session.date):
        entries = [{"prescription": p.pk, "pain_during": 8, "pain_after": 8} for p in session.prescriptions.all()]
        session_log_record(session=session, runner=runner, entries=entries)
    later = _strength_session(runner_plan, after=session.date + dt.timedelta(days=1))
    prescription = Prescription.objects.filter(session=later).select_related("exercise").first()
    assert prescription is not None
    with at(session.date, hour=10):  # after the log's decisions
        prescription_override(
            prescription=prescription, physio=physio, dose={**prescription.dose, "sets": 1}, reason="Go gently."
        )
    stored = list(PlanChange.objects.filter(plan=runner_plan).order_by("-created_at", "-id"))
    assert len(stored) >= 2

    body = runner_api.get(_url(runner_plan, "changes/")).json()
    assert body["count"] == len(stored)
    changes = body["results"]
    assert [c["id"] for c in changes] == [c.pk for c in stored]
    newest = changes[0]
    assert set(newest) == {
        "id",
        "kind",
        "title",
        "reason",
        "exercise",
        "exercise_name",
        "effective_from",
        "author",
        "created_at",
    }
    assert newest["kind"] == "override" and newest["author"] == "your physio" and newest["reason"] == "Go gently."
    assert newest["exercise_name"] and newest["title"] == "Changed by your physio"
    assert {c["author"] for c in changes[1:]} == {"the rules"}
    assert physio_api.get(_url(runner_plan, "changes/")).json()["results"][0]["author"] == "you"

    overrides = runner_api.get(_url(runner_plan, "changes/"), {"kind": "override"}).json()
    assert overrides["count"] == 1
    assert runner_api.get(_url(runner_plan, "changes/"), {"kind": "panic"}).status_code == 400
    assert not any(c["reason"].lower().startswith(("progressed:", "regressed:")) for c in changes)
    assert PlanChangeKind.OVERRIDE in {c.kind for c in stored}


def test_the_decision_log_reads_in_a_fixed_number_of_queries(
    runner: User, runner_plan: Plan, physio: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(runner)
    sessions = PlannedSession.objects.filter(plan=runner_plan, kind="strength").order_by("date")[:3]
    for session in sessions:
        prescription = session.prescriptions.select_related("exercise").first()
        assert prescription is not None
        prescription_override(prescription=prescription, physio=physio, dose=prescription.dose, reason="Checked.")
    client.get(_url(runner_plan, "changes/"))
    with django_assert_max_num_queries(4):  # token, plan, count, page with authors
        assert client.get(_url(runner_plan, "changes/")).json()["count"] == 3


# ---------------------------------------------------------------- archive


def test_the_runner_archives_their_plan_and_again_is_fine(runner_plan: Plan, runner_api: APIClient) -> None:
    etag = runner_api.get(_url(runner_plan)).headers["ETag"]
    response = runner_api.post(_url(runner_plan, "archive/"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SUMMARY_KEYS and body["status"] == "ended"
    runner_plan.refresh_from_db()
    assert runner_plan.status == PlanStatus.ENDED
    assert runner_api.get(_url(runner_plan), HTTP_IF_NONE_MATCH=etag).status_code == 200  # its copy is stale
    again = runner_api.post(_url(runner_plan, "archive/"))
    assert again.status_code == 200 and again.json()["status"] == "ended"
    assert runner_api.get(_url(runner_plan)).json()["status"] == "ended"  # kept as it was, readable
    ended = runner_api.get(_url(runner_plan, "changes/"), {"kind": "end"}).json()["results"]
    assert [(c["reason"], c["author"]) for c in ended] == [("Ended by you.", "you")]  # recorded once


def test_their_physio_may_archive_it(runner_plan: Plan, physio_api: APIClient, runner_api: APIClient) -> None:
    assert physio_api.post(_url(runner_plan, "archive/")).json()["status"] == "ended"
    ended = runner_api.get(_url(runner_plan, "changes/"), {"kind": "end"}).json()["results"]
    assert [(c["reason"], c["author"]) for c in ended] == [("Ended by your physio.", "your physio")]
