"""Logging in for a token, logging out, listing and revoking tokens, and the login and write throttles."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.api.serializers import WRONG_LOGIN
from accounts.models import ApiToken, User
from accounts.services import API_TOKENS_PER_USER, api_token_create
from rehabplan.api import VALIDATION_DETAIL, WriteRateThrottle
from tests.api.conftest import client_for
from tests.factories.accounts import RunnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

PASSWORD = "correct horse battery staple"  # the factories' password
LOGIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"


def _with_key(key: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str) and body["detail"]
    return body


# ---------------------------------------------------------------- log in


@pytest.mark.parametrize("keyword", ["Token", "Bearer"])
def test_logging_in_returns_a_named_token_whose_key_works_once_shown(
    anon_api: APIClient, runner: User, keyword: str
) -> None:
    response = anon_api.post(LOGIN, {"email": "RUNNER@Example.TEST", "password": PASSWORD, "name": " My phone "})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "key", "prefix", "created_at"}
    assert body["name"] == "My phone" and body["prefix"] == body["key"][:8]
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == runner and body["key"] not in (token.digest, token.prefix)

    listed = _with_key(body["key"], keyword).get(TOKENS)
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["results"]] == [token.pk]
    assert "key" not in listed.content.decode() and body["key"] not in listed.content.decode()


def test_the_name_is_optional(anon_api: APIClient, runner: User) -> None:
    response = anon_api.post(LOGIN, {"email": runner.email, "password": PASSWORD})
    assert response.status_code == 201 and response.json()["name"] == ""


@pytest.mark.parametrize(
    "email, password",
    [
        ("runner@example.test", "not the password"),
        ("nobody@example.test", PASSWORD),
        ("inactive@example.test", PASSWORD),
    ],
)
def test_a_wrong_login_says_the_same_whatever_was_wrong(
    anon_api: APIClient, runner: User, email: str, password: str
) -> None:
    RunnerFactory(email="inactive@example.test", password=PASSWORD, is_active=False)
    body = _error(anon_api.post(LOGIN, {"email": email, "password": password}), 400)
    assert body == {"detail": WRONG_LOGIN, "errors": {"non_field_errors": [WRONG_LOGIN]}}
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "data, fields",
    [
        ({}, {"email", "password"}),
        ({"email": "", "password": ""}, {"email", "password"}),
        ({"email": ["a"], "password": {"b": 1}}, {"email", "password"}),
        ({"email": "runner@example.test", "password": PASSWORD, "name": "x" * 101}, {"name"}),
        ({"email": "runner@example.test", "password": PASSWORD, "name": "a\x00b"}, {"name"}),
        ({"email": "x" * 300, "password": PASSWORD}, {"email"}),
    ],
)
def test_missing_or_malformed_fields_are_field_errors(
    anon_api: APIClient, runner: User, data: dict[str, Any], fields: set[str]
) -> None:
    body = _error(anon_api.post(LOGIN, data, format="json"), 400)
    assert body["detail"] == VALIDATION_DETAIL and set(body["errors"]) == fields


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "null", '"text"'])
def test_a_body_that_is_not_an_object_is_a_400(anon_api: APIClient, raw: str) -> None:
    _error(anon_api.post(LOGIN, raw, content_type="application/json"), 400)


def test_a_user_with_too_many_tokens_is_told_to_revoke_one(anon_api: APIClient, runner: User) -> None:
    for _ in range(API_TOKENS_PER_USER):
        api_token_create(user=runner)
    body = _error(anon_api.post(LOGIN, {"email": runner.email, "password": PASSWORD}), 400)
    assert "Disconnect one" in body["detail"] and body["errors"] == {"non_field_errors": [body["detail"]]}
    assert ApiToken.objects.filter(user=runner).count() == API_TOKENS_PER_USER


def test_a_physio_logs_in_too(anon_api: APIClient, physio: User) -> None:
    response = anon_api.post(LOGIN, {"email": physio.email, "password": PASSWORD})
    assert response.status_code == 201
    assert _with_key(response.json()["key"]).get(TOKENS).status_code == 200


# ---------------------------------------------------------------- log out


def test_logging_out_revokes_the_token_of_the_request_only(runner: User) -> None:
    _phone, phone_key = api_token_create(user=runner, name="phone")
    laptop, laptop_key = api_token_create(user=runner, name="laptop")
    phone = _with_key(phone_key, "Token")
    assert phone.delete(LOGIN).status_code == 204

    body = _error(phone.get(TOKENS), 401)
    assert body["errors"] == {}
    listed = _with_key(laptop_key).get(TOKENS).json()["results"]
    assert [t["id"] for t in listed] == [laptop.pk]


def test_logging_out_needs_a_token(anon_api: APIClient, runner: User) -> None:
    _error(anon_api.delete(LOGIN), 401)
    session = APIClient()
    session.force_login(runner)
    body = _error(session.delete(LOGIN), 400)
    assert "not made with an API token" in body["detail"]


def test_a_malformed_authorization_header_is_a_401_in_the_error_shape(runner: User) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    _error(client.get(TOKENS), 401)
    _error(_with_key("no-such-key").get(TOKENS), 401)


# ---------------------------------------------------------------- list and revoke


def test_the_list_shows_my_tokens_and_marks_the_one_in_use(
    runner: User, other_runner: User, django_assert_max_num_queries: Any
) -> None:
    older, _ = api_token_create(user=runner, name="old laptop")
    api_token_create(user=other_runner, name="theirs")
    mine, key = api_token_create(user=runner, name="phone")
    client = _with_key(key)
    with django_assert_max_num_queries(3):  # the token with its user; the count; the page
        response = client.get(TOKENS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    assert body["results"] == [
        {
            "id": mine.pk,
            "name": "phone",
            "prefix": mine.prefix,
            "created_at": body["results"][0]["created_at"],
            "current": True,
        },
        {
            "id": older.pk,
            "name": "old laptop",
            "prefix": older.prefix,
            "created_at": body["results"][1]["created_at"],
            "current": False,
        },
    ]
    assert "theirs" not in response.content.decode() and other_runner.email not in response.content.decode()


def test_the_list_pages_by_twenty(runner: User) -> None:
    for i in range(24):
        api_token_create(user=runner, name=f"script {i}")
    client = client_for(runner)
    first = client.get(TOKENS).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    assert len(client.get(TOKENS, {"page_size": 100}).json()["results"]) == 25
    _error(client.get(TOKENS, {"page": 99}), 404)


def test_revoking_a_token_signs_its_app_out_at_once(runner: User) -> None:
    other, other_key = api_token_create(user=runner, name="old phone")
    client = client_for(runner)
    assert _with_key(other_key).get(TOKENS).status_code == 200
    assert client.delete(f"{TOKENS}{other.pk}/").status_code == 204
    assert not ApiToken.objects.filter(pk=other.pk).exists()
    _error(_with_key(other_key).get(TOKENS), 401)
    _error(client.delete(f"{TOKENS}{other.pk}/"), 404)  # already gone


def test_another_users_token_is_not_found_and_stays(runner_api: APIClient, other_runner: User) -> None:
    theirs, their_key = api_token_create(user=other_runner)
    body = _error(runner_api.delete(f"{TOKENS}{theirs.pk}/"), 404)
    assert str(theirs.pk) not in body["detail"] and "ApiToken" not in body["detail"]
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert _with_key(their_key).get(TOKENS).status_code == 200


@pytest.mark.parametrize("token_id", ["abc", "0", "-1", "99999999999999999999999", "1.5"])
def test_a_malformed_or_unknown_token_id_is_a_404(runner_api: APIClient, token_id: str) -> None:
    _error(runner_api.delete(f"{TOKENS}{token_id}/"), 404)


def test_anonymous_clients_get_401(anon_api: APIClient, runner: User) -> None:
    token, _key = api_token_create(user=runner)
    for response in (anon_api.get(TOKENS), anon_api.delete(f"{TOKENS}{token.pk}/")):
        body = _error(response, 401)
        assert response["WWW-Authenticate"] == "Token" and body["errors"] == {}


def test_only_list_and_delete_are_allowed(runner_api: APIClient) -> None:
    _error(runner_api.post(TOKENS, {"name": "x"}), 405)
    _error(runner_api.get(LOGIN), 405)


# ---------------------------------------------------------------- throttles


def test_the_eleventh_login_attempt_in_a_minute_is_refused(
    anon_api: APIClient, runner: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.AXES_ENABLED = False  # the rate alone: the login lockout has its own tests (tests/accounts)
    # DRF copied the rates when it was imported: set the one under test here, whatever the environment says.
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "10/minute")
    for _ in range(10):
        assert anon_api.post(LOGIN, {"email": runner.email, "password": "guess"}).status_code == 400
    response = anon_api.post(LOGIN, {"email": runner.email, "password": PASSWORD})
    body = _error(response, 429)
    assert body["errors"] == {} and int(response["Retry-After"]) > 0
    assert not ApiToken.objects.exists()


def test_writes_are_throttled_and_reads_are_not(
    runner: User, runner_api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(WriteRateThrottle.THROTTLE_RATES, "writes", "2/minute")
    for _ in range(2):
        assert runner_api.patch("/api/v1/profile/", {"units": "mi"}).status_code == 200
    _error(runner_api.patch("/api/v1/profile/", {"units": "km"}), 429)
    for _ in range(5):
        assert runner_api.get("/api/v1/profile/").status_code == 200
        assert runner_api.get(TOKENS).status_code == 200
