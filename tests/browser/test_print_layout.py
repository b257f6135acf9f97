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
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{widths[0]} px wide in {widths[1]} px"
