"""The exercises' drawings on the pages that show exercises: Today (moving, beside the how-to), the physio's patient
page (moving, each exercise once) and program editor (the start position, still), and the printout and PDF (the
start and end positions, still, side by side)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.pictures import Picture, picture
from programs.models import Plan, Prescription
from programs.outputs import pdf_copies
from programs.outputs.printing import plan_pdf
from programs.selectors import plans as selectors
from tests.pages import at
from tests.programs.pictures import DRAWN, drawn_plan, floor_colour, pdf_strokes, session_with, svg_of

pytestmark = pytest.mark.django_db

ANIMATION = re.compile(r"@keyframes|animation")


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return drawn_plan(runner, intake_data)


def _sections(page: str, pattern: str) -> dict[str, str]:
    """The page's blocks matching `pattern` (its first group the exercise's name), by the exercise's name."""
    return {html.unescape(name): block for block, name in re.findall(pattern, page, re.S)}


def _slug_of(name: str) -> str:
    return next(spec.slug for spec in load_catalogue_file().exercises if spec.name == name)


# ---------------------------------------------------------------- Today


def test_today_shows_each_exercise_drawn_moving_beside_its_how_to(client: Client, runner: User, plan: Plan) -> None:
    session = session_with(plan)
    client.force_login(runner)
    with at(session.date):
        page = client.get("/").content.decode()
    exercises = _sections(page, r'(<section class="exercise">\s*<h3>(.*?)</h3>.*?</section>)')
    planned = Prescription.objects.filter(session__plan=plan, session__date=session.date)
    assert set(exercises) == set(planned.values_list("exercise__name", flat=True))
    drawn = 0
    for name, section in exercises.items():
        found = picture(_slug_of(name))
        if found is None:
            assert "<svg" not in section, name
            continue
        drawn += 1
        how = re.search(r'<div class="how"><figure class="illustration">(<svg.*?</svg>)</figure>', section, re.S)
        assert how is not None and how.group(1) == found.svg, name
        assert 'role="img"' in found.svg and f'aria-label="{html.escape(found.alt)}"' in found.svg
        # It moves, unless the phone asks for less motion.
        assert "@keyframes" in found.svg and "prefers-reduced-motion:reduce" in found.svg
        assert section.index("</figure>") < section.index("How to do it"), "the figure beside the how-to"
    assert drawn >= 1 and DRAWN in {_slug_of(name) for name in exercises}


# ---------------------------------------------------------------- the physio's pages


def test_the_patient_page_shows_each_drawn_exercise_of_the_plan_once(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    page = client.get(reverse("programs:patient-detail", args=[runner.pk])).content.decode()
    gallery = re.search(r'<ul class="exercise-pictures">.*?</ul>', page, re.S)
    assert gallery is not None
    shown = _sections(gallery.group(), r"(<li><strong>(.*?)</strong>.*?</li>)")
    planned = {item.exercise for s in selectors.plan_read(plan).sessions for item in s.items}
    assert {_slug_of(name) for name in shown} == {slug for slug in planned if picture(slug) is not None}
    assert DRAWN in {_slug_of(name) for name in shown}
    for name, entry in shown.items():
        assert entry.count("<svg") == 1 and svg_of(_slug_of(name)) in entry, name


def test_the_editor_shows_each_exercise_s_start_position_standing_still(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    with at(plan.start):
        page = client.get(reverse("programs:program-edit", args=[runner.pk, plan.pk])).content.decode()
    rows = _sections(page, r'(<fieldset class="editor-row">\s*<legend>(.*?) <span.*?</fieldset>)')
    assert rows
    for name, row in rows.items():
        still = picture(_slug_of(name), frame="start")
        assert (still is not None and still.svg in row) or (still is None and "<svg" not in row), name
    assert svg_of(DRAWN, "start") in page
    assert not ANIMATION.search(page), "a form of many rows stays still"


# ---------------------------------------------------------------- printout and PDF


def test_the_printout_shows_each_exercise_s_start_and_end_still_side_by_side(
    client: Client, runner: User, plan: Plan
) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:plan-print", args=[plan.pk])).content.decode()
    guide = _sections(page, r"(<dt>(.*?)</dt>\s*<dd>.*?</dd>)")
    assert DRAWN in {_slug_of(name) for name in guide}
    for name, entry in guide.items():
        start, end = picture(_slug_of(name), frame="start"), picture(_slug_of(name), frame="end")
        if start is None or end is None:
            assert "<svg" not in entry, name
            continue
        positions = re.search(r'<div class="print-positions">(.*?)</div></div>', entry, re.S)
        assert positions is not None, name
        assert positions.group(1).index(start.svg) < positions.group(1).index(end.svg), name
        assert ">Start</p>" in positions.group(1) and ">End</p>" in positions.group(1)
    assert not ANIMATION.search(page), "paper holds still positions only"


def test_the_pdf_draws_the_start_and_end_of_each_drawn_exercise(plan: Plan) -> None:
    context = selectors.plan_read(plan)
    drawn = {i.exercise for s in context.sessions for i in s.items if picture(i.exercise, frame="start") is not None}
    assert DRAWN in drawn
    strokes = pdf_strokes(plan_pdf(plan))
    for slug in drawn:  # each still draws its floor line: two per exercise at least
        assert strokes[floor_colour(svg_of(slug, "start"))] >= 2 * sum(
            floor_colour(svg_of(other, "start")) == floor_colour(svg_of(slug, "start")) for other in drawn
        ), slug


def test_a_redrawn_exercise_is_a_new_pdf_copy(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    """A drawing is not part of a plan's catalogue version: the copy's key follows the drawings themselves."""
    before = pdf_copies.pdf_key(plan)
    start = picture(DRAWN, frame="start")
    assert start is not None and start.etag in pdf_copies.drawings()

    def redrawn(slug: str, side: str = "right", frame: str | None = None) -> Picture | None:
        found = picture(slug, "right", frame)
        return Picture(found.svg + " ", found.alt, '"redrawn"') if found is not None and slug == DRAWN else found

    monkeypatch.setattr(pdf_copies, "picture", redrawn)
    pdf_copies.layout_digest.cache_clear()
    try:
        assert pdf_copies.pdf_key(plan) != before
    finally:
        monkeypatch.undo()
        pdf_copies.layout_digest.cache_clear()
    assert pdf_copies.pdf_key(plan) == before
