"""Persona fixtures (docs/design.md §4): a runner, another runner, their physio, and a physio of another clinic."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import User
from tests.factories import CareLinkFactory, PhysioFactory, RunnerFactory

DEMO_INTAKE = Path(__file__).resolve().parent.parent / "programs" / "data" / "demo_intake.json"


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
