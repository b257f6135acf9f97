"""Signing up from a browser in Australia/Sydney: the page's script reports the zone, the profile keeps it, Today shows
the date in Sydney and Settings the zone. The server's clock is the machine's own here, so the date is worked out
from it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import RunnerProfile, User
from tests.browser.conftest import demo_intake, plan_from

SYDNEY = "Australia/Sydney"
PASSWORD = "a long enough demo passphrase"


@pytest.fixture
def phone_timezone() -> str:
    return SYDNEY


def _short(date: dt.date) -> str:
    return f"{date:%a} {date.day} {date:%b}"


def test_signing_up_in_sydney_keeps_the_zone_and_today_is_sydneys_date(
    page: Page, sign_in: Callable[[User], None], live_server: LiveServer
) -> None:
    page.goto("/accounts/signup/")
    form = page.locator("main form")
    expect(form.locator('input[name="timezone"]')).to_have_value(SYDNEY)
    form.get_by_label("First name").fill("Sam")
    form.locator('input[type="email"]').fill("sydney.runner@example.test")
    form.locator('input[type="password"]').first.fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    runner = User.objects.get(email="sydney.runner@example.test")
    assert RunnerProfile.objects.get(user=runner).timezone == SYDNEY

    before = dt.datetime.now(ZoneInfo(SYDNEY)).date()
    plan_from(runner, demo_intake(), start=before)
    sign_in(runner)
    page.goto("/")
    after = dt.datetime.now(ZoneInfo(SYDNEY)).date()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("|".join(re.escape(_short(d)) for d in {before, after})))
    page.goto("/settings/")
    expect(page.locator('select[name="timezone"]')).to_have_value(SYDNEY)
