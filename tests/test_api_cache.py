"""The API's read cache on the real Redis (rehabplan/api_cache.py): an invalidation is made again when the write
commits, a committed value is not overwritten by an older read, and a Redis that is away costs a read nothing but a
warning a minute, and an invalidation a logged error after its retries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches

from rehabplan import api_cache

NOTHING_LISTENS = "redis://127.0.0.1:1/2"


@pytest.fixture
def cache_away(settings: Any) -> Iterator[None]:
    settings.CACHES = {**settings.CACHES, "api": {**settings.CACHES["api"], "LOCATION": NOTHING_LISTENS}}
    caches._settings = None  # type: ignore[attr-defined]  # read CACHES again
    caches.__init__()  # type: ignore[misc]
    yield
    caches.__init__()  # type: ignore[misc]
    api_cache.reset()


def test_the_test_runs_keys_are_their_own() -> None:
    assert caches["api"].key_prefix.startswith("tests-"), "a shared Redis database: never the production prefix"


@pytest.mark.django_db
def test_a_read_cached_during_the_write_is_forgotten_when_it_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    api_cache.put("k", "before")
    with django_capture_on_commit_callbacks(execute=True):
        api_cache.forget("k")
        assert api_cache.get("k") is None
        api_cache.add("k", "read before the commit")
    assert api_cache.get("k") is None


@pytest.mark.django_db
def test_the_committed_value_replaces_the_entry_and_an_older_read_cannot_overwrite_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    api_cache.put("k", "old")
    with django_capture_on_commit_callbacks(execute=True):
        api_cache.replace_on_commit(["k"], lambda: {"k": "committed"})
        assert api_cache.get("k") is None
        api_cache.add("k", "old, read before the commit")
    assert api_cache.get("k") == "committed"
    api_cache.add("k", "old, read before the commit and cached late")
    assert api_cache.get("k") == "committed"


@pytest.mark.django_db
def test_a_row_gone_at_the_commit_leaves_no_entry(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api_cache.replace_on_commit(["k"], lambda: {})
        api_cache.add("k", "read before the commit")
    assert api_cache.get("k") is None


def test_reads_with_redis_away_find_nothing_and_warn_once_a_minute(
    cache_away: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="rehabplan.api_cache"):
        for _ in range(3):
            assert api_cache.get("k") is None
            api_cache.put("k", "v")
            api_cache._state["skip_until"] = 0.0  # the skip is over: Redis is tried again, and is still away
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


@pytest.mark.django_db
def test_an_invalidation_that_cannot_reach_redis_is_retried_then_logged(
    cache_away: None, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="rehabplan.api_cache"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        api_cache.forget("k")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "could not forget" in errors[0].getMessage()


def test_one_redis_client_serves_every_call() -> None:
    """Django's RedisCache builds a client per call, which cost as much as the round trip (`ApiRedisCache`)."""
    backend = caches["api"]._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client(write=True) is backend.get_client("k")
    api_cache.put("k", "v")
    assert api_cache.get("k") == "v"
