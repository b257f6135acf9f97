"""The physio's pages at a laptop use its width, with tables whose headings break no word; on a phone each table row
is a card with its column names, and still no word is broken."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from programs.models import PlannedSession
from programs.selectors.today import runner_today
from programs.services.logs import day_log_record, session_log_record
from tests.browser.conftest import plan_with_strength_today, signed_in
from tests.factories.accounts import CareLinkFactory, PhysioFactory, RunnerFactory

PHONE_COLUMN = 640  # app.css's column (40rem), which a runner's pages keep

# Words (split at spaces and hyphens) whose letters sit on more than one line: a word broken inside.
BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const m of node.data.matchAll(/[^\\s\\-–]+/g)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""

# The lines a heading's text takes (its text's boxes, which sit on one line when their tops are within a few pixels).
TEXT_LINES = """(el) => {
  const tops = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects()) if (r.width > 0) tops.push(r.top);
  }
  tops.sort((a, b) => a - b);
  return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 4).length;
}"""


@pytest.fixture
def patient(db: None) -> tuple[User, User]:
    """A physio and their patient, who logged today's strength session and this morning's check."""
    physio = PhysioFactory(first_name="Pat", last_name="Lee")
    runner = RunnerFactory(first_name="Robin", last_name="Hale")
    CareLinkFactory(physio=physio, runner=runner)
    plan = plan_with_strength_today(runner, days_back=1)
    today = runner_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=today, kind="strength")
    entries = [
        {"prescription": p.pk, "pain_during": 2, "pain_after": 1, "rpe": 5, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries, notes="Felt fine")
    day_log_record(runner=runner, date=today, values={"next_morning_pain": 1, "stiffness": 2, "red_flags": []})
    return physio, runner


def _tables(page: Page) -> list[Any]:
    tables = page.locator("table.data-table")
    assert tables.count() >= 1
    return [tables.nth(i) for i in range(tables.count())]


def test_at_a_laptop_the_physio_pages_use_its_width_and_no_heading_breaks_a_word(
    laptop: BrowserContext, live_server: LiveServer, patient: tuple[User, User]
) -> None:
    physio, runner = patient
    page = signed_in(laptop, live_server, physio)
    for path, tables in (("/patients/", 1), (f"/patients/{runner.pk}/", 2)):
        page.goto(path)
        assert page.locator("main").evaluate("el => el.getBoundingClientRect().width") > PHONE_COLUMN + 200, path
        found = _tables(page)
        assert len(found) == tables, path
        for table in found:
            assert table.evaluate("el => getComputedStyle(el).display") == "table"
            assert table.evaluate("el => el.getBoundingClientRect().width") > PHONE_COLUMN, path
            headings = table.locator("thead th")
            assert headings.count() >= 6
            for i in range(headings.count()):
                heading = headings.nth(i)
                assert heading.evaluate("el => el.scrollWidth <= el.clientWidth"), heading.inner_text()
                assert heading.evaluate(BROKEN_WORDS) == [], heading.inner_text()
                assert heading.evaluate(TEXT_LINES) == 1, heading.inner_text()
    assert page.locator('th[aria-sort] a[href*="sort="]').count() >= 1  # the logs sort by their headings


def test_on_a_phone_the_tables_are_cards_with_their_column_names_and_no_word_broken(
    page: Page, sign_in: Callable[[User], None], patient: tuple[User, User]
) -> None:
    physio, runner = patient
    sign_in(physio)
    for path in ("/patients/", f"/patients/{runner.pk}/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        for table in _tables(page):
            assert table.locator("tbody tr").first.evaluate("el => getComputedStyle(el).display") == "block"
            assert table.locator("thead").evaluate("el => el.getBoundingClientRect().height") <= 1
            cell = table.locator("tbody td").first
            label = cell.get_attribute("data-label")
            assert label and cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{label}"'
            assert table.evaluate(BROKEN_WORDS) == [], path
