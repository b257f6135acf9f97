"""A Python client generated from our own OpenAPI schema drives the runner's and the physio's flows, unaided.

openapi-python-client (pinned in requirements.txt) generates the client from `/api/schema/?format=json` once per test
process; the client talks to the app in-process (httpx's WSGITransport) against the test database. Only the generated
functions and models are used: if the schema describes a body wrongly, the client fails to parse it and so does the
test. The ids and links a plan read gives (docs/api.md, "Ids and links") are all the client needs to log a session or
change a dose.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client as DjangoClient
from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType

from accounts.models import User
from tests.api.log_bodies import entry_done
from tests.factories.accounts import PASSWORD, PhysioFactory
from tests.pages import at
from tests.programs.plans import START

pytestmark = pytest.mark.django_db

PACKAGE = "rehab_plan_api_client"
BASE_URL = "http://testserver"


@pytest.fixture(scope="session")
def client_package(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any
) -> Iterator[ModuleType]:
    """The client generated from the live schema (about 2-3 s, so once per test process), imported."""
    with django_db_blocker.unblock():
        response = DjangoClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    root = tmp_path_factory.mktemp("generated")
    schema = root / "schema.json"
    schema.write_bytes(response.content)
    config = Config.from_sources(
        # No formatter run over the code: it is imported, never read. The generator reads no image types: an
        # exercise's illustration (image/svg+xml) comes back as bytes, as an app's generated client is told to.
        ConfigFile(post_hooks=[], content_type_overrides={"image/svg+xml": "application/octet-stream"}),
        MetaType.NONE,
        schema,
        "utf-8",
        overwrite=True,
        output_path=root / PACKAGE,
    )
    problems = generate(config=config)
    assert [f"{p.level}: {p.header} {p.detail}" for p in problems] == []  # not even a warning
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def app(db: None) -> Iterator[WSGIHandler]:
    """The Django app, in this thread and this test's transaction. As Django's test client does, no connection is
    closed between requests: that would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class Api:
    """The generated client's operations and models, by name; each request it sends is kept in `sent`."""

    def __init__(self, package: ModuleType, app: WSGIHandler) -> None:
        self.package = package
        self.models = importlib.import_module(f"{package.__name__}.models")
        self.app = app
        self.sent: list[httpx.Request] = []

    def op(self, name: str) -> ModuleType:
        """An operation's module, e.g. `plans.plans_today_retrieve` (its `sync` and `sync_detailed`)."""
        return importlib.import_module(f"{self.package.__name__}.api.{name}")

    def _httpx(self) -> dict[str, Any]:
        return {"transport": httpx.WSGITransport(app=self.app), "event_hooks": {"request": [self.sent.append]}}

    def anonymous(self) -> Any:
        return self.package.Client(base_url=BASE_URL, httpx_args=self._httpx(), raise_on_unexpected_status=True)

    def signed_in(self, user: User) -> Any:
        """A token for the user's e-mail and password (POST auth/token/), and a client sending it."""
        login = self.models.TokenLoginRequest(email=user.email, password=PASSWORD, name="generated client")
        created = self.op("auth.auth_token_create").sync(client=self.anonymous(), body=login)
        assert isinstance(created, self.models.TokenCreated), created
        return self.package.AuthenticatedClient(
            base_url=BASE_URL, token=created.key, httpx_args=self._httpx(), raise_on_unexpected_status=True
        )


@pytest.fixture
def api(client_package: ModuleType, app: WSGIHandler) -> Api:
    return Api(client_package, app)


def runner_client(api: Api) -> tuple[User, Any]:
    """A runner signed up with the generated client as a phone app does: the account (POST accounts/), the address
    confirmed from the e-mailed link (POST accounts/verify/), then a token for the e-mail and password."""
    email = f"runner-{uuid.uuid4().hex[:8]}@example.test"
    signup = api.models.SignupRequest(first_name="Robin", email=email, password=PASSWORD, timezone="Europe/London")
    sent = api.op("accounts.accounts_create").sync(client=api.anonymous(), body=signup)
    assert isinstance(sent, api.models.SignupSent), sent
    link = re.search(rf"{BASE_URL}/accounts/verify/([^/\s]+)/([^/\s]+)/", str(mail.outbox[-1].body))
    assert link is not None and mail.outbox[-1].to == [email], mail.outbox[-1].body
    verify = api.models.VerifyRequest(uid=link.group(1), token=link.group(2))
    verified = api.op("accounts.accounts_verify_create").sync(client=api.anonymous(), body=verify)
    assert isinstance(verified, api.models.Verified) and verified.email_verified, verified
    runner = User.objects.get(email=email)
    return runner, api.signed_in(runner)


def start_plan(api: Api, client: Any, intake_data: dict[str, Any]) -> Any:
    """The intake answered and a 6-week plan started on START, as a phone does."""
    intake = api.op("intakes.intakes_create").sync(client=client, body=api.models.IntakeRequest.from_dict(intake_data))
    assert isinstance(intake, api.models.IntakeRecord), intake
    assert intake.referral is None
    body = api.models.PlanCreateRequest(intake=intake.id, start_date=START, weeks=6)
    plan = api.op("plans.plans_create").sync(client=client, body=body)
    assert isinstance(plan, api.models.PlanDetail), plan
    return plan


def first_strength_day(api: Api, client: Any, plan: Any) -> dt.date:
    week = api.op("plans.plans_weeks_retrieve").sync(plan.id, 1, client=client)
    return next(day.date for day in week.days if any(s.kind.value == "strength" for s in day.sessions))


