"""The server accepts what the schema says and nothing else: JSON body fields only in their declared JSON type,
optional PATCH fields really optional, query parameters within their declared type and range, no empty filters."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from programs.models import Plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["true", 1, 0, "0", None])
def test_a_boolean_is_only_true_or_false(physio_api: APIClient, value: Any) -> None:
    response = physio_api.patch("/api/v1/me/digest/", {"digest_enabled": value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["digest_enabled"]


def test_a_patch_without_the_optional_field_changes_nothing(physio: User, physio_api: APIClient) -> None:
    before = physio_api.get("/api/v1/me/digest/").json()

    response = physio_api.patch("/api/v1/me/digest/", {}, format="json")

    assert response.status_code == 200 and response.json() == before


@pytest.mark.parametrize("note", [7, 1.5, True, ["a"]])
def test_a_string_field_refuses_other_json_types(physio_api: APIClient, note: Any) -> None:
    response = physio_api.post("/api/v1/invitations/", {"email": "new@example.test", "note": note}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]


@pytest.mark.parametrize("weeks", ["2", 2.5, True])
def test_an_integer_field_refuses_strings_fractions_and_booleans(
    runner_api: APIClient, runner_plan: Plan, weeks: Any
) -> None:
    body = {"intake": runner_plan.intake_id, "start_date": runner_plan.start.isoformat(), "weeks": weeks}

    response = runner_api.post("/api/v1/plans/", body, format="json")

    assert response.status_code == 400
    assert "weeks" in response.json()["errors"]


@pytest.mark.parametrize("page_size", ["null", "0", "101", "", "1.0", "-1", "٣"])
def test_page_size_outside_the_schema_is_a_400(runner_api: APIClient, page_size: str) -> None:
    response = runner_api.get("/api/v1/logs/", {"page_size": page_size})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]


def test_page_size_within_the_schema_is_used(runner_api: APIClient) -> None:
    assert runner_api.get("/api/v1/logs/", {"page_size": "100"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/logs/", "plan", "0"),
        ("/api/v1/logs/", "plan", ""),
        ("/api/v1/logs/", "plan", "1.0"),
        ("/api/v1/logs/", "kind", ""),
        ("/api/v1/logs/", "date_from", ""),
        ("/api/v1/morning-checks/", "date_to", ""),
        ("/api/v1/plans/", "runner", "0"),
        ("/api/v1/plans/", "status", ""),
        ("/api/v1/exercises/", "category", ""),
    ],
)
def test_a_filter_out_of_range_or_empty_is_a_400_naming_it(
    runner_api: APIClient, path: str, name: str, value: str
) -> None:
    response = runner_api.get(path, {name: value})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_the_schema_declares_the_ranges_and_the_required_fields(anon_api: APIClient) -> None:
    schema = anon_api.get("/api/schema/?format=json").json()
    logs = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/logs/"]["get"]["parameters"]}
    plans = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/plans/"]["get"]["parameters"]}

    assert logs["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert logs["page"] == {"type": "integer", "minimum": 1}
    assert logs["plan"]["minimum"] == 1 and plans["runner"]["minimum"] == 1
    override = schema["paths"]["/api/v1/prescriptions/{id}/"]["patch"]["requestBody"]["content"]["application/json"]
    name = override["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][name]["required"]) == {"dose", "note"}
    dose = schema["components"]["schemas"]["DoseRequest"]
    assert dose["additionalProperties"] is False and dose["minProperties"] == 1
    assert schema["components"]["schemas"]["ProgramEditsRequest"]["additionalProperties"] is False
    assert "additionalProperties" not in schema["components"]["schemas"]["Dose"]  # an answer may grow a field


@pytest.mark.parametrize(("path", "name"), [("/api/v1/patients/", "pathway"), ("/api/v1/messages/", "patient")])
def test_a_query_parameter_sent_empty_is_a_400_naming_it(physio_api: APIClient, path: str, name: str) -> None:
    response = physio_api.get(path, {name: ""})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]
