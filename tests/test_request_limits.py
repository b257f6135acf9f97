"""What a request may be: the API's JSON bounded in size and nesting, answered with its JSON error, never a 500."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from programs.api.serializers.logs import MAX_ENTRIES
from rehabplan.parsers import BoundedJSONParser, RequestBodyTooLarge, nesting_depth
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

NESTED = "[" * 1000  # about 1 KB that sent Python's json module past the recursion limit


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[["', 0),
        ("[]", 1),
        ('{"a": [{"b": []}]}', 4),
        ('{"a": "]]]]", "b": [[1]]}', 3),
        (r'["\"[[", [1]]', 2),  # an escaped quote does not end the string
        (r'["\\", [[1]]]', 3),  # an escaped backslash does
        ("[" * 50, 50),
    ],
)
def test_nesting_is_counted_outside_strings(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def _nested_post(client: Client, url: str, body: str = NESTED, method: str = "post") -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


def _assert_json_400(response: Any) -> None:
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"].startswith("JSON parse error")


@pytest.mark.usefixtures("fresh_throttles")
def test_deeply_nested_json_to_the_token_endpoint_is_a_400_for_anyone(client: Client) -> None:
    _assert_json_400(_nested_post(client, "/api/v1/auth/token/"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/intakes/"),
        ("post", "/api/v1/logs/"),
        ("post", "/api/v1/morning-checks/"),
        ("patch", "/api/v1/profile/"),
        ("post", "/api/v1/me/push-subscriptions/"),
    ],
)
def test_deeply_nested_json_is_a_400_on_a_runners_endpoints(runner: User, method: str, url: str) -> None:
    _assert_json_400(_nested_post(client_for(runner), url, method=method))


@pytest.mark.parametrize("url", ["/api/v1/invitations/", "/api/v1/templates/"])
def test_deeply_nested_json_is_a_400_on_a_physios_endpoints(physio: User, url: str) -> None:
    _assert_json_400(_nested_post(client_for(physio), url))


def test_deeply_nested_json_to_the_settings_push_page_is_its_json_400(client: Client, runner: User) -> None:
    """The one page that takes JSON (Settings → notifications on this phone) bounds it as the API does."""
    client.force_login(runner)
    response = _nested_post(client, "/settings/push/")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The browser sent something that is not a push subscription")


def test_json_nested_past_the_limit_but_short_of_the_recursion_limit_is_refused(runner: User, settings: Any) -> None:
    deep = '{"units": ' + "[" * (settings.API_MAX_JSON_DEPTH + 1) + "]" * (settings.API_MAX_JSON_DEPTH + 1) + "}"
    response = _nested_post(client_for(runner), "/api/v1/profile/", deep, method="patch")
    _assert_json_400(response)
    assert f"deeper than {settings.API_MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_a_body_over_the_limit_is_a_json_413_before_it_is_read(client: Client, settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"email": "a@example.test", "password": "x" * 1000})
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than this API accepts (1000 bytes).", "errors": {}}


def test_the_parser_reads_no_further_than_the_limit_whatever_length_was_declared(settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    with pytest.raises(RequestBodyTooLarge):
        BoundedJSONParser().parse(io.BytesIO(b"[" + b" " * 2000 + b"]"), "application/json", {})
    assert BoundedJSONParser().parse(io.BytesIO(b"[" + b" " * 900 + b"]"), "application/json", {}) == []


def test_the_default_limit_takes_the_largest_log_a_runner_can_send(settings: Any) -> None:
    """Fifty entries with the longest notes, every character escaped, still fit: the limit never refuses real use."""
    entry = {"prescription": 1, "pain_during": 1, "notes": "é" * 2000}
    body = json.dumps({"client_id": "x" * 36, "session": 1, "notes": "é" * 2000, "entries": [entry] * MAX_ENTRIES})
    assert len(body.encode()) < settings.API_MAX_BODY_BYTES <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_pages_keep_djangos_own_limit(client: Client, settings: Any) -> None:
    """The JSON 413 is the API's: a page's form post over Django's limit is still Django's 400."""
    settings.API_MAX_BODY_BYTES = 1000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"username": "a@example.test", "password": "x" * 2000})
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
