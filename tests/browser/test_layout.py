"""Every runner page at 360 × 640: nothing scrolls sideways and every control is at least 44 px high to tap."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page

from accounts.models import User
from tests.browser.conftest import SMALL_PHONE, fill, plan_with_strength_today
from tests.browser.test_intake import ANSWERS
from tests.factories.accounts import RunnerFactory

MIN_TAP = 44

# A tick box or radio button is tapped through the label around it, so the label is what is measured.
CONTROLS_TOO_SMALL = """(minimum) => {
  const small = [];
  for (const el of document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary'
  )) {
    const target = ['checkbox', 'radio'].includes(el.type) && el.closest('label') ? el.closest('label') : el;
    const box = target.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(target).visibility === 'hidden') continue;
    if (box.right <= 0 || box.bottom + window.scrollY <= 0) continue;  // parked off-screen, like the skip link
    if (box.height < minimum) {
      const name = (el.getAttribute('aria-label') || el.innerText || el.name || el.value || '').trim();
      small.push(`${el.tagName.toLowerCase()} "${name.replace(/\\s+/g, ' ').slice(0, 50)}": ${Math.round(box.height)} px`);
    }
  }
  return small;
}"""


@pytest.fixture
def phone_size() -> dict[str, int]:
    return SMALL_PHONE


# A tab whose label breaks over two lines ("Progres / s") is measured by its text's height against one line's.
TABS_ON_TWO_LINES = """() => [...document.querySelectorAll('nav.tabs a')].filter((tab) => {
  const range = document.createRange();
  range.selectNodeContents(tab);
  return range.getClientRects().length > 1 || tab.scrollWidth > tab.clientWidth;
}).map((tab) => tab.innerText.replace(/\\s+/g, ' ').trim())"""


def _problems(page: Page, url: str) -> list[str]:
    page.goto(url)
    problems = []
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width > inner_width:
        problems.append(f"{url}: scrolls sideways ({scroll_width} px wide in {inner_width} px)")
    problems += [f"{url}: {small}" for small in page.evaluate(CONTROLS_TOO_SMALL, MIN_TAP)]
    problems += [f"{url}: the tab {tab!r} does not fit on one line" for tab in page.evaluate(TABS_ON_TWO_LINES)]
    return problems


@pytest.mark.parametrize(
    "name",
    [
        "programs:home",
        "programs:plan-week",
        "programs:current-week",
        "programs:progress",
        "programs:runner-messages",
        "programs:settings",
    ],
)
def test_runner_pages_fit_a_small_phone(page: Page, sign_in: Callable[[User], None], runner: User, name: str) -> None:
    plan = plan_with_strength_today(runner)
    try:
        url = reverse(name, args=(plan.pk, 1) if name == "programs:plan-week" else ())
    except NoReverseMatch:
        pytest.fail(f"the page {name!r} is not there yet", pytrace=False)
    sign_in(runner)
    problems = _problems(page, url)
    assert not problems, "\n".join(problems)


def test_every_intake_step_fits_a_small_phone(page: Page, sign_in: Callable[[User], None]) -> None:
    sign_in(RunnerFactory(email="new.runner@example.test"))
    problems = []
    for slug, answers in ANSWERS.items():
        url = reverse("programs:intake-step", args=(slug,))
        problems += _problems(page, url)
        form = page.locator("form.wizard-form")
        fill(page, {name: value for name, value in answers.items() if form.locator(f'[name="{name}"]').count()})
        form.locator('button[name="nav"][value="next"]').click()
        page.wait_for_load_state()
    assert not problems, "\n".join(problems)
