"""The exercise catalogue and the pathways: public reads, filters, search, pagination and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from exercises.models import Exercise
from programs.services.generation import pathways

pytestmark = pytest.mark.django_db

EXERCISE_KEYS = {
    "slug",
    "name",
    "category",
    "description",
    "equipment",
    "dosing",
    "default_dose",
    "cues",
    "common_mistakes",
    "contraindications",
    "easier",
    "harder",
    "evidence_level",
    "per_side",
    "source",
    "illustration",
}


def _all(client: APIClient, url: str, **params: str) -> list[dict[str, Any]]:
    response = client.get(url, {**params, "page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def test_anyone_may_read_the_catalogue_with_every_field(anon_api: APIClient) -> None:
    response = anon_api.get("/api/v1/exercises/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Exercise.objects.active().count() > 20
    assert len(body["results"]) == 20  # the API's page size
    assert set(body["results"][0]) == EXERCISE_KEYS
    names = [e["name"] for e in _all(anon_api, "/api/v1/exercises/")]
    assert names == sorted(names)


def test_one_exercise_by_slug_with_variants_and_equipment_as_slugs(runner_api: APIClient) -> None:
    nordic = Exercise.objects.select_related("easier").get(slug="nordic_curl")
    body = runner_api.get("/api/v1/exercises/nordic_curl/").json()
    assert body["name"] == nordic.name
    assert body["easier"] == (nordic.easier.slug if nordic.easier else None)
    assert set(body["equipment"]) == {e.slug for e in nordic.equipment.all()}
    assert "lengthening_load" in body["contraindications"]
    assert body["default_dose"] == nordic.default_dose


def test_an_unknown_or_inactive_exercise_is_a_json_404(anon_api: APIClient) -> None:
    Exercise.objects.filter(slug="nordic_curl").update(is_active=False)
    for slug in ("nordic_curl", "no_such_exercise", "Not-A-Slug!"):
        response = anon_api.get(f"/api/v1/exercises/{slug}/")
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}


def test_filter_by_category_equipment_and_contraindication(anon_api: APIClient) -> None:
    stretches = _all(anon_api, "/api/v1/exercises/", category="stretch")
    assert stretches and all(e["category"] == "stretch" for e in stretches)

    pool = _all(anon_api, "/api/v1/exercises/", equipment="pool")
    assert pool and all("pool" in e["equipment"] for e in pool)

    tagged = _all(anon_api, "/api/v1/exercises/", contraindication="neural_tension")
    assert tagged and all("neural_tension" in e["contraindications"] for e in tagged)
    untagged = _all(anon_api, "/api/v1/exercises/", exclude_contraindication="neural_tension")
    assert all("neural_tension" not in e["contraindications"] for e in untagged)
    assert len(tagged) + len(untagged) == Exercise.objects.active().count()


def test_search_by_name(anon_api: APIClient) -> None:
    found = _all(anon_api, "/api/v1/exercises/", search="bridge")
    assert found and all("bridge" in e["name"].lower() for e in found)


@pytest.mark.parametrize(
    "query, field",
    [
        ("category=flying", "category"),
        ("equipment=rocket", "equipment"),
        ("contraindication=everything", "contraindication"),
        ("exclude_contraindication=%00", "exclude_contraindication"),
    ],
)
def test_an_unknown_filter_value_is_a_400_naming_the_field(anon_api: APIClient, query: str, field: str) -> None:
    response = anon_api.get(f"/api/v1/exercises/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and list(body["errors"]) == [field]


def test_the_catalogue_runs_the_same_queries_for_any_page_size(
    anon_api: APIClient, django_assert_max_num_queries: Any
) -> None:
    # count, the page with the variants, the equipment of the whole page
    with django_assert_max_num_queries(3):
        assert len(anon_api.get("/api/v1/exercises/", {"page_size": 5}).json()["results"]) == 5
    with django_assert_max_num_queries(3):
        assert len(anon_api.get("/api/v1/exercises/", {"page_size": 100}).json()["results"]) > 20


def test_a_bad_token_is_refused_even_on_a_public_read(anon_api: APIClient) -> None:
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    response = anon_api.get("/api/v1/exercises/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_the_catalogue_cannot_be_written(runner_api: APIClient) -> None:
    assert runner_api.post("/api/v1/exercises/", {"slug": "x"}).status_code == 405
    assert runner_api.delete("/api/v1/exercises/nordic_curl/").status_code == 405


# ---------------------------------------------------------------- pathways


def test_anyone_may_list_the_pathways_with_phases_and_pain_limits(anon_api: APIClient) -> None:
    response = anon_api.get("/api/v1/pathways/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(pathways()) == len(body["results"])
    by_slug = {p["slug"]: p for p in body["results"]}
    overuse = by_slug["overuse_ache"]
    assert overuse["name"] and overuse["description"] and overuse["when_used"]
    assert overuse["pain_limits"] == {"during": 5, "after": 5, "morning_must_settle": True}
    assert overuse["phases"][0]["slug"] == "settle" and overuse["phases"][0]["weeks"] == 4
    assert by_slug["acute_strain"]["pain_limits"]["during"] == 2
    assert all(p["when_used"] for p in body["results"])


def test_one_pathway_and_an_unknown_one(anon_api: APIClient) -> None:
    body = anon_api.get("/api/v1/pathways/prevention/").json()
    assert body["slug"] == "prevention" and body["phases"]
    response = anon_api.get("/api/v1/pathways/no_such_pathway/")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no pathway with this name.", "errors": {}}


def test_pathways_paginate_like_every_list(anon_api: APIClient) -> None:
    body = anon_api.get("/api/v1/pathways/", {"page_size": 2}).json()
    assert len(body["results"]) == 2 and body["next"]
    assert anon_api.get("/api/v1/pathways/", {"page": 99}).status_code == 404
