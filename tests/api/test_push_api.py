"""POST/DELETE /api/v1/me/push-subscriptions/: a browser's Web Push subscription stored for the caller (an
address another account stored stays theirs: 409), forgotten on DELETE; anything else is a 400 in the one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import PushSubscription, User
from tests.push import subscription_json

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/push-subscriptions/"
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/phone-one"


def test_post_stores_the_subscription_and_answers_201(runner_api: APIClient, runner: User) -> None:
    body = subscription_json(ENDPOINT)
    response = runner_api.post(URL, body, format="json")

    assert response.status_code == 201
    stored = PushSubscription.objects.get()
    assert response.json() == {"id": stored.pk, "endpoint": ENDPOINT, "created_at": response.json()["created_at"]}
    assert (stored.user_id, stored.p256dh, stored.auth) == (runner.pk, body["keys"]["p256dh"], body["keys"]["auth"])
    # The browser's secret is not sent back.
    assert body["keys"]["auth"] not in response.content.decode()


def test_posting_the_same_address_again_updates_it_and_answers_200(runner_api: APIClient) -> None:
    runner_api.post(URL, subscription_json(ENDPOINT), format="json")
    newer = subscription_json(ENDPOINT)
    response = runner_api.post(URL, newer, format="json")

    assert response.status_code == 200
    assert PushSubscription.objects.get().auth == newer["keys"]["auth"]


def test_an_address_stored_for_another_user_stays_theirs(
    runner_api: APIClient, other_runner_api: APIClient, other_runner: User
) -> None:
    stored = subscription_json(ENDPOINT)
    other_runner_api.post(URL, stored, format="json")
    response = runner_api.post(URL, subscription_json(ENDPOINT), format="json")

    assert response.status_code == 409
    assert "another account" in response.json()["detail"] and response.json()["errors"] == {}
    kept = PushSubscription.objects.get()
    assert (kept.user_id, kept.auth) == (other_runner.pk, stored["keys"]["auth"])


def test_a_physio_can_have_notifications_too(physio_api: APIClient, physio: User) -> None:
    assert physio_api.post(URL, subscription_json(ENDPOINT), format="json").status_code == 201
    assert PushSubscription.objects.get().user == physio


def test_delete_forgets_only_the_callers_subscription(
    runner_api: APIClient, other_runner_api: APIClient, runner: User
) -> None:
    runner_api.post(URL, subscription_json(ENDPOINT), format="json")

    assert other_runner_api.delete(URL, {"endpoint": ENDPOINT}, format="json").status_code == 204
    assert PushSubscription.objects.filter(user=runner).exists()
    assert runner_api.delete(URL, {"endpoint": ENDPOINT}, format="json").status_code == 204
    assert not PushSubscription.objects.exists()
    # Already off: still 204.
    assert runner_api.delete(URL, {"endpoint": ENDPOINT}, format="json").status_code == 204


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"endpoint", "keys"}),
        ({"endpoint": "not a url", "keys": subscription_json(ENDPOINT)["keys"]}, {"endpoint"}),
        ({"endpoint": "http://push.example.test/x", "keys": subscription_json(ENDPOINT)["keys"]}, {"endpoint"}),
        ({"endpoint": ENDPOINT, "keys": {}}, {"keys.p256dh", "keys.auth"}),
        ({"endpoint": ENDPOINT, "keys": "p256dh"}, {"keys"}),
        (
            {"endpoint": ENDPOINT, "keys": {"p256dh": "BAAA", "auth": subscription_json(ENDPOINT)["keys"]["auth"]}},
            {"keys.p256dh"},
        ),
        (
            {"endpoint": ENDPOINT, "keys": {"p256dh": subscription_json(ENDPOINT)["keys"]["p256dh"], "auth": "QUJD"}},
            {"keys.auth"},
        ),
        (
            {"endpoint": "https://push.example.test/" + "x" * 1000, "keys": subscription_json(ENDPOINT)["keys"]},
            {"endpoint"},
        ),
    ],
)
def test_what_is_not_a_browsers_subscription_is_a_400_with_field_errors(
    runner_api: APIClient, body: dict[str, Any], fields: set[str]
) -> None:
    response = runner_api.post(URL, body, format="json")

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"] == "Some fields need attention: see errors."
    assert set(answer["errors"]) == fields
    assert not PushSubscription.objects.exists()


def test_delete_without_an_address_is_a_400(runner_api: APIClient) -> None:
    response = runner_api.delete(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"endpoint"}


@pytest.mark.parametrize("method", ["post", "delete"])
def test_anonymous_is_401(anon_api: APIClient, method: str) -> None:
    response = getattr(anon_api, method)(URL, subscription_json(ENDPOINT), format="json")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert not PushSubscription.objects.exists()


def test_the_schema_documents_both_operations(anon_api: APIClient) -> None:
    schema = anon_api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"]["/api/v1/me/push-subscriptions/"]

    assert set(operations) == {"post", "delete"}
    post_body = operations["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert post_body.endswith("/PushSubscriptionRequest")
    assert "requestBody" in operations["delete"]
    assert {"201", "200", "400", "401"} <= set(operations["post"]["responses"])
