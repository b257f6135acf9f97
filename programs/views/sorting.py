"""Sortable table headers for the physio's tables: each header is a plain link (`?ordering=-last_pain`), so sorting
works without JavaScript, keeps the page's other choices (filters, the other table's order) and is done by the
server, within the page's query budget."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.http import QueryDict

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column:
    label: str
    key: str = ""  # "" : not sortable
    descending_first: bool = False  # pains, flags and days since read highest first


@dataclass(frozen=True)
class SortHeader:
    label: str
    url: str  # "" when the column is not sortable
    aria_sort: str  # "ascending", "descending" or "" (not sorted by this column)


def sort_headers(
    query: QueryDict, param: str, columns: Sequence[Column], *, current: str, anchor: str = ""
) -> list[SortHeader]:
    """One header per column: a link that sorts by it (the other way round when it is the current order)."""
    headers = []
    for column in columns:
        if not column.key:
            headers.append(SortHeader(column.label, "", ""))
            continue
        if current == column.key:
            state, chosen = "ascending", f"-{column.key}"
        elif current == f"-{column.key}":
            state, chosen = "descending", column.key
        else:
            state, chosen = "", f"-{column.key}" if column.descending_first else column.key
        wanted = query.copy()
        wanted[param] = chosen
        headers.append(SortHeader(column.label, f"?{wanted.urlencode()}{anchor}", state))
    return headers


def chosen_order(query: QueryDict, param: str, columns: Sequence[Column], default: str) -> str:
    """The order asked for when it names a sortable column, else the table's default (a stale link is no error)."""
    asked = query.get(param, "")
    keys = {c.key for c in columns if c.key}
    return asked if asked.lstrip("-") in keys else default


def sorted_by(rows: Sequence[Row], order: str, values: Mapping[str, Callable[[Row], Any]]) -> list[Row]:
    """Rows by `order` (a key of `values`, `-key` for descending); a missing value (None) sorts last either way, and
    rows that tie keep their order (newest first, as read)."""
    key = order.lstrip("-")
    value = values[key]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=order.startswith("-")) + missing
