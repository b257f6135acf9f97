"""Schemathesis against /api/schema/: every operation, fed generated valid and invalid requests, never answers 5xx,
never answers with a body (or content type) its documented response contradicts, refuses every request the schema
calls invalid (negative_data_rejection) and accepts every request it calls valid (positive_data_acceptance), but for
the rules the schema cannot state (BUSINESS_RULES below).

In-process: the schema is read from /api/schema/ through Django's WSGI handler and each request goes through a WSGI
handler built inside the test, against the test database. Every operation runs as anonymous, as a runner who has a
6-week plan, and as that runner's physio; roughly half the generated ids are swapped for the runner's real ones
(plan, exercise, prescription, patient…) so the fuzz reaches past the 404s into the views' validation. Then, for
the runner and the physio, stateful workflows: chains of calls along the links Schemathesis infers between
operations (an id from one answer used in the next call), with the same checks at every step.

It takes minutes, so it runs on its own: `make fuzz` (which `.ci/run` runs after `make test`), i.e.
`FUZZ=1 .venv/bin/python -m pytest -p no:cacheprovider -m fuzz -n 2 tests/api/test_fuzz.py`; without FUZZ=1 the
module is skipped. More examples: `FUZZ_EXAMPLES=100` (default 10 per operation and caller; derandomized, so a CI
run is repeatable and a failure replays).
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
)

from accounts.models import User
from accounts.services import api_token_create
from programs.models import Plan, Prescription
from programs.services.logs import session_log_record
from tests.api.log_bodies import first_session, log_body
from tests.factories.programs import DayLogFactory

if os.environ.get("FUZZ") != "1":
    pytest.skip("Schemathesis runs with `make fuzz` (FUZZ=1)", allow_module_level=True)

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


# Rules the schema cannot state, because they need the database or weigh fields against each other: a request valid
# by the schema may still be refused with the operation's documented 400, naming only these fields (a name covers
# its nested fields; None: any field). Any other refusal of valid data fails `valid_request_accepted`.
BUSINESS_RULES: dict[tuple[str, str], frozenset[str] | None] = {
    # An e-mail and password that belong to no account; a link or an invitation RehabPlan did not send.
    ("POST", "/api/v1/auth/token/"): frozenset({"non_field_errors"}),
    ("POST", "/api/v1/accounts/verify/"): frozenset({"non_field_errors"}),
    ("POST", "/api/v1/invitations/accept/"): frozenset({"non_field_errors"}),
    # Django's password rules (not too common, not all digits, not like the e-mail); the account's own password.
    ("POST", "/api/v1/accounts/"): frozenset({"password"}),
    ("DELETE", "/api/v1/account/"): frozenset({"password"}),
    # A name in the time-zone database; quiet hours both or neither, around no reminder; a pause within a year.
    ("PATCH", "/api/v1/profile/"): frozenset(
        {"timezone", "reminder_time", "quiet_hours_start", "quiet_hours_end", "reminders_paused_until"}
    ),
    # The clinical rules: the answers must agree with each other (pain and its onset, the days available…).
    ("POST", "/api/v1/intakes/"): None,
    # The runner's own intake, session or day of their plan, within the dates it allows.
    ("POST", "/api/v1/plans/"): frozenset({"intake", "start_date"}),
    ("POST", "/api/v1/logs/"): frozenset({"session", "entries", "day", "client_id"}),
    ("POST", "/api/v1/morning-checks/"): frozenset({"date", "client_id", "non_field_errors"}),  # at least one answer
    # Which field names the other side depends on the sender: a physio writes to a patient, a runner to a physio.
    ("POST", "/api/v1/messages/"): frozenset({"patient", "physio"}),
    # Django's URL check (a host name's length, its labels) is stricter than `format: uri`.
    ("POST", "/api/v1/me/push-subscriptions/"): frozenset({"endpoint"}),
    # Checked against the catalogue, the pathway's stages and the physio's own templates and their names.
    ("POST", "/api/v1/templates/"): frozenset({"name", "program", "pathway", "weeks"}),
    ("PUT", "/api/v1/templates/{id}/"): frozenset({"name", "program", "pathway", "weeks"}),
    ("PATCH", "/api/v1/templates/{id}/"): frozenset({"name", "program", "pathway", "weeks"}),
    ("POST", "/api/v1/patients/{id}/plans/"): None,
    ("PUT", "/api/v1/plans/{id}/program/"): frozenset({"edits", "start_date", "note"}),
    ("PATCH", "/api/v1/prescriptions/{id}/"): frozenset({"dose", "note"}),
    ("POST", "/api/v1/plans/{id}/clearance/"): None,
    # A position the exercise has: each names its own (start and end, and some a middle one or more).
    ("GET", "/api/v1/exercises/{slug}/illustration/"): frozenset({"frame"}),
}


def _refused_by_a_business_rule(response: Any, case: schemathesis.Case) -> bool:
    # A generated If-Match is almost never the plan's ETag: 412 is the documented answer to a stale one.
    if response.status_code == 412:
        return any(name.lower() == "if-match" for name in case.headers or {})
    key = (case.method.upper(), case.path)
    if response.status_code != 400 or key not in BUSINESS_RULES:
        return False
    allowed = BUSINESS_RULES[key]
    if allowed is None:
        return True
    fields = response.json().get("errors") or {"non_field_errors": []}
    return all(any(field == name or field.startswith(name + ".") for name in allowed) for field in fields)


def valid_request_accepted(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schemathesis's positive_data_acceptance ("valid request rejected"), but for BUSINESS_RULES."""
    if _refused_by_a_business_rule(response, case):
        return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    negative_data_rejection,
    valid_request_accepted,
]
# The handler answers on "localhost" (werkzeug's test host) over plain HTTP whatever the environment says.
HOST_SETTINGS = {"ALLOWED_HOSTS": ["localhost", "testserver"], "SECURE_SSL_REDIRECT": False}

