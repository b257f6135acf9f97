"""Every catalogue exercise is drawn: its SVG parses, says what it shows, draws its props, moves, and matches the
snapshot kept beside this file (rewritten only on purpose: `UPDATE_SNAPSHOTS=1 pytest tests/exercises/illustrations`)."""

from __future__ import annotations

import itertools
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from exercises.catalogue_file import load_catalogue_file
from exercises.illustrations.svg import prefix_for, render, text_alternative

CATALOGUE = load_catalogue_file()
SLUGS = [spec.slug for spec in CATALOGUE.exercises]
SNAPSHOTS = Path(__file__).parent / "snapshots"
SVG = "{http://www.w3.org/2000/svg}"
BUDGET = 8 * 1024  # bytes as served, before compression


def _drawn(slug: str, **options: object) -> tuple[str, ET.Element]:
    spec = CATALOGUE[slug]
    assert spec.illustration is not None, f"{slug} has no poses"
    svg = render(spec.illustration, slug, **options)  # type: ignore[arg-type]
    return svg, ET.fromstring(svg)  # noqa: S314 - our own drawing, not untrusted input


@pytest.mark.parametrize("slug", SLUGS)
def test_each_exercise_is_drawn_with_its_words_and_its_props(slug: str) -> None:
    illustration = CATALOGUE[slug].illustration
    assert illustration is not None
    _, root = _drawn(slug)

    sides_and_frames = [(m, f) for m in (False, True) for f in [None, *(p.name for p in illustration.positions)]]
    assert max(len(_drawn(slug, mirrored=m, frame=f)[0].encode()) for m, f in sides_and_frames) <= BUDGET
    words = text_alternative(illustration)
    assert root.get("role") == "img"
    assert root.get("aria-label") == words == root.findtext(f"{SVG}title")
    assert words.endswith(".") and slug not in words and "_" not in words
    drawn = {element.get("data-prop") for element in root.iter() if element.get("data-prop")}
    assert drawn == {prop.kind for prop in illustration.props}


@pytest.mark.parametrize("slug", SLUGS)
def test_each_exercise_moves_between_its_key_positions_and_stands_still_in_each(slug: str) -> None:
    illustration = CATALOGUE[slug].illustration
    assert illustration is not None
    moving, _ = _drawn(slug)
    stills = [_drawn(slug, frame=position.name)[0] for position in illustration.positions]

    assert all(a != b for a, b in itertools.pairwise(stills)), "each key position differs from the next"
    assert f"@keyframes {prefix_for(slug)}" in moving
    assert "prefers-reduced-motion:reduce),print{" in moving  # still for reduced motion and on paper
    assert all("@keyframes" not in still and "animation" not in still for still in stills)
    at_rest = re.sub(r' transform="rotate\(0\)"| class="[^"]*"', "", moving.split("</style>")[1])
    assert at_rest == stills[0].split("</title>")[1]  # without its animation, the moving picture is the start


@pytest.mark.parametrize("slug", SLUGS)
def test_each_exercise_matches_its_snapshot(slug: str) -> None:
    svg, _ = _drawn(slug)
    snapshot = SNAPSHOTS / f"{slug}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(svg, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot for {slug}: run UPDATE_SNAPSHOTS=1 pytest {__file__}"
    assert svg == snapshot.read_text(encoding="utf-8"), f"{slug} is drawn differently from its snapshot"


def test_the_same_data_gives_the_same_bytes_and_left_is_right_mirrored() -> None:
    for slug in SLUGS:
        right, _ = _drawn(slug)
        assert right == _drawn(slug)[0]
        left, root = _drawn(slug, mirrored=True)
        assert left.count('transform="scale(-1 1)"') == 1 and "scale(-1 1)" not in right
        # The same drawing inside the mirror: only the frame, the words and the mirror itself differ.
        assert left.split("<style>")[1].split("</style>")[0] == right.split("<style>")[1].split("</style>")[0]
        illustration = CATALOGUE[slug].illustration
        assert illustration is not None
        if illustration.works == "one_leg":
            assert "left leg" in (root.get("aria-label") or "") and "right leg" in _drawn(slug)[1].get("aria-label", "")


def test_a_picture_shows_which_leg_works_by_more_than_colour() -> None:
    """The working leg is orange and its hamstring is a dashed band, which greyscale print and colour-blind eyes see."""
    for slug in SLUGS:
        illustration = CATALOGUE[slug].illustration
        assert illustration is not None
        svg, _ = _drawn(slug)
        assert "#d35400" in svg
        assert ('stroke-dasharray="2.5 1.6"' in svg) == illustration.hamstring
