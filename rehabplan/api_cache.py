"""The API's read cache (CACHES["api"], Redis): copies of what the hot plan reads need, so a warm read asks the
database nothing. docs/design.md "The API's read cache" says what is kept and how it is invalidated.

Every key is named here. The database stays the truth: an entry is either keyed by what makes it valid (a rendered
body names the plan's revision) or expires after API_CACHE_ACCESS_SECONDS (a token, a physio's patients, a plan's
facts), and the one write path removes or replaces it when its transaction commits.

Redis away: a read that cannot reach it answers from the database, and the reads skip the cache for SKIP_SECONDS so
a dead Redis costs one timeout, not one per request; one warning a minute says so. An invalidation is tried again
before it is given up (logged as an error); the entries that grant access expire soon after anyway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SKIP_SECONDS = 5.0
WARN_EVERY_SECONDS = 60.0
INVALIDATION_TRIES = 3

_state = {"skip_until": 0.0, "warned_at": -WARN_EVERY_SECONDS}


class _OneClientPerPool(RedisCacheClient):
    """Django's client builds a new redis.Redis for every call, its table of reply parsers with it (about 0.2 ms,
    as long as the round trip itself); the client is thread-safe, so one per connection pool serves every call."""

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._one_server = len(servers) == 1  # reads and writes then share its one pool
        self._one_client: Any = None

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        if not self._one_server:
            return super().get_client(key, write=write)
        if self._one_client is None:
            self._one_client = super().get_client(key, write=True)
        return self._one_client


class ApiRedisCache(RedisCache):
    """Django's RedisCache, with one client per process (`_OneClientPerPool`): the backend of CACHES["api"]."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool


def token_key(digest: str) -> str:
    return f"token:{digest}"


def patients_key(physio_id: int) -> str:
    return f"patients:{physio_id}"


def plan_key(plan_id: int) -> str:
    return f"plan:{plan_id}"


def body_key(
    plan_id: int, revision: int, resource: str, key: object, units: str | None, viewer: str, version: int
) -> str:
    return f"body:{plan_id}:{revision}:{resource}:{key}:{units}:{viewer}:v{version}"


def access_seconds() -> int:
    return int(settings.API_CACHE_ACCESS_SECONDS)


def reset() -> None:
    """Forget that Redis was away (the tests, which point the cache elsewhere and back)."""
    _state["skip_until"] = 0.0
    _state["warned_at"] = -WARN_EVERY_SECONDS


def _unreachable(error: RedisError) -> None:
    now = time.monotonic()
    _state["skip_until"] = now + SKIP_SECONDS
    if now - _state["warned_at"] >= WARN_EVERY_SECONDS:
        _state["warned_at"] = now
        logger.warning("The API cache (Redis) cannot be reached; the API reads from the database: %s", error)


def _skipping() -> bool:
    return time.monotonic() < _state["skip_until"]


def _call(operation: Callable[[Any], Any]) -> Any:
    if _skipping():
        return None
    try:
        return operation(caches["api"])
    except RedisError as error:
        _unreachable(error)
        return None


def get(key: str) -> Any:
    """The cached value, or None when there is none or Redis is away."""
    return _call(lambda cache: cache.get(key))


def get_many(keys: list[str]) -> dict[str, Any]:
    return _call(lambda cache: cache.get_many(keys)) or {}


def add(key: str, value: Any, timeout: int | None = None) -> None:
    """Keep a value read from the database unless the key is already there: a write that committed meanwhile has put
    the newer value there (`replace_on_commit`), and an older read must not overwrite it."""
    _call(lambda cache: cache.add(key, value, timeout if timeout is not None else caches["api"].default_timeout))


def put(key: str, value: Any, timeout: int | None = None) -> None:
    _call(lambda cache: cache.set(key, value, timeout if timeout is not None else caches["api"].default_timeout))


def _retried(operation: Callable[[Any], Any], what: str, *, immediate: bool = False) -> None:
    """An invalidation: tried INVALIDATION_TRIES times, then logged as an error. `immediate` (the try made inside the
    write's transaction, which the one on commit repeats) is tried once, and not at all while Redis is known to be
    away, so a write waits for Redis only after its commit."""
    if immediate and _skipping():
        return
    tries = 1 if immediate else INVALIDATION_TRIES
    for attempt in range(tries):
        try:
            operation(caches["api"])
            return
        except RedisError as error:
            if attempt == tries - 1:
                _unreachable(error)
                if not immediate:
                    logger.error("The API cache could not %s; it expires on its own: %s", what, error)
                return
            time.sleep(0.05 * (attempt + 1))


def forget(*keys: str) -> None:
    """Remove the entries now and again when the transaction commits: a read between the two that saw the rows as
    they were before the commit may have cached them again."""
    if not keys:
        return
    names = list(keys)
    _retried(lambda cache: cache.delete_many(names), f"forget {names}", immediate=True)
    transaction.on_commit(lambda: _retried(lambda cache: cache.delete_many(names), f"forget {names}"), robust=True)


def replace_on_commit(keys: list[str], fresh: Callable[[], dict[str, Any]], timeout: int | None = None) -> None:
    """Remove the entries now; once the transaction commits, put the database's new values there (`fresh()`, by key;
    a key it leaves out, its row gone, stays removed), so a read that started before the commit cannot leave an old
    value behind (reads `add`). One read of the database for all the keys."""
    if not keys:
        return
    _retried(lambda cache: cache.delete_many(keys), f"forget {keys}", immediate=True)

    def replace() -> None:
        values = fresh()
        gone = [key for key in keys if key not in values]
        if values:
            _retried(lambda cache: cache.set_many(values, timeout), f"replace {list(values)}")
        if gone:
            _retried(lambda cache: cache.delete_many(gone), f"forget {gone}")

    transaction.on_commit(replace, robust=True)
