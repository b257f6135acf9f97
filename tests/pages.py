"""Helpers for page tests: a fixed "now", and a page's text as a reader sees it."""

from __future__ import annotations

import datetime as dt
import html
import re

import time_machine


def at(date: dt.date, hour: int = 9) -> time_machine.travel:
    """The clock stopped at `hour` UTC on `date` (the test runners' time zone is UTC)."""
    return time_machine.travel(dt.datetime(date.year, date.month, date.day, hour, tzinfo=dt.UTC), tick=False)


def main_text(content: bytes) -> str:
    """The visible text of a page's <main>: tags dropped, entities decoded, whitespace collapsed."""
    page = content.decode()
    page = page[page.find("<main>") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()
