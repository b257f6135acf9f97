"""API clients for the personas (tests/conftest.py): each authenticated the way a real client is, by token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create
from programs.models import Plan
from tests.programs.plans import create_plan


def client_for(user: User | None) -> APIClient:
    """A client sending `Authorization: Bearer <key>` for the user (anonymous for None)."""
    client = APIClient()
    if user is not None:
        _token, key = api_token_create(user=user, name="tests")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api_client_for(db: None) -> Callable[[User | None], APIClient]:
    return client_for


@pytest.fixture
def anon_api(db: None) -> APIClient:
    return APIClient()


@pytest.fixture
def runner_api(runner: User) -> APIClient:
    return client_for(runner)


@pytest.fixture
def other_runner_api(other_runner: User) -> APIClient:
    return client_for(other_runner)


@pytest.fixture
def physio_api(physio: User) -> APIClient:
    return client_for(physio)


@pytest.fixture
def other_physio_api(other_physio: User) -> APIClient:
    return client_for(other_physio)


@pytest.fixture
def runner_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    """The runner's active 6-week plan from the demo intake, starting on tests.programs.plans.START (a Monday)."""
    return create_plan(runner, intake_data, weeks=6)
