"""`/healthz` says the process serves requests whatever PostgreSQL and Redis do; `/readyz` answers 503 while either
cannot be reached, so a load balancer sends traffic elsewhere, and 200 once both answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import NOTHING_LISTENS_PORT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{NOTHING_LISTENS_PORT}/0"


def test_ready_when_postgresql_and_redis_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "redis": "ok"}


def test_not_ready_while_postgresql_is_down(client: Client, database_down: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "redis": "ok"}
    assert int(response["Retry-After"]) > 0


def test_not_ready_while_redis_is_down(client: Client, redis_down: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unreachable"}


def test_liveness_stays_200_while_both_are_down(client: Client, database_down: None, redis_down: None) -> None:
    assert client.get("/healthz").status_code == 200
