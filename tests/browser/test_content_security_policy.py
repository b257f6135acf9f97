"""The Content-Security-Policy breaks nothing: the main pages load in chromium with no violation reported, htmx and
our scripts run, the server-drawn charts keep their styles and the API docs start up from their own script file."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import ConsoleMessage, Page, expect

from accounts.models import User
from tests.browser.conftest import plan_with_strength_today
from tests.factories.accounts import CareLinkFactory, PhysioFactory, RunnerFactory


def _watch_violations(page: Page) -> list[str]:
    """chromium reports every refused script, style or request as a console error naming the policy."""
    violations: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    return violations


def test_a_runners_pages_and_a_physios_load_with_no_violation(page: Page, sign_in: Callable[[User], None]) -> None:
    runner = RunnerFactory()
    plan = plan_with_strength_today(runner)
    violations = _watch_violations(page)
    sign_in(runner)
    for url in ["/", "/plans/week/", f"/plans/{plan.pk}/print/", "/progress/", "/settings/", "/messages/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # Our script files ran (the print page has only its own); htmx is there on the pages that swap parts in place.
        if not url.endswith("/print/"):
            assert page.evaluate("typeof idbKeyval") == "object", url
        if url == "/settings/":
            assert page.evaluate("typeof htmx") == "object"
    page.goto("/progress/")
    # A chart's background is white from the chart's own inline <style>: a refused style would leave it black.
    background = page.locator("svg.chart rect.background").first.evaluate("el => getComputedStyle(el).fill")
    assert background == "rgb(255, 255, 255)", background

    physio = PhysioFactory()
    CareLinkFactory(runner=runner, physio=physio)
    page.context.clear_cookies()
    sign_in(physio)
    for url in ["/patients/", f"/patients/{runner.pk}/", f"/patients/{runner.pk}/assign/"]:
        page.goto(url)
        page.wait_for_load_state("load")
    assert violations == []


def test_the_api_docs_start_up_under_the_policy(page: Page) -> None:
    violations = _watch_violations(page)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("RehabPlan API")
    assert violations == []
