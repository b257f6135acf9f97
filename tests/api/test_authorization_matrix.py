"""Who may do what: every /api/v1/ route and method, called as anonymous, runner A, runner B, A's physio and a physio
who is not A's, with the expected status for each, and no body showing a user the caller may not see.

Ids come from one small world: runner A has a plan (with a log, a morning check, an intake, a second token),
physio P is actively linked to A (a template, an invitation, a message), runner B and physio Q are strangers to
both. Users have distinctive ids and e-mails so a leak is found by plain text search: A's body may name A and P,
P's may name P and A, B's only B, Q's only Q, an anonymous client's nobody.

Each row's callers go in the order anonymous, B, Q, P, A: outsiders first, owners last, so an owner's write
(an archive, a DELETE) cannot change what an outsider is answered. `test_every_api_route_is_in_the_matrix` walks the
URL resolver and fails when a route or method is missing from the table.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import Invitation, User
from accounts.services import api_token_create
from programs.models import DayLog, Plan, PlannedSession, Prescription, ProgramTemplate, SessionLog
from programs.services.logs import session_log_record
from tests.api.conftest import client_for
from tests.api.log_bodies import first_session, log_body
from tests.factories.accounts import CareLinkFactory, InvitationFactory, MessageFactory, PhysioFactory, RunnerFactory
from tests.factories.programs import DayLogFactory, ProgramTemplateFactory
from tests.pages import at
from tests.programs.plans import START, create_plan
from tests.push import subscription_json

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories.accounts.UserFactory's
WHO = ("anonymous", "runner_b", "other_physio", "physio", "runner_a")  # the order of the calls in a row
# Who each caller may see: their own account and the other side of an active care link.
SEES = {
    "anonymous": set(),
    "runner_a": {"runner_a", "physio"},
    "runner_b": {"runner_b"},
    "physio": {"physio", "runner_a"},
    "other_physio": {"other_physio"},
}
IDS = {"runner_a": 7_310_001, "runner_b": 7_310_002, "physio": 7_310_003, "other_physio": 7_310_004}
EMAILS = {
    "runner_a": "matrix.runner.a@example.test",
    "runner_b": "matrix.runner.b@example.test",
    "physio": "matrix.physio.p@example.test",
    "other_physio": "matrix.physio.q@other-clinic.test",
}
TODAY = START + dt.timedelta(days=8)  # in the second week of A's 3-week plan (it starts on START, a Monday)


@dataclass
class World:
    users: dict[str, User]
    plan: Plan
    intake_id: int
    session: PlannedSession  # A's next strength session, not logged
    prescription: Prescription  # of a later, unlogged session
    log: SessionLog
    day: DayLog
    token_id: int  # A's second token (not the one A's client uses)
    template: ProgramTemplate
    invitation: Invitation
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(db: None, intake_data: dict[str, Any], settings: Any) -> World:
    # Four users and a dozen password checks per row: the real hasher's deliberate slowness is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users: dict[str, User] = {
        "runner_a": RunnerFactory(pk=IDS["runner_a"], email=EMAILS["runner_a"]),
        "runner_b": RunnerFactory(pk=IDS["runner_b"], email=EMAILS["runner_b"]),
        "physio": PhysioFactory(pk=IDS["physio"], email=EMAILS["physio"]),
        "other_physio": PhysioFactory(pk=IDS["other_physio"], email=EMAILS["other_physio"]),
    }
    runner = users["runner_a"]
    CareLinkFactory(runner=runner, physio=users["physio"])
    plan = create_plan(runner, intake_data, weeks=3)
    logged = first_session(plan, "strength")
    log = session_log_record(session=logged, runner=runner, entries=log_body(logged)["entries"])
    session = first_session(plan, "strength", after=logged)  # A logs it "today" (it is in the past by then)
    assert session.date <= TODAY
    later = first_session(plan, "strength", after=PlannedSession(date=TODAY))  # a physio may still change it
    prescription = later.prescriptions.order_by("position").first()
    assert prescription is not None
    day = DayLogFactory(runner=runner, date=START, next_morning_pain=1, stiffness=1)
    token, _key = api_token_create(user=runner, name="old phone")
    template = ProgramTemplateFactory(
        owner=users["physio"], name="Grade 1 strain", pathway="acute_strain", weeks=8, program={"pain_limit": 4}
    )
    invitation = InvitationFactory(physio=users["physio"], email="someone.new@example.test")
    MessageFactory(physio=users["physio"], runner=runner, author=users["physio"], body="How are the bridges?")
    return World(
        users=users,
        plan=plan,
        intake_id=plan.intake_id,
        session=session,
        prescription=prescription,
        log=log,
        day=day,
        token_id=token.pk,
        template=template,
        invitation=invitation,
    )


Body = dict[str, Any] | Callable[[World, str], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    method: str
    name: str  # the URL's name
    kwargs: Callable[[World], dict[str, Any]] | None
    body: Body
    # anonymous, runner A, runner B, physio of A, physio not of A
    expect: tuple[int, int, int, int, int]

    def url(self, world: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(world) if self.kwargs else None)

    def data(self, world: World, who: str) -> dict[str, Any] | None:
        return self.body(world, who) if callable(self.body) else self.body


def plan_id(w: World) -> dict[str, Any]:
    return {"pk": w.plan.pk}


def patient_id(w: World) -> dict[str, Any]:
    return {"pk": w.users["runner_a"].pk}


def _log(w: World, who: str) -> dict[str, Any]:
    return log_body(w.session)


def _dose(w: World, who: str) -> dict[str, Any]:
    return {"dose": w.prescription.dose, "note": "Same dose, checked after the assessment."}


def _message(w: World, who: str) -> dict[str, Any]:
    # A runner writes to physio P, a physio to patient A.
    if who.startswith("runner"):
        return {"physio": w.users["physio"].pk, "body": "Hello."}
    return {"patient": w.users["runner_a"].pk, "body": "Hello."}


def _plan_from_intake(w: World, who: str) -> dict[str, Any]:
    return {"intake": w.intake_id, "start_date": (TODAY + dt.timedelta(days=1)).isoformat(), "weeks": 2}


def _push_subscription(w: World, who: str) -> dict[str, Any]:
    return subscription_json(f"https://push.example.test/{who}")


def _push_endpoint(w: World, who: str) -> dict[str, Any]:
    return {"endpoint": f"https://push.example.test/{who}"}


def _signup(w: World, who: str) -> dict[str, Any]:
    return {"first_name": "New", "email": f"new.{who}@example.test", "password": "a long enough new passphrase"}


def _intake(w: World, who: str) -> dict[str, Any]:
    return dict(w.extra["intake_data"])


MATRIX: list[Row] = [
    # ---- tokens and the runner's own account (helper A)
    Row("POST", "api-auth-token", None, {"email": EMAILS["runner_a"], "password": PASSWORD}, (201, 201, 201, 201, 201)),
    Row("DELETE", "api-auth-token", None, None, (401, 204, 204, 204, 204)),
    # Sign-up answers every caller alike (a new address here); a broken link is a 400 for anyone; every persona's
    # address is confirmed already, so asking for a new link sends nothing.
    Row("POST", "api-signup", None, _signup, (202, 202, 202, 202, 202)),
    Row("POST", "api-email-verify", None, {"uid": "MTIz", "token": "not-a-real-token"}, (400, 400, 400, 400, 400)),
    Row("POST", "api-email-verify-send", None, None, (401, 200, 200, 200, 200)),
    Row("GET", "api-token-list", None, None, (401, 200, 200, 200, 200)),
    Row("DELETE", "api-token-detail", lambda w: {"pk": w.token_id}, None, (401, 204, 404, 404, 404)),
    Row("GET", "api-profile", None, None, (401, 200, 200, 403, 403)),
    Row("PATCH", "api-profile", None, {"reminders_enabled": False}, (401, 200, 200, 403, 403)),
    Row("GET", "api-calendar-token", None, None, (401, 200, 200, 403, 403)),
    Row("POST", "api-calendar-token", None, None, (401, 200, 200, 403, 403)),
    Row("GET", "api-export", None, None, (401, 200, 200, 403, 403)),
    Row("GET", "api-digest", None, None, (401, 403, 403, 200, 200)),
    Row("PATCH", "api-digest", None, {"digest_enabled": True}, (401, 403, 403, 200, 200)),
    Row("DELETE", "api-account", None, {"password": PASSWORD}, (401, 204, 204, 204, 204)),
    Row("GET", "api-access-log", None, None, (401, 200, 200, 403, 403)),
    # ---- Web Push: any signed-in user's own browsers
    Row("POST", "api-push-subscriptions", None, _push_subscription, (401, 201, 201, 201, 201)),
    Row("DELETE", "api-push-subscriptions", None, _push_endpoint, (401, 204, 204, 204, 204)),
    # ---- catalogue and pathways: public reads (helper B)
    Row("GET", "exercise-list", None, None, (200, 200, 200, 200, 200)),
    Row("GET", "exercise-detail", lambda w: {"slug": w.prescription.exercise.slug}, None, (200, 200, 200, 200, 200)),
    Row("GET", "exercise-illustration", lambda w: {"slug": "nordic_curl"}, None, (200, 200, 200, 200, 200)),
    Row("GET", "pathway-list", None, None, (200, 200, 200, 200, 200)),
    Row("GET", "pathway-detail", lambda w: {"slug": w.plan.pathway}, None, (200, 200, 200, 200, 200)),
    # ---- intakes and plans (helper B)
    Row("GET", "intake-list", None, None, (401, 200, 200, 403, 403)),
    Row("POST", "intake-list", None, _intake, (401, 201, 201, 403, 403)),
    Row("GET", "intake-detail", lambda w: {"pk": w.intake_id}, None, (401, 200, 404, 403, 403)),
    Row("GET", "plan-list", None, None, (401, 200, 200, 200, 200)),
    Row("POST", "plan-list", None, _plan_from_intake, (401, 201, 400, 403, 403)),
    Row("GET", "plan-detail", plan_id, None, (401, 200, 404, 200, 404)),
    Row("GET", "plan-today", plan_id, None, (401, 200, 404, 200, 404)),
    Row("GET", "plan-days", lambda w: {"pk": w.plan.pk, "date": TODAY.isoformat()}, None, (401, 200, 404, 200, 404)),
    Row("GET", "plan-weeks", lambda w: {"pk": w.plan.pk, "number": 1}, None, (401, 200, 404, 200, 404)),
    Row("GET", "plan-changes", plan_id, None, (401, 200, 404, 200, 404)),
    Row("POST", "plan-archive", plan_id, None, (401, 200, 404, 200, 404)),
    # ---- logs and morning checks (helper C)
    Row("GET", "api-log-list", None, None, (401, 200, 200, 403, 403)),
    Row("POST", "api-log-list", None, _log, (401, 201, 400, 403, 403)),
    Row("GET", "api-log-detail", lambda w: {"pk": w.log.pk}, None, (401, 200, 404, 403, 403)),
    Row("GET", "api-morning-check-list", None, None, (401, 200, 200, 403, 403)),
    Row(
        "POST",
        "api-morning-check-list",
        None,
        lambda w, who: {"client_id": str(uuid.uuid4()), "next_morning_pain": 1, "stiffness": 1},
        (401, 201, 400, 403, 403),
    ),
    Row("GET", "api-morning-check-detail", lambda w: {"pk": w.day.pk}, None, (401, 200, 404, 403, 403)),
    # ---- patients, invitations, the runner's physios, messages (helper D)
    Row("GET", "api-patient-list", None, None, (401, 403, 403, 200, 200)),
    Row("GET", "api-patient-detail", patient_id, None, (401, 403, 403, 200, 404)),
    Row("GET", "api-invitation-list", None, None, (401, 200, 200, 200, 200)),
    Row("POST", "api-invitation-list", None, {"email": "new.runner@example.test"}, (401, 403, 403, 201, 201)),
    Row("POST", "api-invitation-accept", None, {"token": "not-a-real-token"}, (401, 400, 400, 403, 403)),
    Row("DELETE", "api-invitation-detail", lambda w: {"pk": w.invitation.pk}, None, (401, 403, 403, 204, 404)),
    Row("GET", "api-physio-list", None, None, (401, 200, 200, 403, 403)),
    Row("DELETE", "api-physio-detail", lambda w: {"pk": w.users["physio"].pk}, None, (401, 204, 404, 403, 403)),
    Row("GET", "api-message-list", None, None, (401, 200, 200, 200, 200)),
    Row("POST", "api-message-list", None, _message, (401, 201, 404, 201, 404)),
    # ---- templates, assigning plans, overrides, clearance (helper E)
    Row("GET", "api-template-list", None, None, (401, 403, 403, 200, 200)),
    Row(
        "POST",
        "api-template-list",
        None,
        {"name": "Sit-bone pain", "pathway": "acute_strain", "weeks": 8, "program": {"pain_limit": 3}},
        (401, 403, 403, 201, 201),
    ),
    Row("GET", "api-template-detail", lambda w: {"pk": w.template.pk}, None, (401, 403, 403, 200, 404)),
    Row(
        "PUT",
        "api-template-detail",
        lambda w: {"pk": w.template.pk},
        {"name": "Strain", "pathway": "acute_strain", "weeks": 6},
        (401, 403, 403, 200, 404),
    ),
    Row("PATCH", "api-template-detail", lambda w: {"pk": w.template.pk}, {"weeks": 10}, (401, 403, 403, 200, 404)),
    Row("DELETE", "api-template-detail", lambda w: {"pk": w.template.pk}, None, (401, 403, 403, 204, 404)),
    Row("GET", "patient-plans", patient_id, None, (401, 403, 403, 200, 404)),
    Row(
        "POST",
        "patient-plans",
        patient_id,
        {"start_date": (TODAY + dt.timedelta(days=1)).isoformat(), "weeks": 2, "pathway": "prevention"},
        (401, 403, 403, 201, 404),
    ),
    Row("GET", "prescription", lambda w: {"pk": w.prescription.pk}, None, (401, 403, 403, 200, 404)),
    Row("PATCH", "prescription", lambda w: {"pk": w.prescription.pk}, _dose, (401, 403, 403, 200, 404)),
    Row("POST", "api-plan-clearance", plan_id, {"note": "Assessed: no nerve signs."}, (401, 403, 403, 400, 404)),
    Row("GET", "plan-program", plan_id, None, (401, 403, 403, 200, 404)),
    Row(
        "PUT",
        "plan-program",
        plan_id,
        {"edits": {"pain_limit": 4, "removed": ["ball_rolling"]}, "note": "Keep it gentle."},
        (401, 403, 403, 200, 404),
    ),
    Row("POST", "plan-template", plan_id, {"name": "From A's plan"}, (401, 403, 403, 201, 404)),
]


def _row_id(row: Row) -> str:
    return f"{row.method} {row.name}"


def _leaks(body: str, who: str) -> list[str]:
    """The e-mails and ids of users `who` may not see that appear in the body."""
    found = []
    for other in IDS:
        if other in SEES[who]:
            continue
        if EMAILS[other].lower() in body.lower():
            found.append(f"{other}'s e-mail")
        if re.search(rf"(?<!\d){IDS[other]}(?!\d)", body):
            found.append(f"{other}'s id")
    return found


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    # Throttles have their own tests; here one row's calls must not be counted against the next row's.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"writes": "100000/minute", "login": "100000/minute"})
    cache.clear()


@pytest.mark.parametrize("row", MATRIX, ids=_row_id)
def test_each_caller_gets_the_expected_status_and_sees_no_one_else(
    row: Row, world: World, intake_data: dict[str, Any]
) -> None:
    world.extra["intake_data"] = intake_data
    clients: dict[str, APIClient] = {"anonymous": APIClient()}
    clients.update({who: client_for(user) for who, user in world.users.items()})
    expected = dict(zip(("anonymous", "runner_a", "runner_b", "physio", "other_physio"), row.expect, strict=True))
    got: dict[str, int] = {}
    leaks: dict[str, list[str]] = {}
    with at(TODAY):
        for who in WHO:
            url = row.url(world)
            response = getattr(clients[who], row.method.lower())(url, row.data(world, who), format="json")
            got[who] = response.status_code
            body = response.content.decode()
            if response.status_code >= 400 and body:  # an error is in the one shape, as JSON
                assert set(response.json()) >= {"detail", "errors"}, (who, body[:300])
            found = _leaks(body, who)
            if found:
                leaks[who] = found
    assert got == expected
    assert leaks == {}, "a body showed a user its caller may not see"


def _api_routes() -> set[tuple[str, str]]:
    """(method, URL name) of every route under /api/v1/ (the JSON 404 catch-all aside)."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).startswith("api/v1/"):
                if pattern.name is None:  # the catch-all JSON 404
                    continue
                callback = pattern.callback
                actions = getattr(callback, "actions", None)
                view = getattr(callback, "cls", None)
                if actions:  # a viewset's route (DRF adds HEAD wherever there is a GET: not listed)
                    methods = {m.upper() for m in actions} - {"HEAD"}
                elif view is not None:
                    methods = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
                else:
                    methods = {"GET"}
                found.update((method, pattern.name) for method in methods)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_api_route_is_in_the_matrix() -> None:
    routes = _api_routes()
    table = {(row.method, row.name) for row in MATRIX}
    assert routes - table == set(), "routes with no row in MATRIX: add them"
    assert table - routes == set(), "rows for routes that do not exist"
    assert len(table) == len(MATRIX), "a route appears twice in MATRIX"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/plans/not-a-number/archive/"])
def test_a_path_no_route_answers_is_a_json_404_for_every_method(world: World, method: str, path: str) -> None:
    # CSRF checks on, as for a real client: the catch-all must answer JSON, not Django's HTML 403 page.
    for client in (APIClient(enforce_csrf_checks=True), client_for(world.users["runner_a"])):
        client.handler.enforce_csrf_checks = True
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "There is no such API endpoint.", "errors": {}}
