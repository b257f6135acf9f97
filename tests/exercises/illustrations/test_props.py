"""Props in exercise drawings draw where the body is, and one-sided exercises show one working leg. Pure: no database."""

from __future__ import annotations

import re

import pytest

from exercises.catalogue_file import load_catalogue_file
from exercises.illustrations.body import point
from exercises.illustrations.poses import parse_illustration
from exercises.illustrations.svg import render

ILLUSTRATED = [spec for spec in load_catalogue_file().exercises if spec.illustration is not None]


def _kneeling_with_band(to: object) -> dict[str, object]:
    return {
        "says": "Kneeling, the body lowers forward.",
        "works": "both_legs",
        "props": [{"prop": "band", "body": "chest", "to": to}],
        "positions": [
            {"name": "start", "hip": [0, 29], "trunk": 180, "thigh": 0, "shin": -90, "arm": 10},
            {"name": "end", "hip": [24, 10.5], "trunk": 105, "thigh": -75, "shin": -90, "arm": 60},
        ],
    }


def _view_left(svg: str) -> float:
    found = re.search(r'viewBox="([-\d.]+)', svg)
    assert found is not None
    return float(found.group(1))


@pytest.mark.parametrize("spec", [s for s in ILLUSTRATED if s.per_side], ids=lambda spec: spec.slug)
def test_an_exercise_done_one_side_at_a_time_shows_one_working_leg(spec):
    assert spec.illustration is not None
    assert spec.illustration.works == "one_leg"


def test_a_band_to_a_place_is_drawn_from_that_place_and_stretches_to_the_body():
    illustration = parse_illustration(_kneeling_with_band([-26, 86]))
    for position in illustration.positions:
        svg = render(illustration, "test", frame=position.name)
        band = svg[svg.index('data-prop="band"') :]
        assert band.startswith('data-prop="band"><g transform="translate(-26 -86)">')
        x, y = point(position, "chest")
        length = float(re.search(r"scale\(1 ([\d.]+)\)", band).group(1))  # type: ignore[union-attr]
        assert length == pytest.approx(((x + 26) ** 2 + (y - 86) ** 2) ** 0.5, abs=0.05)
    moving = render(illustration, "test")
    assert re.search(r"@keyframes \w+\{[^}]*scale\(1,[\d.]+\)", moving)  # a plain number: no unit in a scale


def test_a_band_to_a_place_widens_the_picture_to_show_where_it_is_tied():
    near = render(parse_illustration(_kneeling_with_band([-10, 40])), "test")
    far = render(parse_illustration(_kneeling_with_band([-60, 120])), "test")
    assert _view_left(far) < _view_left(near)


def test_a_band_between_two_body_points_still_moves_with_the_body():
    illustration = parse_illustration(_kneeling_with_band("hand"))
    svg = render(illustration, "test", frame="start")
    assert svg.count('data-prop="band"') == 1
    assert "scale(" not in svg  # not stretched from a fixed place: it hangs in the trunk's own frame


def test_a_swung_kettlebell_lines_up_with_the_arms():
    spec = load_catalogue_file()["kettlebell_swing"]
    assert spec.illustration is not None
    svg = render(spec.illustration, spec.slug, frame="end")
    bell = svg[svg.index('data-prop="kettlebell"') :]
    # Held straight out, the bell carries on along the forearm rather than hanging from the hand.
    assert bell.startswith('data-prop="kettlebell"><g transform="translate(0 15)"><path')
