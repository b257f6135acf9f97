"""Browser tests: Debian's chromium driven by Playwright's sync API against pytest-django's live server.

Every test here is marked `browser` (select with `-m browser`, leave out with `-m "not browser"`). The live server
needs a transactional database; `serialized_rollback` puts back the catalogue its migration loaded, which the
flush after each test would otherwise take from the tests that run next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.models import Plan, PlannedSession
from programs.selectors.today import runner_today
from programs.services.intakes import intake_record
from programs.services.plans import plan_create

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 640}
DEMO_INTAKE = Path(__file__).resolve().parents[2] / "programs" / "data" / "demo_intake.json"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/ensure-chromium.sh` (make test does).", pytrace=False)
    # Playwright's sync API keeps an event loop on the main thread; Django would take the test's own ORM calls
    # for calls from async code. Nothing here is async: the live server answers from its own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    serialized = {
        alias: connections[alias]._test_serialized_contents  # type: ignore[attr-defined]
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    driver = sync_playwright().start()
    # Django's connections are context-local and this thread gets a fresh context once Playwright has started, so
    # the connection objects from now on lack the test database's serialized data that serialized_rollback puts
    # back after each flush; without it the catalogue would be gone from the second browser test on.
    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def phone_size() -> dict[str, int]:
    """The viewport; a module that checks another phone overrides this fixture."""
    return PHONE


@pytest.fixture
def service_workers() -> str:
    """Blocked unless a module needs the worker (it overrides this): the worker's background fetches of the pages to
    keep offline would still be running on the live server when the test database is flushed."""
    return "block"


@pytest.fixture
def phone_timezone() -> str | None:
    """The phone's time zone (None: the machine's); a test module overrides it to be elsewhere."""
    return None


@pytest.fixture
def reduced_motion() -> str:
    """The phone's motion setting; a test that needs "reduce" parametrizes it."""
    return "no-preference"


@pytest.fixture
def context(
    browser: Browser,
    live_server: LiveServer,
    phone_size: dict[str, int],
    service_workers: str,
    phone_timezone: str | None,
    reduced_motion: str,
) -> Iterator[BrowserContext]:
    phone = browser.new_context(
        service_workers=service_workers,  # type: ignore[arg-type]
        viewport=phone_size,
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="en-GB",  # the app's language: dates in the browser's own inputs read day/month/year
        timezone_id=phone_timezone,
        reduced_motion=reduced_motion,  # type: ignore[arg-type]
    )
    phone.set_default_timeout(10_000)
    try:
        yield phone
    finally:
        # A page's own late requests (app.js asks for the offline page list after each load) end before the flush.
        for open_page in phone.pages:
            with contextlib.suppress(PlaywrightError):
                open_page.wait_for_load_state("networkidle", timeout=5_000)
        phone.close()
        if service_workers == "allow":
            time.sleep(1.0)  # a worker's fetch the server already took finishes; there is no request count to wait on


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def _add_session(context: BrowserContext, live_server: LiveServer, user: User) -> None:
    """Sign a browser context in as a user with a real session (the login form has tests of its own)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def sign_in(context: BrowserContext, live_server: LiveServer) -> Callable[[User], None]:
    """Sign the phone in as a user."""
    return lambda user: _add_session(context, live_server, user)


# A physio's laptop.
LAPTOP = {"width": 1280, "height": 800}


def _laptop_context(browser: Browser, live_server: LiveServer) -> BrowserContext:
    context = browser.new_context(service_workers="block", viewport=LAPTOP, base_url=live_server.url, locale="en-GB")  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def laptop(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = _laptop_context(browser, live_server)
    try:
        yield context
    finally:
        context.close()


def signed_in(context: BrowserContext, live_server: LiveServer, user: User) -> Page:
    """A new page of `context` with `user` signed in."""
    _add_session(context, live_server, user)
    return context.new_page()


@pytest.fixture
def open_as(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[User], Page]]:
    """A signed-in laptop page per user, each in its own browser context (as on two machines)."""
    contexts: list[BrowserContext] = []

    def page_of(user: User) -> Page:
        contexts.append(_laptop_context(browser, live_server))
        return signed_in(contexts[-1], live_server, user)

    try:
        yield page_of
    finally:
        for context in contexts:
            for open_page in context.pages:
                with contextlib.suppress(PlaywrightError):
                    open_page.wait_for_load_state("networkidle", timeout=5_000)
            context.close()


def demo_intake(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_INTAKE.read_text())
    data.update(changes)
    return data


def plan_with_strength_today(runner: User, *, days_back: int = 1, weeks: int = 4) -> Plan:
    """A plan whose strength session (with the Nordic hamstring curl) falls on the runner's today.

    Two training days three days apart, today one of them, so the session spread puts strength on both; the plan
    started `days_back` days ago (on a day with no session, so no morning check is due today)."""
    today = runner_today(runner)
    data = demo_intake(
        equipment=["mat", "band", "bike", "partner_or_anchor"],
        available_days=[WEEKDAYS[today.weekday()], WEEKDAYS[(today.weekday() + 3) % 7]],
    )
    plan = plan_from(runner, data, start=today - dt.timedelta(days=days_back), weeks=weeks)
    assert PlannedSession.objects.filter(plan=plan, date=today, kind="strength").exists()
    return plan


def plan_from(runner: User, data: Mapping[str, Any], *, start: dt.date, weeks: int = 4) -> Plan:
    serializer = IntakeSerializer(data=data, context={"start": start})
    assert serializer.is_valid(), serializer.errors
    intake = intake_record(runner=runner, data=serializer.data)
    return plan_create(intake=intake, start=start, weeks=weeks)


def _unfold(control: Locator) -> None:
    """Open each folded section around a control by tapping its summary, as a person would before answering."""
    while control.evaluate("el => !!el.closest('details:not([open])')"):
        control.locator("xpath=ancestor::details[not(@open)][last()]/summary").click()


def fill(page: Page, answers: Mapping[str, str | Sequence[str]], *, within: str = "form") -> None:
    """Answer form controls by name as a person would: type into text boxes, pick from lists, tick boxes."""
    form = page.locator(within)
    for name, value in answers.items():
        controls = form.locator(f'[name="{name}"]')
        first = controls.first
        _unfold(first)
        tag = first.evaluate("el => el.tagName.toLowerCase()")
        kind = (first.get_attribute("type") or "").lower()
        values = [value] if isinstance(value, str) else list(value)
        if tag == "select":
            first.select_option(values if first.get_attribute("multiple") is not None else values[0])
        elif kind in ("radio", "checkbox"):
            for index in range(controls.count()):
                box = controls.nth(index)
                wanted = box.get_attribute("value") in values
                if box.is_checked() != wanted:
                    box.set_checked(wanted)
        else:
            first.fill(values[0])
