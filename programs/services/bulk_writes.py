"""The bulk writes that dominate creating and replanning a plan, fast on PostgreSQL.

A 26-week plan has ~350 prescriptions. Django's bulk_create prepares every field of every row in Python (~10 ms for a
12-week plan) and its bulk_update builds a CASE per row and field (~160 ms for 100 rows), which alone would break the
plan budgets (generate + persist ≤ 30 ms, a log with its replan ≤ 50 ms). On PostgreSQL new rows go in by COPY and
changed rows in one UPDATE … FROM (VALUES …); elsewhere (SQLite for a first run) the ORM does both. Both paths are
tested against each other. COPY does not pass Django's execute wrappers, so query counts do not include it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models

from programs.models import ITEM_COLUMNS, PlannedSession, Prescription

_INSERT_FIELDS = [f for f in Prescription._meta.concrete_fields if not f.primary_key]
_JSON = {f.attname for f in _INSERT_FIELDS if isinstance(f, models.JSONField)}
# The columns a replan may change, in the order the UPDATE lists them.
UPDATE_COLUMNS = ("exercise_id", *ITEM_COLUMNS)
# A new prescription's values, in this order: rows go in as plain tuples, since building a model instance per row
# costs more than the COPY itself on a long plan.
PRESCRIPTION_COLUMNS = ("session_id", "plan_id", "position", *UPDATE_COLUMNS, "overridden")
assert set(PRESCRIPTION_COLUMNS) == {f.attname for f in _INSERT_FIELDS}, "every stored column is given"
# A new session's values, in this order.
SESSION_COLUMNS = ("plan_id", "week_number", "date", "kind", "position", "warm_up")


def _fast(fast: bool | None) -> bool:
    return connection.vendor == "postgresql" if fast is None else fast


def prescriptions_insert(rows: Sequence[Sequence[Any]], *, fast: bool | None = None) -> None:
    """`rows`: the values of PRESCRIPTION_COLUMNS, in that order (JSON columns as Python values)."""
    if not rows:
        return
    if not _fast(fast):
        Prescription.objects.bulk_create(
            Prescription(**dict(zip(PRESCRIPTION_COLUMNS, row, strict=True))) for row in rows
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in PRESCRIPTION_COLUMNS)
    json_at = [i for i, c in enumerate(PRESCRIPTION_COLUMNS) if c in _JSON]
    dumped: dict[int, str] = {}  # a plan repeats a few doses hundreds of times, often the same dict: dumped once
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(Prescription._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = list(row)
            for i in json_at:
                text = dumped.get(id(values[i]))
                if text is None:
                    text = dumped[id(values[i])] = json.dumps(values[i])
                values[i] = text
            copy.write_row(values)


def sessions_insert(rows: Sequence[Sequence[Any]], *, fast: bool | None = None) -> list[int]:
    """Insert sessions (`rows`: the values of SESSION_COLUMNS, in that order) and return their ids, in order. On
    PostgreSQL one INSERT … SELECT FROM unnest(…) RETURNING id with a typed array per column (what bulk_create sends,
    without its per-field preparation in Python)."""
    if not rows:
        return []
    if not _fast(fast):
        created = PlannedSession.objects.bulk_create(
            PlannedSession(**dict(zip(SESSION_COLUMNS, row, strict=True))) for row in rows
        )
        return [row.pk for row in created]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(PlannedSession._meta.db_table)} ({', '.join(SESSION_COLUMNS)}) "  # noqa: S608
        "SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::date[], %s::varchar[], %s::smallint[], %s::text[]) "
        "RETURNING id"
    )
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        return [row_id for (row_id,) in cursor.fetchall()]


def prescriptions_update(changes: Sequence[tuple[dict[str, Any], Sequence[int]]], *, fast: bool | None = None) -> None:
    """`changes`: (the new values of UPDATE_COLUMNS, the ids of the rows that take them)."""
    if not changes:
        return
    if not _fast(fast):
        for values, ids in changes:
            Prescription.objects.filter(pk__in=ids).update(**values)
        return
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in _INSERT_FIELDS}
    ids = [row_id for _, row_ids in changes for row_id in row_ids]
    # One typed array per column (UPDATE … FROM unnest): the statement stays short however many rows change, so
    # the driver does not parse thousands of placeholders.
    arrays = [
        [json.dumps(values[c]) if c in _JSON else values[c] for values, row_ids in changes for _ in row_ids]
        for c in UPDATE_COLUMNS
    ]
    types = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in UPDATE_COLUMNS)
    assignments = ", ".join(f"{quote(c)} = v.{c}" for c in UPDATE_COLUMNS)
    # Only model metadata and placeholders are spliced in; every value goes as a parameter.
    sql = (
        f"UPDATE {quote(Prescription._meta.db_table)} AS p SET {assignments} "  # noqa: S608
        f"FROM unnest(%s::bigint[], {types}) AS v(id, {', '.join(UPDATE_COLUMNS)}) WHERE p.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, *arrays])


def sessions_warm_up_update(changes: Sequence[tuple[int, str]], *, fast: bool | None = None) -> None:
    """`changes`: (session id, its new warm-up text), written in one statement however many texts there are."""
    if not changes:
        return
    if not _fast(fast):
        by_text: dict[str, list[int]] = {}
        for session_id, text in changes:
            by_text.setdefault(text, []).append(session_id)
        for text, session_ids in by_text.items():
            PlannedSession.objects.filter(pk__in=session_ids).update(warm_up=text)
        return
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(PlannedSession._meta.db_table)} AS s SET warm_up = v.warm_up "  # noqa: S608
        "FROM unnest(%s::bigint[], %s::text[]) AS v(id, warm_up) WHERE s.id = v.id"
    )
    ids, texts = zip(*changes, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids), list(texts)])