def log_today_at_pain(api: Api, client: Any, plan: Any, pain: int) -> tuple[Any, Any]:
    """Today's strength session logged at this pain with only what today/ gives: its id, its items' ids and doses
    and its `log_url`. Returns the session as today/ gave it and the stored log."""
    today = api.op("plans.plans_today_retrieve").sync(plan.id, client=client)
    assert isinstance(today, api.models.Today), today
    session = next(s for s in today.day.sessions if s.kind.value == "strength")
    entries = [
        api.models.EntryInRequest.from_dict({"prescription": item.id, **entry_done(item.to_dict(), pain)})
        for item in session.items
    ]
    body = api.models.SessionLogInRequest(client_id=uuid.uuid4(), session=session.id, entries=entries)
    log = api.op("logs.logs_create").sync(client=client, body=body)
    assert isinstance(log, api.models.SessionLogOut), log
    assert (api.sent[-1].method, api.sent[-1].url.path) == ("POST", session.log_url)  # where today/ said to send it
    assert log.session == session.id and log.plan == plan.id
    return session, log


def test_a_runner_drives_their_plan_with_the_generated_client(api: Api, intake_data: dict[str, Any]) -> None:
    _runner, client = runner_client(api)
    plan = start_plan(api, client, intake_data)
    day = first_strength_day(api, client, plan)
    with at(day):
        session, log = log_today_at_pain(api, client, plan, pain=7)
        assert log.decisions, "pain 7 of 10 changes the plan"
        changes = api.op("plans.plans_changes_list").sync(plan.id, client=client)
        assert {d.kind for d in log.decisions} <= {c.kind.value for c in changes.results}
        today = api.op("plans.plans_today_retrieve").sync(plan.id, client=client)
        logged = next(s for s in today.day.sessions if s.id == session.id)
        assert logged.log_url is None and "strength" in today.day.logged
    with at(day + dt.timedelta(days=1), hour=7):
        check = api.models.MorningCheckInRequest(client_id=uuid.uuid4(), next_morning_pain=3, stiffness=2)
        morning = api.op("morning_checks.morning_checks_create").sync(client=client, body=check)
        assert isinstance(morning, api.models.MorningCheckOut), morning
        assert morning.date == day + dt.timedelta(days=1) and morning.next_morning_pain == 3
    export = api.op("export.export_retrieve").sync(client=client).to_dict()
    (exported,) = export["plans"]
    sessions = {s["id"]: s for w in exported["plan"]["weeks"] for d in w["days"] for s in d["sessions"]}
    assert exported["id"] == plan.id and sessions[session.id]["log_url"] is None
    assert [log["date"] for log in export["session_logs"]] == [day.isoformat()]


def test_a_physio_invites_the_runner_sees_the_flag_and_changes_a_dose(api: Api, intake_data: dict[str, Any]) -> None:
    runner, runner_api = runner_client(api)
    plan = start_plan(api, runner_api, intake_data)
    physio = PhysioFactory.create()
    physio_api = api.signed_in(physio)

    invitation = api.models.InvitationCreateRequest(email=runner.email, note="See you on Tuesday.")
    assert isinstance(
        api.op("invitations.invitations_create").sync(client=physio_api, body=invitation), api.models.Invitation
    )
    emailed = str(mail.outbox[-1].body)  # the e-mail the runner gets
    link = re.search(rf"{BASE_URL}/invitations/([^/\s]+)/", emailed)
    assert link is not None, emailed
    accept = api.models.InvitationAcceptRequest(token=link.group(1))
    assert isinstance(
        api.op("invitations.invitations_accept_create").sync(client=runner_api, body=accept), api.models.CareLink
    )

    day = first_strength_day(api, runner_api, plan)
    with at(day):
        log_today_at_pain(api, runner_api, plan, pain=7)
        patients = api.op("patients.patients_list").sync(client=physio_api)
        (patient,) = patients.results
        assert patient.id == runner.pk and patient.plan_id == plan.id
        assert "severe_pain" in {flag.code.value for flag in patient.flags}

        read = api.op("plans.plans_retrieve").sync_detailed(plan.id, client=physio_api)
        assert read.status_code == 200
        item = next(
            item
            for week in read.parsed.weeks
            for d in week.days
            if d.date > day
            for s in d.sessions
            if s.kind.value == "strength"
            for item in s.items
            if item.url and item.sets and item.reps
        )
        change = api.models.PrescriptionOverrideRequest(
            dose=api.models.DoseRequest(sets=2, reps=6), note="Fewer reps until the pain settles."
        )
        done = api.op("prescriptions.prescriptions_partial_update").sync(
            item.id, client=physio_api, body=change, if_match=read.headers["ETag"]
        )
        assert isinstance(done, api.models.PrescriptionOverridden), done
        assert (api.sent[-1].method, api.sent[-1].url.path) == ("PATCH", item.url)
        assert done.id == item.id and done.dose.to_dict() == {"sets": 2, "reps": 6}

    on_the_day = next(
        d.date for week in read.parsed.weeks for d in week.days for s in d.sessions for i in s.items if i.id == item.id
    )
    shown = api.op("plans.plans_days_retrieve").sync(plan.id, on_the_day, client=runner_api)
    changed = next(i for s in shown.sessions for i in s.items if i.id == item.id)
    assert (changed.sets, changed.reps, changed.url) == (2, 6, None)  # the runner reads it; only the physio changes it


def test_an_app_reads_an_exercise_and_its_illustration(api: Api) -> None:
    client = api.anonymous()
    exercise = api.op("exercises.exercises_retrieve").sync(client=client, slug="nordic_curl")
    assert isinstance(exercise, api.models.Exercise), exercise
    assert exercise.illustration == f"{BASE_URL}/api/v1/exercises/nordic_curl/illustration/"
    picture = api.op("exercises.exercises_illustration_retrieve").sync_detailed(client=client, slug="nordic_curl")
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/svg+xml"
    assert picture.content.startswith(b"<svg ") and b'role="img"' in picture.content
