"""Settings → Apps connected to your account: list, make a key (shown once), disconnect."""

from __future__ import annotations

import html
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import API_TOKENS_PER_USER, api_token_create

pytestmark = pytest.mark.django_db


def _text(response: HttpResponse) -> str:
    page = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def _key_works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/auth/tokens/").status_code == 200


def test_the_settings_page_lists_my_tokens_by_name_and_first_characters(
    client: Client, runner: User, other_runner: User
) -> None:
    mine, key = api_token_create(user=runner, name="My phone")
    api_token_create(user=other_runner, name="Their script")
    client.force_login(runner)
    response = client.get(reverse("programs:settings"))
    text = _text(response)
    assert "Apps connected to your account" in text and "My phone" in text and f"starts with {mine.prefix}…" in text
    assert "token" not in text.lower()
    assert key not in response.content.decode() and "Their script" not in text
    assert reverse("programs:api-token-revoke", args=[mine.pk]) in response.content.decode()


def test_without_tokens_the_page_says_so(client: Client, runner: User) -> None:
    client.force_login(runner)
    assert "No app is connected" in _text(client.get(reverse("programs:settings")))


def test_a_new_token_shows_its_key_once_and_the_key_works(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.post(reverse("programs:api-token-create"), {"token-name": "Training spreadsheet"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=runner)
    found = re.search(r'id="new-api-key" type="text" value="([^"]+)"', response.content.decode())
    assert found is not None
    key = html.unescape(found.group(1))
    assert key.startswith(token.prefix) and _key_works(key)
    text = _text(response)
    assert "Copy it now" in text and "it is not shown again" in text and "Training spreadsheet" in text

    again = client.get(reverse("programs:settings")).content.decode()
    assert key not in again and "new-api-key" not in again


def test_a_too_long_name_is_explained_and_no_token_made(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.post(reverse("programs:api-token-create"), {"token-name": "x" * 101})
    assert response.status_code == 400
    assert "Keep the name to 100 characters or fewer." in _text(response)
    assert not ApiToken.objects.filter(user=runner).exists()


def test_the_token_cap_is_explained(client: Client, runner: User) -> None:
    for _ in range(API_TOKENS_PER_USER):
        api_token_create(user=runner)
    client.force_login(runner)
    response = client.post(reverse("programs:api-token-create"), {"token-name": "one more"})
    assert response.status_code == 400 and "Disconnect one you no longer use" in _text(response)
    assert ApiToken.objects.filter(user=runner).count() == API_TOKENS_PER_USER


def test_revoking_signs_the_app_out_and_says_so(client: Client, runner: User) -> None:
    token, key = api_token_create(user=runner, name="Old phone")
    client.force_login(runner)
    response = client.post(reverse("programs:api-token-revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("programs:settings") + "#api-tokens"
    assert "“Old phone” is disconnected" in _text(client.get(response["Location"]))
    assert not ApiToken.objects.filter(pk=token.pk).exists() and not _key_works(key)


def test_another_users_token_cannot_be_revoked(client: Client, runner: User, other_runner: User) -> None:
    theirs, key = api_token_create(user=other_runner)
    client.force_login(runner)
    assert client.post(reverse("programs:api-token-revoke", args=[theirs.pk])).status_code == 404
    assert _key_works(key)


def test_revoking_and_making_need_a_post(client: Client, runner: User) -> None:
    token, _key = api_token_create(user=runner)
    client.force_login(runner)
    assert client.get(reverse("programs:api-token-revoke", args=[token.pk])).status_code == 405
    assert client.get(reverse("programs:api-token-create")).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_anonymous_visitors_and_physios_cannot_use_it(client: Client, runner: User, physio: User) -> None:
    token, _key = api_token_create(user=runner)
    for url in (reverse("programs:api-token-create"), reverse("programs:api-token-revoke", args=[token.pk])):
        response = client.post(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(physio)
    assert client.post(reverse("programs:api-token-create")).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()
