"""The printable plan on a small phone: what the runner sees before printing fits the screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User
from tests.browser.conftest import SMALL_PHONE, plan_with_strength_today


@pytest.fixture
def phone_size() -> dict[str, int]:
    return {**SMALL_PHONE, "width": 360}


def test_the_print_page_does_not_scroll_sideways_at_360_px(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    sign_in(runner)
    page.goto(reverse("programs:plan-print", args=[plan.pk]))
    assert page.locator(".print-log").count() > 0
    # A phone widens its layout to content that overflows (innerWidth follows), so the screen's own width is the bar.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{width} px wide on a 360 px screen"
