"""templates/: a physio's own program templates (CRUD). Another physio's are 404, a runner 403, anonymous 401."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import ProgramTemplate
from programs.services.templates import template_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/templates/"
KEYS = {"id", "name", "description", "pathway", "weeks", "program", "created_at", "updated_at"}
STRAIN = {"name": "Grade 1 strain", "pathway": "acute_strain", "weeks": 8, "program": {"pain_limit": 4}}


def _template(owner: User, name: str = "Sit-bone pain", **fields: Any) -> ProgramTemplate:
    values: dict[str, Any] = {"pathway": "proximal_tendinopathy", "weeks": 12, "program": {}, **fields}
    return template_create(owner=owner, name=name, **values)


def test_a_physio_makes_lists_reads_changes_and_deletes_their_templates(physio_api: APIClient, physio: User) -> None:
    created = physio_api.post(URL, {**STRAIN, "description": "Hickey 2020: up to 4/10."})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert set(body) == KEYS
    assert body["program"] == {"pain_limit": 4} and body["weeks"] == 8 and body["pathway"] == "acute_strain"
    template = ProgramTemplate.objects.get(pk=body["id"])
    assert template.owner == physio and template.description == "Hickey 2020: up to 4/10."

    _template(physio)
    listed = physio_api.get(URL).json()
    assert listed["count"] == 2 and [t["name"] for t in listed["results"]] == ["Grade 1 strain", "Sit-bone pain"]
    assert physio_api.get(URL, {"search": "sit-bone"}).json()["count"] == 1
    assert physio_api.get(URL, {"ordering": "-name"}).json()["results"][0]["name"] == "Sit-bone pain"

    url = f"{URL}{template.pk}/"
    assert physio_api.get(url).json()["name"] == "Grade 1 strain"
    changed = physio_api.patch(url, {"weeks": 10, "program": {}})
    assert changed.status_code == 200 and changed.json()["weeks"] == 10 and changed.json()["program"] == {}
    replaced = physio_api.put(url, {"name": "Strain", "pathway": "acute_strain", "weeks": 6})
    assert replaced.status_code == 200 and replaced.json()["name"] == "Strain"
    assert physio_api.delete(url).status_code == 204
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()
    assert physio_api.get(url).status_code == 404


def test_another_physios_template_is_not_found(
    physio_api: APIClient, other_physio_api: APIClient, physio: User
) -> None:
    url = f"{URL}{_template(physio).pk}/"
    for response in (
        other_physio_api.get(url),
        other_physio_api.patch(url, {"weeks": 2}),
        other_physio_api.put(url, {"name": "Mine now", "pathway": "prevention", "weeks": 2}),
        other_physio_api.delete(url),
    ):
        assert response.status_code == 404
        assert set(response.json()) == {"detail", "errors"}
    assert other_physio_api.get(URL).json()["count"] == 0
    assert ProgramTemplate.objects.get(owner=physio).weeks == 12


def test_runners_get_403_and_anonymous_clients_401(runner_api: APIClient, anon_api: APIClient, physio: User) -> None:
    url = f"{URL}{_template(physio).pk}/"
    for client, code in ((runner_api, 403), (anon_api, 401)):
        assert client.get(URL).status_code == code
        assert client.post(URL, STRAIN).status_code == code
        assert client.get(url).status_code == code
        assert client.patch(url, {"weeks": 2}).status_code == code
        response = client.delete(url)
        assert response.status_code == code and set(response.json()) == {"detail", "errors"}
    assert ProgramTemplate.objects.count() == 1


def test_a_name_is_unique_per_physio_as_a_field_error(
    physio_api: APIClient, other_physio_api: APIClient, physio: User
) -> None:
    _template(physio, name="Grade 1 strain")
    response = physio_api.post(URL, {**STRAIN, "name": "grade 1 STRAIN "})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Some fields need attention: see errors.",
        "errors": {"name": ["You already have a template with this name."]},
    }
    assert other_physio_api.post(URL, STRAIN).status_code == 201  # another physio's names are theirs
    other = _template(physio, name="Other")
    clash = physio_api.patch(f"{URL}{other.pk}/", {"name": "Grade 1 strain"})
    assert clash.status_code == 400 and list(clash.json()["errors"]) == ["name"]
    assert physio_api.patch(f"{URL}{other.pk}/", {"name": "Other"}).status_code == 200  # its own name is fine


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**STRAIN, "program": {"pain_limit": 4, "weekly_running_cap": 20}}, "program.weekly_running_cap"),
        ({**STRAIN, "program": {"pain_limit": 11}}, "program.pain_limit"),
        ({**STRAIN, "program": {"pain_limit": -1}}, "program.pain_limit"),
        ({**STRAIN, "program": {"pain_limit": "lots"}}, "program.pain_limit"),
        ({**STRAIN, "program": [1, 2]}, "program"),
        ({**STRAIN, "program": "strict"}, "program"),
        ({**STRAIN, "pathway": "knee_pain"}, "pathway"),
        ({**STRAIN, "pathway": ["acute_strain"]}, "pathway"),
        ({**STRAIN, "weeks": 0}, "weeks"),
        ({**STRAIN, "weeks": 53}, "weeks"),
        ({**STRAIN, "weeks": 10**30}, "weeks"),
        ({**STRAIN, "name": ""}, "name"),
        ({**STRAIN, "name": "   "}, "name"),
        ({**STRAIN, "name": "x" * 121}, "name"),
        ({**STRAIN, "name": {"first": "x"}}, "name"),
        ({**STRAIN, "description": "x" * 2001}, "description"),
        ({"name": "No pathway", "weeks": 4}, "pathway"),
    ],
)
def test_a_bad_template_is_a_field_error_never_a_500(physio_api: APIClient, body: Any, field: str) -> None:
    response = physio_api.post(URL, body)
    assert response.status_code == 400, response.json()
    assert set(response.json()) == {"detail", "errors"}
    assert field in response.json()["errors"], response.json()
    assert not ProgramTemplate.objects.exists()


@pytest.mark.parametrize("body", [[], "text", 7, None])
def test_a_body_that_is_not_an_object_is_a_400(physio_api: APIClient, body: Any) -> None:
    response = physio_api.post(URL, body, format="json")
    assert response.status_code == 400 and set(response.json()) == {"detail", "errors"}


def test_a_huge_or_odd_id_is_a_json_404(physio_api: APIClient) -> None:
    for path in (f"{URL}{10**30}/", f"{URL}abc/", f"{URL}-1/"):
        response = physio_api.get(path)
        assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}


def test_the_list_reads_in_a_fixed_number_of_queries(
    physio_api: APIClient, physio: User, django_assert_max_num_queries: Any
) -> None:
    for n in range(25):
        _template(physio, name=f"Template {n}")
    with django_assert_max_num_queries(3):  # token with user, count, page
        body = physio_api.get(URL, {"page_size": 100}).json()
    assert body["count"] == 25
