"""With PostgreSQL unreachable, pages and the API answer 503 with Retry-After (JSON for the API, a plain page
otherwise) and log one line each, without a traceback; the next request once it is back is served as usual.
(PostgreSQL is made unreachable by the `database_down` fixture, tests/conftest.py.)"""

from __future__ import annotations

import logging

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def warnings_and_worse(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_the_database_really_is_down(database_down: None) -> None:
    with pytest.raises(Exception, match=r"(?i)connect"):
        User.objects.count()


def test_the_api_answers_503_json_with_retry_after_and_one_line(
    runner: User, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:
    api: APIClient = client_for(runner)  # the token is made while the database is up
    request.getfixturevalue("database_down")
    caplog.clear()
    response = api.get("/api/v1/plans/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("The service is briefly unavailable")
    [record] = warnings_and_worse(caplog)
    assert record.exc_info is None
    assert "\n" not in record.getMessage()
    assert "GET /api/v1/plans/" in record.getMessage()


def test_a_signed_in_page_answers_503_html_with_retry_after_and_one_line(
    client: Client, runner: User, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:
    client.force_login(runner)  # the session is stored while the database is up, and read back while it is down
    request.getfixturevalue("database_down")
    caplog.clear()
    response = client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) > 0
    assert b"Briefly unavailable" in response.content
    [record] = warnings_and_worse(caplog)
    assert record.exc_info is None
    assert "\n" not in record.getMessage()


def test_the_app_recovers_by_itself_once_the_database_is_back(
    client: Client, runner: User, request: pytest.FixtureRequest
) -> None:
    client.force_login(runner)
    connection = connections["default"]
    port = connection.settings_dict["PORT"]
    request.getfixturevalue("database_down")
    assert client.get("/").status_code == 503
    connection.settings_dict["PORT"] = port  # PostgreSQL is back; nothing is restarted
    assert client.get("/").status_code == 200
