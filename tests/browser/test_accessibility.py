"""axe-core on every main page, for a runner, a physio and a visitor, on a phone and on a laptop: no violation of any
impact (axe's own rule set, as Lighthouse runs it)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # ships no types
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User
from programs.selectors.today import runner_today
from tests.browser.conftest import LAPTOP, PHONE, plan_with_strength_today

AXE = Axe()


@pytest.fixture(params=[PHONE, LAPTOP], ids=["phone", "laptop"])
def phone_size(request: pytest.FixtureRequest) -> dict[str, int]:
    return dict(request.param)


NOT_FOUND = "/no-such-page/"


def _violations(page: Page, urls: list[str]) -> list[str]:
    """Each violation as 'url: rule (impact): the first element it names', for every page in turn."""
    found = []
    for url in urls:
        response = page.goto(url)
        assert response is not None and (response.ok or url == NOT_FOUND), f"{url}: {response and response.status}"
        for violation in AXE.run(page).response["violations"]:
            targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
            found.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def test_a_runners_pages_have_no_axe_violation(page: Page, sign_in: Callable[[User], None], runner: User) -> None:
    plan = plan_with_strength_today(runner)
    sign_in(runner)
    urls = [
        reverse("programs:home"),
        reverse("programs:current-week"),
        reverse("programs:plan-day", args=[plan.pk, runner_today(runner)]),
        reverse("programs:progress"),
        reverse("programs:settings"),
        reverse("programs:intake-start"),
        reverse("programs:plan-detail", args=[plan.pk]),
        reverse("programs:plan-changes", args=[plan.pk]),
        reverse("programs:plan-print", args=[plan.pk]),
        reverse("programs:runner-messages"),
        reverse("accounts:access-log"),
        reverse("accounts:password_change"),
    ]
    found = _violations(page, urls)
    assert not found, "\n".join(found)


def test_a_physios_pages_have_no_axe_violation(
    page: Page, sign_in: Callable[[User], None], runner: User, physio: User
) -> None:
    plan = plan_with_strength_today(runner)
    sign_in(physio)
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    urls = [
        reverse("programs:patients"),
        reverse("programs:patient-detail", args=[runner.pk]),
        reverse("programs:program-edit", args=[runner.pk, plan.pk]),
        reverse("programs:program-assign", args=[runner.pk]),
        reverse("programs:plan-detail", args=[plan.pk]),
        reverse("programs:invitation-list"),
        reverse("programs:template-list"),
    ]
    found = _violations(page, urls)
    assert not found, "\n".join(found)
    assert not console_errors  # a physio's page asks for no runner-only resource (the offline page list)


def test_a_visitors_pages_have_no_axe_violation(page: Page) -> None:
    urls = [
        reverse("programs:home"),
        reverse("accounts:login"),
        reverse("accounts:signup"),
        reverse("accounts:password_reset"),
        NOT_FOUND,
    ]
    found = _violations(page, urls)
    assert not found, "\n".join(found)
