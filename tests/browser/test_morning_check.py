"""The morning check on a phone: next-morning pain rising three mornings in a row holds the load, running included."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from programs.models import DayLog, PlanWeek
from programs.selectors.today import runner_today
from programs.services.logs import day_log_record
from tests.browser.conftest import demo_intake, fill, plan_from


def test_rising_morning_pain_holds_running_and_the_pages_say_so(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    today = runner_today(runner)
    plan = plan_from(runner, demo_intake(), start=today - dt.timedelta(days=3))
    for days_ago, pain in ((2, 1), (1, 2)):
        day_log_record(runner=runner, date=today - dt.timedelta(days=days_ago), values={"next_morning_pain": pain})
    sign_in(runner)

    page.goto("/morning-check/")
    check = page.locator("#morning-check form[data-offline-queue]")
    fill(page, {"next_morning_pain": "3", "any_red_flags": "no"}, within="#morning-check form[data-offline-queue]")
    check.get_by_role("button", name="Save my morning check").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/$"))
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Thank you, your morning check is saved.")
    expect(messages).to_contain_text(re.compile(r"rising 3 mornings in a row", re.IGNORECASE))
    assert DayLog.objects.get(runner=runner, date=today).next_morning_pain == 3

    next_week = PlanWeek.objects.get(plan=plan, number=2)
    assert next_week.running_reason.startswith("Held at")
    page.goto(f"/plans/{plan.pk}/weeks/2/")
    expect(page.locator("#content")).to_contain_text(re.compile(r"Held at [\d.]+ km: next-morning pain"))
