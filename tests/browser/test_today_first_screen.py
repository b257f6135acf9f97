"""Today's first screen on a 390 × 844 phone, the morning after a session day of a 26-week plan: the compact morning
check first, then the first session folded to its doses, one tap from its log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from programs.models import PlannedSession
from programs.selectors.today import runner_today
from tests.browser.conftest import PHONE, WEEKDAYS, demo_intake, plan_from


def _bottom(element: Locator) -> float:
    box = element.bounding_box()
    assert box is not None, "the element is shown"
    return box["y"] + box["height"]


def test_the_first_screen_shows_the_morning_check_and_the_first_sessions_doses(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    today = runner_today(runner)
    days = [WEEKDAYS[(today.weekday() + offset) % 7] for offset in (-1, 0, 3)]
    data = demo_intake(equipment=["mat", "band", "bike", "partner_or_anchor"], available_days=days)
    plan = plan_from(runner, data, start=today - dt.timedelta(days=8), weeks=26)
    assert PlannedSession.objects.filter(plan=plan, date=today - dt.timedelta(days=1)).exclude(kind="rest").exists()
    first = PlannedSession.objects.filter(plan=plan, date=today).exclude(kind="rest").order_by("position").first()
    assert first is not None
    sign_in(runner)
    page.goto("/")

    check = page.locator("#morning-check")
    expect(check).to_contain_text("You trained yesterday")
    expect(check.get_by_label("Pain (0–10)")).to_be_visible()
    expect(check.get_by_text("A change in bladder or bowel control")).to_be_hidden()  # folded behind "Anything new?"
    card = page.locator(f"#session-{first.pk}")
    doses = card.locator(".doses li")
    expect(doses.first).to_be_visible()
    expect(card.locator("form")).to_be_hidden()
    assert _bottom(check) < _bottom(card.locator("h2")), "the morning check comes first"
    tabs = page.locator("nav.tabs").bounding_box()
    screen = min(PHONE["height"], tabs["y"] if tabs is not None else PHONE["height"])  # above the bottom tabs
    for element in (check.get_by_role("button", name="Save my morning check"), doses.last):
        assert _bottom(element) <= screen, "on the first screen"

    check.get_by_text("The list: what counts as new").click()
    expect(check.get_by_text("A change in bladder or bowel control")).to_be_visible()

    card.locator("summary", has_text="Log").first.click()
    expect(card.locator("form[data-offline-queue]")).to_be_visible()
