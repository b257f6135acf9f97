"""Settings → Notifications on this phone: the page's script posts the browser's subscription (session + the CSRF
header read from the cookie, as push.js does), and the section is shown only when Web Push is set up."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from accounts.models import PushSubscription, User
from tests.push import subscription_json, vapid_keys

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/phone-one"


def signed_in(user: User) -> Client:
    """A browser with a session and a CSRF cookie, whose script copies the cookie into the X-CSRFToken header."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = secrets.token_hex(16)
    client.cookies["csrftoken"] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_turning_on_stores_this_browsers_subscription(runner: User) -> None:
    body = subscription_json(ENDPOINT)
    response = post_json(signed_in(runner), "/settings/push/", body)

    assert response.status_code == 204
    stored = PushSubscription.objects.get()
    assert (stored.user, stored.endpoint, stored.p256dh, stored.auth) == (
        runner,
        ENDPOINT,
        body["keys"]["p256dh"],
        body["keys"]["auth"],
    )


def test_turning_on_again_updates_the_keys_without_a_second_row(runner: User) -> None:
    client = signed_in(runner)
    post_json(client, "/settings/push/", subscription_json(ENDPOINT))
    newer = subscription_json(ENDPOINT)
    assert post_json(client, "/settings/push/", newer).status_code == 204

    stored = PushSubscription.objects.get()
    assert stored.p256dh == newer["keys"]["p256dh"]


def test_an_address_another_account_turned_on_cannot_be_taken_over(runner: User, other_runner: User) -> None:
    post_json(signed_in(other_runner), "/settings/push/", subscription_json(ENDPOINT))
    response = post_json(signed_in(runner), "/settings/push/", subscription_json(ENDPOINT))

    assert response.status_code == 409 and "Turn them off here, then on again" in response.json()["detail"]
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [other_runner.pk]


def test_turning_off_removes_only_ones_own_subscription(runner: User, other_runner: User) -> None:
    post_json(signed_in(runner), "/settings/push/", subscription_json(ENDPOINT))
    post_json(signed_in(other_runner), "/settings/push/", subscription_json(ENDPOINT + "-b"))

    assert post_json(signed_in(other_runner), "/settings/push/remove/", {"endpoint": ENDPOINT}).status_code == 204
    assert PushSubscription.objects.filter(endpoint=ENDPOINT, user=runner).exists()
    assert post_json(signed_in(runner), "/settings/push/remove/", {"endpoint": ENDPOINT}).status_code == 204
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [ENDPOINT + "-b"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endpoint": ENDPOINT}, "keys"),
        ({"endpoint": "http://push.example.test/x", "keys": subscription_json(ENDPOINT)["keys"]}, "endpoint"),
        ({"endpoint": ENDPOINT, "keys": {"p256dh": "bm90IGEga2V5", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, "keys.p256dh"),
        (
            {"endpoint": ENDPOINT, "keys": {"p256dh": subscription_json(ENDPOINT)["keys"]["p256dh"], "auth": "!!"}},
            "keys.auth",
        ),
    ],
)
def test_what_is_not_a_browsers_subscription_is_a_400_naming_the_field(
    runner: User, body: dict[str, Any], field: str
) -> None:
    response = post_json(signed_in(runner), "/settings/push/", body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["detail"]
    assert field in answer["errors"]
    assert not PushSubscription.objects.exists()


def test_a_body_that_is_not_json_is_a_400_in_plain_words(runner: User) -> None:
    response = signed_in(runner).post("/settings/push/", "endpoint=x", content_type="application/json")

    assert response.status_code == 400
    assert "not a push subscription" in response.json()["detail"]


def test_signed_out_is_a_json_401(db: None) -> None:
    client = Client()
    response = post_json(client, "/settings/push/", subscription_json(ENDPOINT))

    assert response.status_code == 401
    assert "Log in" in response.json()["detail"]
    assert not PushSubscription.objects.exists()


def test_without_the_csrf_header_nothing_is_stored(runner: User) -> None:
    client = signed_in(runner)
    del client.defaults["HTTP_X_CSRFTOKEN"]

    assert post_json(client, "/settings/push/", subscription_json(ENDPOINT)).status_code == 403
    assert not PushSubscription.objects.exists()


def test_get_is_not_allowed(runner: User) -> None:
    assert signed_in(runner).get("/settings/push/").status_code == 405


def test_the_section_offers_notifications_with_the_public_key_and_its_urls(settings: Any) -> None:
    keys = vapid_keys()
    settings.VAPID_PUBLIC_KEY = keys["VAPID_PUBLIC_KEY"]
    settings.VAPID_PRIVATE_KEY = keys["VAPID_PRIVATE_KEY"]

    html = render_to_string("accounts/_push.html")

    assert "Notifications on this phone" in html
    assert f'data-public-key="{keys["VAPID_PUBLIC_KEY"]}"' in html
    assert 'data-subscribe-url="/settings/push/"' in html
    assert 'data-unsubscribe-url="/settings/push/remove/"' in html
    assert "js/push.js" in html
    assert "Turn off" in html


def test_without_vapid_keys_the_section_is_left_out(settings: Any) -> None:
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""

    assert render_to_string("accounts/_push.html").strip() == ""


def test_the_service_worker_shows_pushed_reminders_and_opens_their_link(client: Client) -> None:
    worker = client.get("/sw.js").content.decode()

    assert 'addEventListener("push"' in worker
    assert "showNotification" in worker
    assert 'addEventListener("notificationclick"' in worker
    assert "openWindow" in worker
