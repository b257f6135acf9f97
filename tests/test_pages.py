from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User


@pytest.mark.django_db
def test_anonymous_home_page_explains_the_product_and_links_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"Hamstring rehab" in response.content
    assert b'href="/accounts/login/"' in response.content


@pytest.mark.django_db
def test_login_with_email_then_the_runner_sees_the_safety_list(client: Client, runner: User) -> None:
    response = client.post("/accounts/login/", {"username": runner.email, "password": "correct horse battery staple"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "When to stop and see someone" in page
    assert "does not diagnose" in page


@pytest.mark.django_db
def test_a_wrong_password_gets_a_form_error_not_a_500(client: Client, runner: User) -> None:
    response = client.post("/accounts/login/", {"username": runner.email, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content


def test_healthz(client: Client) -> None:
    assert client.get("/healthz").content == b"ok"
