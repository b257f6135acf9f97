"""The exercise pages: the catalogue grouped by category in plain words, and each exercise with its illustration."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.models import Exercise
from exercises.words import CATEGORY_LABELS
from tests.factories.exercises import ExerciseFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def _drawn() -> list[str]:
    return [e.slug for e in load_catalogue_file().exercises if e.illustration is not None]


def _not_drawn() -> str:
    """An exercise the shipped catalogue does not draw: one added outside the file (in the admin, say)."""
    return ExerciseFactory(slug="wall_sit").slug


def test_every_category_has_words() -> None:
    from exercises.catalogue import CATEGORIES

    assert set(CATEGORY_LABELS) == set(CATEGORIES)


def test_the_list_shows_every_active_exercise_by_name_under_its_category_in_words(
    client: Client, runner: User, django_assert_max_num_queries: Any
) -> None:
    Exercise.objects.filter(slug="glute_bridge").update(is_active=False)
    client.force_login(runner)
    with django_assert_max_num_queries(6):  # session, user, exercises, their equipment: not one per exercise
        response = client.get("/exercises/")
    assert response.status_code == 200
    text = main_text(response.content)
    active = Exercise.objects.active()
    for exercise in active:
        assert exercise.name in text
    assert Exercise.objects.get(slug="glute_bridge").name not in text
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", response.content.decode())
    assert headings == [CATEGORY_LABELS[c] for c in _category_order(active)]
    assert "cross_training" not in text and "_" not in text
    assert 'href="/exercises/nordic_curl/"' in response.content.decode()


def _category_order(exercises: Any) -> list[str]:
    from exercises.catalogue import CATEGORIES

    present = {e.category for e in exercises}
    return [c for c in CATEGORIES if c in present]


@pytest.mark.parametrize("who", ["runner", "physio"])
def test_the_page_of_an_exercise_shows_its_picture_with_its_words(
    client: Client, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    nordic = Exercise.objects.select_related("easier", "harder").get(slug="nordic_curl")
    response = client.get("/exercises/nordic_curl/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<figure class="illustration"><svg ') == 3  # moving, then the start and end standing still
    assert page.count("@keyframes") >= 1
    assert 'role="img" aria-label="Kneeling with the heels held down' in page
    text = main_text(response.content)
    assert nordic.name in text and nordic.description in text
    for line in (*nordic.cues, *nordic.common_mistakes):
        assert line in text
    for item in nordic.equipment.all():
        assert item.name in text
    if nordic.easier is not None:
        assert f'href="/exercises/{nordic.easier.slug}/"' in page
    assert "Why? The sources" in text
    assert "nordic_curl" not in text and "partner_or_anchor" not in text
    legend = "the leg that works is orange and drawn in front; a dashed band marks the hamstring"
    assert legend in text  # the drawing's colour is never the only thing that says which leg works


def test_an_exercise_without_a_drawing_has_a_page_with_no_picture(client: Client, runner: User) -> None:
    client.force_login(runner)
    slug = _not_drawn()
    response = client.get(f"/exercises/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" not in page and "<figure" not in page and "<img" not in page
    assert Exercise.objects.get(slug=slug).name in main_text(response.content)


def test_every_drawn_exercise_page_inlines_its_picture(client: Client, runner: User) -> None:
    client.force_login(runner)
    for slug in _drawn():
        assert '<figure class="illustration"><svg ' in client.get(f"/exercises/{slug}/").content.decode(), slug


def test_an_unknown_or_retired_exercise_is_a_404(client: Client, runner: User) -> None:
    client.force_login(runner)
    assert client.get("/exercises/no_such_exercise/").status_code == 404
    Exercise.objects.filter(slug="nordic_curl").update(is_active=False)
    assert client.get("/exercises/nordic_curl/").status_code == 404


@pytest.mark.parametrize("path", ["/exercises/", "/exercises/nordic_curl/"])
def test_the_pages_need_a_login(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_plan_page_links_to_the_exercises(client: Client, runner: User, intake_data: dict[str, Any]) -> None:
    from tests.programs.plans import create_plan

    plan = create_plan(runner, intake_data, weeks=4)
    client.force_login(runner)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert '<a class="tap-link" href="/exercises/">All exercises, and how to do them</a>' in page


def test_the_list_shows_each_exercise_still_from_the_cacheable_picture_address(client: Client, runner: User) -> None:
    from html import unescape

    from exercises.pictures import picture

    client.force_login(runner)
    page = client.get("/exercises/").content.decode()
    thumbnails = dict(re.findall(r'<img class="thumbnail" src="([^"]+)" alt="([^"]+)"[^>]*loading="lazy">', page))
    assert len(thumbnails) == Exercise.objects.active().count()
    for src, alt in thumbnails.items():
        slug = src.split("/")[4]
        start = picture(slug, "right", "start")
        assert start is not None and unescape(alt) == start.alt
        assert client.get(src).content.decode() == start.svg
