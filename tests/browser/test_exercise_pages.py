"""The exercise pages in a browser: no axe violation, the moving picture and its two still positions drawn, and
nothing the Content-Security-Policy refuses (the picture's own animation styles are inline)."""

from __future__ import annotations

from collections.abc import Callable

from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # ships no types
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User

AXE = Axe()


def test_the_exercise_pages_have_no_axe_violation_and_draw_the_picture(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    sign_in(runner)
    console_errors: list[str] = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    found = []
    for url in (reverse("exercises:list"), reverse("exercises:detail", args=["nordic_curl"])):
        response = page.goto(url)
        assert response is not None and response.ok, url
        for violation in AXE.run(page).response["violations"]:
            found.append(f"{url}: {violation['id']} ({violation['impact']}): {violation['help']}")
    assert not found, "\n".join(found)
    pictures = page.locator("figure.illustration svg[role=img]")
    assert pictures.count() == 3
    for index in range(3):
        box = pictures.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 60
    animated = page.evaluate(
        "() => [...document.querySelectorAll('figure.illustration svg g[class]')]"
        ".some((g) => getComputedStyle(g).animationName !== 'none')"
    )
    assert animated  # the moving figure's inline styles apply under the page's policy
    assert not console_errors
