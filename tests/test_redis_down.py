"""With Redis unreachable (the broker and the production cache), a runner still logs a session, and the pages and the
API answer: requests never wait on Redis for reminders, and the throttles let requests through. The login lockout
counts in the database, so it keeps refusing a guessed account without locking anyone else out; the e-mail limits
let e-mails through (the sign-in link is the way back into a locked account)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import Plan, SessionLog
from tests.api.conftest import client_for
from tests.api.log_bodies import first_session, log_body
from tests.factories.accounts import RunnerFactory
from tests.pages import at
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:1/0"  # connection refused at once


def _point_redis_away(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOTHING_LISTENS},
        "api": {**settings.CACHES["api"], "LOCATION": NOTHING_LISTENS},  # the API's read cache
    }
    settings.CELERY_BROKER_URL = NOTHING_LISTENS
    caches._settings = None  # type: ignore[attr-defined]  # read CACHES again
    caches.__init__()  # type: ignore[misc]


@pytest.fixture
def redis_down(settings: Any) -> Iterator[None]:
    _point_redis_away(settings)
    yield
    caches.__init__()  # type: ignore[misc]


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=2)


def test_the_cache_really_is_down(redis_down: None) -> None:
    with pytest.raises(Exception, match=r"(?i)connect"):
        caches["default"].get("anything")


def test_a_session_is_logged_over_the_api_and_the_plan_read(redis_down: None, runner: User, plan: Plan) -> None:
    session = first_session(plan, "strength")
    api: APIClient = client_for(runner)
    with at(session.date):
        response = api.post("/api/v1/logs/", log_body(session), format="json")
        assert response.status_code == 201, response.content
        assert api.get(f"/api/v1/plans/{plan.pk}/today/").status_code == 200
    assert SessionLog.objects.filter(session=session).exists()


def test_the_runners_pages_answer(redis_down: None, client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    session = first_session(plan, "strength")
    with at(session.date):
        for name in ("programs:home", "programs:settings", "programs:morning-check"):
            assert client.get(reverse(name)).status_code == 200, name


PASSWORD = "correct horse battery staple"  # the factories' password


def _web_login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_logins_work_and_the_lockout_still_counts(
    redis_down: None, client: Client, runner: User, other_runner: User, settings: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 10
    assert _web_login(Client(), other_runner.email, PASSWORD).status_code == 302
    assert (
        APIClient().post("/api/v1/auth/token/", {"email": other_runner.email, "password": PASSWORD}).status_code == 201
    )
    for n in range(9):
        assert _web_login(client, runner.email, f"guess {n}").status_code == 200
    assert _web_login(client, runner.email, "the tenth guess").status_code == 429
    assert _web_login(client, runner.email, PASSWORD).status_code == 429


def test_the_sign_in_link_and_password_reset_are_sent(redis_down: None, client: Client, runner: User) -> None:
    assert client.post(reverse("accounts:login-link"), {"link-email": runner.email}).status_code == 200
    assert client.post(reverse("accounts:password_reset"), {"email": runner.email}).status_code == 302
    assert [message.to for message in mail.outbox] == [[runner.email], [runner.email]]


def test_the_plan_reads_answer_the_same_from_the_database(
    settings: Any, runner: User, plan: Plan, physio: User, caplog: pytest.LogCaptureFixture
) -> None:
    """The API's read cache away: the plan, today, a day and a week are read from the database, with the same bodies
    and ETags as the cache gave, revalidations still answer 304 and outsiders 404; one warning says so."""
    urls = [f"/api/v1/plans/{plan.pk}/{rest}" for rest in ("", "today/", f"days/{plan.start}/", "weeks/1/")]
    runner_api, physio_api, outsider = client_for(runner), client_for(physio), client_for(None)
    with at(plan.start):
        clients = (runner_api, physio_api)  # each reads their own links
        for url, client in itertools.product(urls, clients):
            client.get(url)
        cached = {(url, client): client.get(url) for url, client in itertools.product(urls, clients)}
        _point_redis_away(settings)
        try:
            with caplog.at_level(logging.WARNING, logger="rehabplan.api_cache"):
                for (url, client), was in cached.items():
                    now = client.get(url)
                    assert now.status_code == 200 and now.content == was.content and now["ETag"] == was["ETag"]
                    assert client.get(url, HTTP_IF_NONE_MATCH=was["ETag"]).status_code == 304
                    assert outsider.get(url).status_code == 401
                    assert client_for(RunnerFactory()).get(url).status_code == 404
        finally:
            caches.__init__()  # type: ignore[misc]
    warnings = [r for r in caplog.records if r.name == "rehabplan.api_cache"]
    assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()
