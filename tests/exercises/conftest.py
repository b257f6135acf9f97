from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.catalogue import DEFAULT_CATALOGUE_PATH

_WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture(scope="session")
def _raw_file_data() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def raw_catalogue(_raw_file_data: dict[str, Any]) -> dict[str, Any]:
    """The shipped file as plain data, a fresh copy per test so tests can break it."""
    return copy.deepcopy(_raw_file_data)


def row(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(r for r in data["exercises"] if r["slug"] == slug)


@pytest.fixture
def write_catalogue(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / "catalogue.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@contextmanager
def capture_writes() -> Iterator[list[str]]:
    """Collects the INSERT/UPDATE/DELETE statements run inside the block (savepoints and SELECTs are ignored)."""
    writes: list[str] = []
    with CaptureQueriesContext(connection) as ctx:
        yield writes
    writes.extend(q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(_WRITES))


def db_snapshot() -> tuple[list[dict[str, Any]], list[tuple[int, int]], list[dict[str, Any]]]:
    from exercises.models import Equipment, Exercise

    through = Exercise.equipment.through
    return (
        list(Exercise.objects.order_by("slug").values()),
        list(through.objects.order_by("exercise_id", "equipment_id").values_list("exercise_id", "equipment_id")),
        list(Equipment.objects.order_by("slug").values()),
    )
