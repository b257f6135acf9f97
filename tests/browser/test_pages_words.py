"""The words a runner and a visitor read on a phone: "Why?" in plain language with the full citations one tap further
for a physio only, and a made-up address answered by the site's own page with a way home."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from accounts.models import User
from programs.selectors.today import runner_today
from tests.browser.conftest import plan_with_strength_today
from tests.factories.accounts import CareLinkFactory, PhysioFactory

CODES = ("seed", "§", "PMC", "house choice")


def test_why_reads_in_plain_words_and_only_a_physio_sees_the_full_citations(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    physio = PhysioFactory()
    CareLinkFactory(physio=physio, runner=runner)
    plan = plan_with_strength_today(runner)
    day_url = f"/plans/{plan.pk}/days/{runner_today(runner).isoformat()}/"

    sign_in(runner)
    page.goto(day_url)
    why = page.locator("details.sources")
    assert why.count() >= 1
    why.first.locator("summary").click()
    assert why.first.locator("li").first.is_visible()
    words = " ".join(why.nth(i).inner_text() for i in range(why.count()))
    for code in CODES:
        assert code.lower() not in words.lower(), code
    assert page.get_by_text("Full citations").count() == 0

    page.context.clear_cookies()
    sign_in(physio)
    page.goto(day_url)
    citations = page.locator("details.sources details", has_text="Full citations")
    assert citations.count() >= 1
    page.locator("details.sources > summary").first.click()
    citations.first.locator("summary").click()
    assert citations.first.locator("li").first.is_visible()


def test_a_made_up_address_shows_the_sites_own_not_found_page_with_a_way_home(page: Page) -> None:
    response = page.goto("/no-such-page/anywhere/")

    assert response is not None and response.status == 404
    assert page.locator('meta[name="viewport"]').count() == 1
    assert page.get_by_role("heading", name="Page not found").is_visible()
    home = page.locator('main a[href="/"]')
    assert home.count() >= 1 and home.first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
