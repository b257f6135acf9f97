"""The 404, 403 and 500 pages: RehabPlan's layout with the phone viewport and a way home, never Django's bare ones."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.views import defaults

from accounts.models import User

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


@pytest.mark.django_db
def test_a_missing_page_is_styled_with_a_way_home(client: Client) -> None:
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert VIEWPORT in page and "app.css" in page and "Page not found" in page
    assert 'href="/"' in page and "Go to the start page" in page


@pytest.mark.django_db
def test_a_signed_in_runner_keeps_their_tabs_on_a_missing_page(client: Client, runner: User) -> None:
    client.force_login(runner)
    page = client.get("/no-such-page/").content.decode()
    assert 'aria-label="Main"' in page and "Log out" in page


@pytest.mark.django_db
def test_a_refused_page_is_styled_with_a_way_home(rf: RequestFactory, runner: User) -> None:
    request = rf.get("/somewhere/")
    request.user = runner
    response = defaults.permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert VIEWPORT in page and "Not allowed" in page and "Go to the start page" in page


def test_the_error_page_renders_without_a_request_or_a_database() -> None:
    # Django renders 500.html with an empty context; it must not need a user, a menu or the database.
    page = render_to_string("500.html")
    assert VIEWPORT in page and "Something went wrong" in page and 'href="/"' in page
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and b"Something went wrong" in response.content
