"""Reading the ids and links that plan reads add to the plan JSON (programs/selectors/plan_json.py), for the API tests."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

SESSION_LINKS = ("id", "log_url")
ITEM_LINKS = ("id", "url")


def days_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The days of a plan (its `weeks`), a week (its `days`) or one day."""
    if "weeks" in body:
        return [day for week in body["weeks"] for day in week["days"]]
    if "days" in body:
        return list(body["days"])
    return [body]


def sessions_of(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for day in days_of(body):
        yield from day["sessions"]


def without_links(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the pure plan JSON of the contract has it: no row ids, no links."""
    pure = copy.deepcopy(body)
    for session in sessions_of(pure):
        for key in SESSION_LINKS:
            del session[key]
        for item in session["items"]:
            for key in ITEM_LINKS:
                del item[key]
    return pure
