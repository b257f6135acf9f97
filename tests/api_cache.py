"""The API's read cache in tests: a shared Redis database (other runs, other xdist workers, other people), so this
run's keys carry a prefix of their own (tests/conftest.py sets it) and only they are ever deleted."""

from __future__ import annotations

import functools
import os
import secrets

import redis
from django.conf import settings
from redis.exceptions import RedisError

from rehabplan import api_cache

API_CACHE_PREFIX = f"tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{secrets.token_hex(4)}"


@functools.cache
def _client() -> redis.Redis:
    # Its own client on API_CACHE_URL: a test may point CACHES elsewhere, and this run's keys are still there.
    return redis.Redis.from_url(settings.API_CACHE_URL, socket_connect_timeout=1, socket_timeout=1)


def api_cache_clear() -> None:
    """Delete this run's keys and only those: Django's RedisCache.clear() is a FLUSHDB of the shared database."""
    api_cache.reset()
    try:
        keys = list(_client().scan_iter(match=f"{API_CACHE_PREFIX}:*", count=1000))
        if keys:
            _client().delete(*keys)
    except RedisError:  # Redis away: nothing of this run can be there to delete
        pass
