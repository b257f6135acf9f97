"""`{% illustration %}`: the one place a page inlines an exercise's drawing."""

from __future__ import annotations

from django.template import Context, Template


def render(tag_args: str) -> str:
    return Template("{% load illustrations %}{% illustration " + tag_args + " %}").render(Context())


def test_the_tag_inlines_the_svg_in_a_figure() -> None:
    html = render('"nordic_curl"')
    assert html.startswith('<figure class="illustration"><svg ')
    assert html.endswith("</svg></figure>")
    assert 'role="img" aria-label="Kneeling' in html
    assert "@keyframes" in html  # moving by default


def test_a_still_frame_does_not_move_and_differs_from_the_other_end() -> None:
    start, end = render('"nordic_curl" "right" "start"'), render('"nordic_curl" "right" "end"')
    assert "@keyframes" not in start
    assert start != end


def test_the_left_side_is_mirrored() -> None:
    left = render('"nordic_curl" "left"')
    assert 'transform="scale(-1 1)"' in left
    assert 'transform="scale(-1 1)"' not in render('"nordic_curl"')


def test_nothing_for_an_exercise_the_catalogue_does_not_draw_or_a_bad_side_or_frame() -> None:
    assert render('"no_such_exercise"') == ""
    assert render('"nordic_curl" "up"') == ""
    assert render('"nordic_curl" "right" "halfway_to_nowhere"') == ""
