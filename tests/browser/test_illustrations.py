"""The exercises' drawings on a phone: one per exercise of Today's open session, moving unless the phone asks for
less motion, never wider than the card; and the plan's PDF draws each exercise's start and end positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.pictures import picture
from programs.models import Plan, PlannedSession
from programs.selectors import plans as selectors
from programs.selectors.today import runner_today
from tests.browser.conftest import plan_with_strength_today, signed_in
from tests.programs.pictures import DRAWN, floor_colour, pdf_strokes, svg_of

# Whether a drawing's parts are moving: their computed animation, and the running animations of the document.
MOTION = """svg => ({
  names: Array.from(svg.querySelectorAll('g')).map(g => getComputedStyle(g).animationName),
  running: svg.getAnimations({subtree: true}).filter(a => a.playState === 'running').length,
})"""


def _slug_of(name: str) -> str:
    return next(spec.slug for spec in load_catalogue_file().exercises if spec.name == name)


def _open_session(page: Page, runner: User) -> tuple[Locator, PlannedSession]:
    plan = plan_with_strength_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    page.goto("/")
    card = page.locator(f"#session-{session.pk}")
    card.locator("summary", has_text="Log this session").click()
    return card, session


def _drawing(card: Locator, slug: str) -> Locator:
    name = next(spec.name for spec in load_catalogue_file().exercises if spec.slug == slug)
    section = card.locator("section.exercise").filter(has=card.page.get_by_role("heading", name=name, exact=True))
    return section.locator("figure.illustration svg[role=img]")


def test_each_exercise_of_the_open_session_shows_its_moving_drawing_within_the_card(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    sign_in(runner)
    card, session = _open_session(page, runner)
    sections = card.locator("section.exercise")
    expect(sections).to_have_count(session.prescriptions.count())
    slugs = [_slug_of(sections.nth(i).locator("h3").inner_text()) for i in range(sections.count())]
    assert DRAWN in slugs
    card_box = card.bounding_box()
    assert card_box is not None
    for index, slug in enumerate(slugs):
        section = sections.nth(index)
        drawn = picture(slug)
        if drawn is None:
            expect(section.locator("svg")).to_have_count(0)
            continue
        svg = section.locator("figure.illustration svg[role=img]")
        expect(svg).to_be_visible()
        expect(svg).to_have_attribute("aria-label", drawn.alt)
        box, section_box = svg.bounding_box(), section.bounding_box()
        assert box is not None and section_box is not None
        assert box["width"] <= 0.5 * section_box["width"], f"{slug}: beside the words, under half the width"
        assert card_box["x"] <= box["x"] and box["x"] + box["width"] <= card_box["x"] + card_box["width"], slug
    motion = _drawing(card, DRAWN).evaluate(MOTION)
    assert any(name != "none" for name in motion["names"]) and motion["running"] > 0


@pytest.mark.parametrize("reduced_motion", ["reduce"])  # the phone set to reduce motion
def test_with_reduced_motion_the_drawing_stands_still(
    context: BrowserContext, live_server: LiveServer, runner: User
) -> None:
    page = signed_in(context, live_server, runner)
    card, _ = _open_session(page, runner)
    svg = _drawing(card, DRAWN)
    expect(svg).to_be_visible()
    motion = svg.evaluate(MOTION)
    assert motion["names"] and set(motion["names"]) == {"none"}
    assert motion["running"] == 0


def _drawn_in(plan: Plan) -> set[str]:
    stored = selectors.plan_read(plan)
    return {i.exercise for s in stored.sessions for i in s.items if picture(i.exercise, frame="start") is not None}


def test_the_downloaded_pdf_draws_each_exercise_s_start_and_end(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    sign_in(runner)
    page.goto(reverse("programs:plan-print", args=[plan.pk]))
    guide = page.locator(".print-guide")
    expect(guide.locator(".print-positions").first.locator("svg[role=img]")).to_have_count(2)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    drawn = _drawn_in(plan)
    assert DRAWN in drawn
    strokes = pdf_strokes(pdf)
    floors = [floor_colour(svg_of(slug, "start")) for slug in drawn]
    for colour in set(floors):  # each still draws its floor line: the start and the end of each drawn exercise
        assert strokes[colour] >= 2 * floors.count(colour), colour
