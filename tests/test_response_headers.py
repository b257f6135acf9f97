"""The headers every response carries: a Content-Security-Policy that allows no inline script, a Permissions-Policy,
and `Cache-Control: private, no-store` on whatever a signed-in person reads (the API's ETag reads: `private, no-cache`).
Every main page is rendered once, as each kind of visitor sees it, and checked for inline script."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from programs.models import Plan
from tests.api.conftest import client_for
from tests.pages import at
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"
# A <script> element without a src attribute, an on…= event handler attribute, htmx's hx-on (evaluated as script) or a
# javascript: URL: all inline script, which the policy refuses.
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\s(?:on[a-z]+|hx-on[^\s=]*)\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=6)


def runner_pages(plan: Plan) -> list[str]:
    return [
        "/",
        "/plans/week/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/weeks/1/",
        f"/plans/{plan.pk}/days/{START.isoformat()}/",
        f"/plans/{plan.pk}/changes/",
        f"/plans/{plan.pk}/print/",
        "/progress/",
        "/messages/",
        "/settings/",
        "/intake/",
    ]


def physio_pages(plan: Plan) -> list[str]:
    runner_id = plan.runner_id
    return [
        "/",
        "/patients/",
        f"/patients/{runner_id}/",
        "/patients/invitations/",
        f"/patients/{runner_id}/assign/",
        f"/patients/{runner_id}/plans/{plan.pk}/edit/",
        f"/patients/{runner_id}/plans/{plan.pk}/clearance/",
        "/templates/",
    ]


ANONYMOUS_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password-reset/",
    "/offline/",
    "/api/docs/",
]


def _get(client: Client, url: str) -> Any:
    with at(START):
        response = client.get(url, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _assert_no_inline_script(url: str, page: str) -> None:
    assert INLINE_SCRIPT.findall(page) == [], url
    assert EVENT_HANDLER.findall(page) == [], url
    assert SCRIPT_URL.findall(page) == [], url


def _assert_policies(url: str, response: Any) -> None:
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"], (url, policy)
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"], url


def test_a_runners_pages_allow_no_inline_script_and_are_never_stored(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    for url in runner_pages(plan):
        response = _get(client, url)
        _assert_no_inline_script(url, response.content.decode())
        _assert_policies(url, response)
        assert response["Cache-Control"] == NO_STORE, url


def test_a_physios_pages_allow_no_inline_script_and_are_never_stored(client: Client, plan: Plan, physio: User) -> None:
    client.force_login(physio)
    for url in physio_pages(plan):
        response = _get(client, url)
        _assert_no_inline_script(url, response.content.decode())
        _assert_policies(url, response)
        assert response["Cache-Control"] == NO_STORE, url


def test_public_pages_allow_no_inline_script(client: Client) -> None:
    for url in ANONYMOUS_PAGES:
        response = _get(client, url)
        _assert_no_inline_script(url, response.content.decode())
        _assert_policies(url, response)


def test_a_public_page_read_anonymously_is_not_marked_private(client: Client) -> None:
    assert not client.get("/").has_header("Cache-Control")


def test_the_api_docs_start_up_script_is_a_file_of_our_own(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()
    script_urls = [url.replace("&amp;", "&") for url in re.findall(r'<script src="([^"]+)"', page)]
    own = [url for url in script_urls if url.startswith("/api/docs/")]
    assert len(own) == 1
    script = client.get(own[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_personal_api_json_is_never_stored(runner: User, physio: User, plan: Plan) -> None:
    runner_api = client_for(runner)
    for url in ["/api/v1/logs/", "/api/v1/profile/", "/api/v1/plans/", "/api/v1/auth/tokens/"]:
        response = runner_api.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == NO_STORE, url
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response
    physio_response = client_for(physio).get("/api/v1/patients/")
    assert physio_response.status_code == 200
    assert physio_response["Cache-Control"] == NO_STORE


def test_the_etag_reads_keep_revalidating_with_no_shared_cache(runner: User, plan: Plan) -> None:
    api = client_for(runner)
    for url in [f"/api/v1/plans/{plan.pk}/", f"/api/v1/plans/{plan.pk}/weeks/1/"]:
        with at(START):
            first = api.get(url)
            assert first.status_code == 200, url
            assert first["Cache-Control"] == "private, no-cache", url
            again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again["Cache-Control"] == "private, no-cache", url


def test_the_service_worker_and_manifest_keep_their_own_caching(client: Client, runner: User) -> None:
    client.force_login(runner)
    assert client.get("/sw.js")["Cache-Control"] == "no-cache, max-age=0"
    assert client.get("/manifest.webmanifest")["Cache-Control"] == "public, max-age=3600"
