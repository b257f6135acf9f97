"""Persona fixtures (docs/design.md §4): a runner, another runner, their physio, and a physio of another clinic."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections

from accounts.models import User
from rehabplan.celery import app as celery_app
from tests.api_cache import API_CACHE_PREFIX, api_cache_clear
from tests.factories.accounts import CareLinkFactory, PhysioFactory, RunnerFactory

DEMO_INTAKE = Path(__file__).resolve().parent.parent / "programs" / "data" / "demo_intake.json"

# "Now" for every test that runs in this process: the Saturday before tests.programs.plans.START. The clock ticks on
# from there, so timeouts still pass. Tests that need another moment travel from here.
PINNED_NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)
# Their server, browser or workers are other processes on the machine's own clock, which one process cannot move.
REAL_CLOCK_MARKERS = ("browser", "integration")
NOTHING_LISTENS_PORT = 1  # connection refused at once
# The cache's database on the local Redis (the broker uses 0): tests write only under a prefix of their own.
LOCAL_REDIS = "redis://127.0.0.1:6379/1"


def pytest_configure() -> None:
    """Passwords hash fast in tests: the production hasher's deliberate slowness is not what they test, and it cost
    about a second per user made. Nothing here compares a hash with one made by another process."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The API's read cache is a shared Redis database (other runs, other xdist workers): this run's keys are its own.
    settings.CACHES["api"]["KEY_PREFIX"] = API_CACHE_PREFIX


@pytest.fixture(autouse=True)
def pinned_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """No test depends on the machine's date: CI runs the suite a second time with the clock a year ahead."""
    if any(request.node.get_closest_marker(marker) for marker in REAL_CLOCK_MARKERS):
        yield
        return
    with time_machine.travel(PINNED_NOW, tick=True):
        yield


@pytest.fixture
def database_down(transactional_db: None) -> Iterator[None]:
    """PostgreSQL unreachable: the live connection points at a port where nothing listens (refused at once), then
    back. Only for transactional tests: a connection closed inside the usual per-test transaction could not roll
    it back."""
    connection = connections["default"]
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = NOTHING_LISTENS_PORT
    yield
    connection.close()
    connection.settings_dict["PORT"] = port


@pytest.fixture
def runner(db: None) -> User:
    return RunnerFactory(email="runner@example.test")


@pytest.fixture
def other_runner(db: None) -> User:
    return RunnerFactory(email="other.runner@example.test")


@pytest.fixture
def physio(runner: User) -> User:
    link = CareLinkFactory(runner=runner, physio=PhysioFactory(email="physio@example.test"))
    return link.physio


@pytest.fixture
def other_physio(db: None) -> User:
    return PhysioFactory(email="physio@other-clinic.test")


@pytest.fixture
def fresh_throttles() -> Iterator[None]:
    """Throttle counts live in the cache: a test that uses this starts with none and leaves none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def intake_data() -> dict[str, Any]:
    """A valid intake (docs/design.md §3): a runner with a gradual mid-thigh ache during long runs."""
    return copy.deepcopy(json.loads(DEMO_INTAKE.read_text()))


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """The e-mail limits and the throttles count in the cache: no test inherits another's counts."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def empty_api_cache() -> Iterator[None]:
    """No test reads what another left in the API's read cache."""
    api_cache_clear()
    yield
    api_cache_clear()


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    """The cache on the local Redis, as in production, under a prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LOCAL_REDIS,
            "KEY_PREFIX": prefix,
        },
        "api": settings.CACHES["api"],
    }
    caches._settings = None  # type: ignore[attr-defined]  # read CACHES again
    caches.__init__()  # type: ignore[misc]
    yield prefix
    server = redis.Redis.from_url(LOCAL_REDIS)
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    caches.__init__()  # type: ignore[misc]


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """A task's `delay` runs it at once in this process, as a worker would, with no broker in between."""
    conf = celery_app.conf
    before = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before
