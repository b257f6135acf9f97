"""The readiness check for a load balancer.

`/healthz` (rehabplan/urls.py) is the liveness check: 200 whenever the process serves requests, whatever PostgreSQL
and Redis do, since restarting the web processes would bring neither back. `/readyz` answers 503 while PostgreSQL or
Redis cannot be reached, so a load balancer sends traffic elsewhere; it reads nothing of anyone's and needs no login.
"""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

# Short: a readiness probe that waits longer than the balancer's own timeout tells it nothing.
PROBE_TIMEOUT_SECONDS = 2


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_answers(), "redis": _redis_answers()}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable"} | {
        name: "ok" if ok else "unreachable" for name, ok in checks.items()
    }
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _redis_answers() -> bool:
    """The broker: reminders and plan updates wait on it (the cache, when it is Redis, is the same server)."""
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


urlpatterns = [path("readyz", readyz, name="readyz")]
