"""The fast PostgreSQL writes (COPY, UPDATE … FROM VALUES) store exactly what the ORM fallback stores."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F

from accounts.models import User
from programs.models import Plan, Prescription
from programs.services.bulk_writes import (
    PRESCRIPTION_COLUMNS,
    SESSION_COLUMNS,
    UPDATE_COLUMNS,
    prescriptions_insert,
    prescriptions_update,
    sessions_insert,
    sessions_warm_up_update,
)
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


def _plan(runner: User, data: dict[str, Any]) -> Plan:
    return create_plan(runner, data, weeks=3)


def _stored(plan: Plan) -> list[dict[str, Any]]:
    return list(Prescription.objects.filter(plan=plan).order_by("session__date", "session_id", "position").values())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")
def test_copy_and_bulk_create_store_the_same_rows(runner: User, intake_data: dict[str, Any]) -> None:
    plan = _plan(runner, intake_data)
    originals = _stored(plan)
    fields = [k for k in originals[0] if k != "id"]
    results = {}
    for fast in (True, False):
        Prescription.objects.filter(plan=plan).delete()
        prescriptions_insert([tuple(row[c] for c in PRESCRIPTION_COLUMNS) for row in originals], fast=fast)
        results[fast] = [{k: row[k] for k in fields} for row in _stored(plan)]
    assert results[True] == results[False] == [{k: row[k] for k in fields} for row in originals]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")
def test_one_update_from_values_and_grouped_orm_updates_store_the_same_rows(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data)
    rows = _stored(plan)
    bridge = next(r for r in rows if r["exercise_id"] != rows[0]["exercise_id"])
    new_values = [
        (
            {
                **{c: rows[0][c] for c in UPDATE_COLUMNS},
                "dose": {"sets": 4, "reps": [9, 8, 7, 6]},
                "reason": "Held: 'x'",
            },
            [r["id"] for r in rows[:3]],
        ),
        ({**{c: bridge[c] for c in UPDATE_COLUMNS}, "step": 3, "replaces": "nordic_curl"}, [rows[3]["id"]]),
    ]
    results = {}
    for fast in (True, False):
        Prescription.objects.filter(plan=plan).update(step=0)  # a known starting point for both paths
        prescriptions_update(new_values, fast=fast)
        results[fast] = _stored(plan)
    assert results[True] == results[False]
    assert results[True][0]["dose"] == {"sets": 4, "reps": [9, 8, 7, 6]} and results[True][0]["reason"] == "Held: 'x'"
    assert results[True][3]["replaces"] == "nordic_curl" and results[True][3]["exercise_id"] == bridge["exercise_id"]
    assert results[True][4:] == [{**row, "step": 0} for row in rows[4:]], "rows not named are untouched"


def test_every_prescription_belongs_to_its_sessions_plan(runner: User, intake_data: dict[str, Any]) -> None:
    plan = _plan(runner, intake_data)
    assert Prescription.objects.filter(plan=plan).exists()
    assert not Prescription.objects.exclude(plan_id=F("session__plan_id")).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")
def test_sessions_go_in_the_same_by_unnest_and_by_bulk_create(runner: User, intake_data: dict[str, Any]) -> None:
    from programs.models import PlannedSession

    plan = _plan(runner, intake_data)
    sessions = list(PlannedSession.objects.filter(plan=plan).order_by("date", "position").values())
    results = {}
    for fast in (True, False):
        PlannedSession.objects.filter(plan=plan).delete()
        ids = sessions_insert([tuple(row[c] for c in SESSION_COLUMNS) for row in sessions], fast=fast)
        stored = list(PlannedSession.objects.filter(plan=plan).order_by("date", "position").values())
        assert [row["id"] for row in stored] == sorted(ids), "ids come back in the order the rows went in"
        results[fast] = [{k: v for k, v in row.items() if k != "id"} for row in stored]
    assert results[True] == results[False] == [{k: v for k, v in row.items() if k != "id"} for row in sessions]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the fast path is PostgreSQL's")
def test_warm_ups_change_the_same_by_one_update_from_unnest_and_by_orm_updates(
    runner: User, intake_data: dict[str, Any]
) -> None:
    from programs.models import PlannedSession

    plan = _plan(runner, intake_data)
    ids = list(PlannedSession.objects.filter(plan=plan).order_by("date", "position").values_list("id", flat=True))
    changes = [(ids[0], "leg_swings"), (ids[1], "brisk_walk,leg_swings"), (ids[2], "leg_swings")]
    results = {}
    for fast in (True, False):
        PlannedSession.objects.filter(plan=plan).update(warm_up="")
        sessions_warm_up_update(changes, fast=fast)
        results[fast] = dict(PlannedSession.objects.filter(plan=plan).values_list("id", "warm_up"))
    assert results[True] == results[False]
    assert [results[True][i] for i in ids[:4]] == ["leg_swings", "brisk_walk,leg_swings", "leg_swings", ""]