with override_settings(**HOST_SETTINGS):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
# Every string refuses a NUL character (PostgreSQL cannot store one; docs/api.md): generating them would only find
# that 400 again in every operation.
schema.config.generation.update(allow_x00=False)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Before the personas are made: hashing their passwords slowly is not what this test is about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _bearer(user: User) -> dict[str, str]:
    _token, key = api_token_create(user=user, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def runner_headers(runner: User) -> dict[str, str]:
    return _bearer(runner)


@pytest.fixture
def physio_headers(physio: User) -> dict[str, str]:
    return _bearer(physio)


@pytest.fixture
def wsgi_app(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[WSGIHandler]:
    for name, value in HOST_SETTINGS.items():
        setattr(settings, name, value)
    # Throttles are tested elsewhere: here they would turn most writes into 429s and hide the views' validation.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"writes": "100000/minute", "login": "100000/minute"})
    # So are the login lockout and the e-mail limits (tests/accounts/test_login_limits.py, test_mail_limits.py).
    settings.AXES_ENABLED = False
    settings.MAIL_PER_ADDRESS_PER_HOUR = settings.MAIL_PER_CLIENT_PER_HOUR = 100_000
    cache.clear()
    # Thousands of expected 4xx would each log a warning; a 5xx is still logged (and fails the check anyway).
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    # As Django's test client does: a request must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()  # built after the settings above: middleware reads them when it is created
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        request_log.setLevel(level)


@pytest.fixture
def real_ids(runner: User, physio: User, runner_plan: Plan) -> dict[str, Any]:
    """Path values that exist for the runner (and their physio), by the path's first part."""
    logged = first_session(runner_plan, "strength")
    log = session_log_record(session=logged, runner=runner, entries=log_body(logged)["entries"])
    prescription = (
        Prescription.objects.filter(plan=runner_plan, session__date__gt=logged.date)
        .select_related("exercise")
        .order_by("session__date", "position")
        .first()
    )
    assert prescription is not None
    day = DayLogFactory(runner=runner, date=runner_plan.start, next_morning_pain=1)
    return {
        "plans": {"id": runner_plan.pk, "date": logged.date.isoformat(), "number": 1},
        "exercises": {"slug": prescription.exercise.slug},
        "pathways": {"slug": runner_plan.pathway},
        "prescriptions": {"id": prescription.pk},
        "patients": {"id": runner.pk},
        "physios": {"id": physio.pk},
        "intakes": {"id": runner_plan.intake_id},
        "logs": {"id": log.pk},
        "morning-checks": {"id": day.pk},
    }


def _aim(case: schemathesis.Case, real_ids: dict[str, Any]) -> None:
    """Swap about half the generated path values for real ones, chosen from the value so a failure replays."""
    params = case.path_parameters
    # A case whose path is the invalid part keeps it: swapped for a real id it would be valid and answered 200.
    if not params or (case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)):
        return
    resource = case.operation.path.removeprefix("/api/v1/").split("/", 1)[0]
    known = real_ids.get(resource, {})
    for name, value in list(params.items()):
        if name in known and zlib.crc32(repr(value).encode()) % 2 == 0:
            params[name] = known[name]


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database and users live for one operation's examples
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_anonymous(case: schemathesis.Case, wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(app=wsgi_app, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_runner_with_a_plan(
    case: schemathesis.Case, wsgi_app: WSGIHandler, runner_headers: dict[str, str], real_ids: dict[str, Any]
) -> None:
    _aim(case, real_ids)
    case.call_and_validate(app=wsgi_app, checks=CHECKS, headers=runner_headers)


@schema.parametrize()
@FUZZ_SETTINGS
def test_physio_of_the_runner(
    case: schemathesis.Case, wsgi_app: WSGIHandler, physio_headers: dict[str, str], real_ids: dict[str, Any]
) -> None:
    _aim(case, real_ids)
    case.call_and_validate(app=wsgi_app, checks=CHECKS, headers=physio_headers)


STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", "15"))


@pytest.mark.parametrize("who", ["runner", "physio"])
def test_stateful_workflows(
    who: str, wsgi_app: WSGIHandler, runner_headers: dict[str, str], physio_headers: dict[str, str]
) -> None:
    """Chains of calls along the links Schemathesis infers from the schema (a created template read, changed and
    deleted; a plan listed then read by its id…), with the same checks at every step."""
    headers = runner_headers if who == "runner" else physio_headers

    class Workflow(schema.as_state_machine()):
        # Each scenario starts from the same rows (the runner, their plan, the physio): what one scenario created is
        # rolled back, or Hypothesis sees a replayed scenario take another path and calls the test flaky.
        def setup(self) -> None:
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"app": wsgi_app, "headers": headers}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    Workflow.run(settings=settings(FUZZ_SETTINGS, max_examples=STATEFUL_EXAMPLES, stateful_step_count=8))
