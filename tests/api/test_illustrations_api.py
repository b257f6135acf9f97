"""GET exercises/{slug}/illustration/: the drawing as SVG, revalidated by its ETag, public like the catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from exercises.catalogue_file import load_catalogue_file
from exercises.models import Exercise
from tests.factories.exercises import ExerciseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/exercises/nordic_curl/illustration/"


def _drawn() -> list[str]:
    return [e.slug for e in load_catalogue_file().exercises if e.illustration is not None]


def _not_drawn() -> str:
    """An exercise the shipped catalogue does not draw: one added outside the file (in the admin, say)."""
    return ExerciseFactory(slug="wall_sit").slug


@pytest.mark.parametrize("who", ["anon_api", "runner_api", "physio_api"])
def test_anyone_may_read_the_picture_as_svg_like_the_catalogue(who: str, request: pytest.FixtureRequest) -> None:
    client: APIClient = request.getfixturevalue(who)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert b'role="img" aria-label="Kneeling' in response.content
    assert b"@keyframes" in response.content  # moving unless a frame is asked for
    assert response["Cache-Control"] == "public, max-age=86400"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")


def test_any_accept_header_still_gets_the_svg(anon_api: APIClient) -> None:
    for accept in ("image/svg+xml", "application/json", "text/html", "*/*"):
        response = anon_api.get(URL, HTTP_ACCEPT=accept)
        assert (response.status_code, response["Content-Type"]) == (200, "image/svg+xml"), accept


def test_the_etag_answers_304_without_the_picture(anon_api: APIClient) -> None:
    etag = anon_api.get(URL)["ETag"]
    for header in (etag, f"W/{etag}", f'"something-else", {etag}', "*"):
        response = anon_api.get(URL, HTTP_IF_NONE_MATCH=header)
        assert response.status_code == 304, header
        assert response.content == b""
        assert response["ETag"] == etag
    assert anon_api.get(URL, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_the_left_side_is_the_mirror_with_its_own_etag(anon_api: APIClient) -> None:
    right, left = anon_api.get(URL), anon_api.get(URL, {"side": "left"})
    assert left.status_code == 200
    assert b'transform="scale(-1 1)"' in left.content
    assert b'transform="scale(-1 1)"' not in right.content
    assert left["ETag"] != right["ETag"]
    assert anon_api.get(URL, {"side": "right"}).content == right.content  # right is the default
    assert anon_api.get(URL, {"side": "left"}, HTTP_IF_NONE_MATCH=right["ETag"]).status_code == 200


def test_a_frame_stands_still_and_start_differs_from_end(anon_api: APIClient) -> None:
    start, end = anon_api.get(URL, {"frame": "start"}), anon_api.get(URL, {"frame": "end"})
    assert start.status_code == end.status_code == 200
    assert b"@keyframes" not in start.content and b"@keyframes" not in end.content
    assert start.content != end.content and start["ETag"] != end["ETag"]
    assert anon_api.get(URL, {"frame": "middle"}).status_code == 200  # any named position of the exercise
    assert anon_api.get(URL, {"frame": "moving"}).content == anon_api.get(URL).content


def test_an_exercise_without_poses_or_an_unknown_one_is_a_json_404(anon_api: APIClient) -> None:
    response = anon_api.get(f"/api/v1/exercises/{_not_drawn()}/illustration/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "This exercise has no illustration yet.", "errors": {}}
    unknown = anon_api.get("/api/v1/exercises/no_such_exercise/illustration/", HTTP_ACCEPT="image/svg+xml")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "There is no such exercise.", "errors": {}}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"side": "up"}, ["side"]),
        ({"side": ""}, ["side"]),
        ({"frame": "halfway"}, ["frame"]),
        ({"side": "LEFT", "frame": "START"}, ["side", "frame"]),
    ],
)
def test_a_bad_side_or_frame_is_a_400_naming_the_field(
    anon_api: APIClient, params: dict[str, str], fields: list[str]
) -> None:
    response = anon_api.get(URL, params, HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"] == "Some fields need attention: see errors."
    assert list(body["errors"]) == fields
    if "frame" in fields:
        assert "start, middle, end" in body["errors"]["frame"][0]


def test_the_exercise_names_its_illustration_by_an_address_that_answers(anon_api: APIClient) -> None:
    body = anon_api.get("/api/v1/exercises/nordic_curl/").json()
    assert body["illustration"] == "http://testserver/api/v1/exercises/nordic_curl/illustration/"
    assert anon_api.get(body["illustration"]).status_code == 200
    assert anon_api.get(f"/api/v1/exercises/{_not_drawn()}/").json()["illustration"] is None


def test_the_list_names_the_illustration_of_every_drawn_exercise_and_only_those(
    anon_api: APIClient, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # the count, the page, its equipment: no query per picture
        results = anon_api.get("/api/v1/exercises/", {"page_size": 100}).json()["results"]
    assert len(results) == Exercise.objects.active().count()
    assert {e["slug"] for e in results if e["illustration"]} == set(_drawn())
    for exercise in results:
        if exercise["illustration"]:
            assert anon_api.get(exercise["illustration"]).status_code == 200
