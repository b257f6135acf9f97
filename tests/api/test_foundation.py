"""What every endpoint shares: token authentication, the one error shape, JSON 404s, the plan revision."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from programs.models import Plan, PlannedSession
from programs.services.logs import session_log_record
from rehabplan.api import flat_errors

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_a_json_404(anon_api: APIClient) -> None:
    response = anon_api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such API endpoint.", "errors": {}}


@pytest.mark.parametrize("path", ["/api/v1/prescriptions/a%0Ab/", "/api/v1/%0A", "/api/v1/plans/1%0D%0A/"])
def test_an_api_path_with_a_line_break_is_a_json_404_too(physio_api: APIClient, path: str) -> None:
    response = physio_api.patch(path, {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such API endpoint.", "errors": {}}


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "bearer"])
def test_a_token_authenticates_with_either_keyword_and_only_its_digest_is_stored(runner: User, keyword: str) -> None:
    token, key = api_token_create(user=runner, name="phone")
    assert key not in (token.digest, token.prefix) and token.prefix == key[:8]
    found = ApiToken.objects.authenticate(key)
    assert found is not None and found.user == runner

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404  # authenticated: the catch-all answers, no 401


def test_a_revoked_or_wrong_token_is_refused_with_the_error_shape(runner: User) -> None:
    token, key = api_token_create(user=runner)
    token.delete()
    assert ApiToken.objects.authenticate(key) is None
    assert ApiToken.objects.authenticate("not-a-key") is None


def test_nested_validation_errors_flatten_to_dotted_field_names() -> None:
    nested: dict[str, Any] = {
        "running": {"weekly_distance": ["Too far."], "goal_race": {"date": ["Before the start."]}},
        "entries": [{}, {"pain_during": ["0 to 10."]}],
        "day": {"non_field_errors": ["Expected an object."]},
        "non_field_errors": ["Something general."],
    }
    assert flat_errors(nested) == {
        "running.weekly_distance": ["Too far."],
        "running.goal_race.date": ["Before the start."],
        "entries.1.pain_during": ["0 to 10."],
        "day": ["Expected an object."],
        "non_field_errors": ["Something general."],
    }


def test_every_write_to_a_plan_raises_its_revision(runner: User, runner_plan: Plan) -> None:
    before = runner_plan.revision
    session = PlannedSession.objects.filter(plan=runner_plan, kind="strength").order_by("date").first()
    assert session is not None
    entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)
    runner_plan.refresh_from_db()
    assert runner_plan.revision > before


def test_an_object_that_is_not_yours_is_a_plain_404(other_runner_api: APIClient, runner_plan: Plan) -> None:
    response = other_runner_api.get(f"/api/v1/plans/{runner_plan.pk}/changes/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found: nothing with this id is yours to see.", "errors": {}}


def test_the_schema_gives_every_operation_the_one_error_body() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    errors_seen = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                ref = body["$ref"].rsplit("/", 1)[-1]
                assert ref in ("ApiError", "ErrorWithReferral"), (method, path, code, ref)
                errors_seen += 1
    assert errors_seen > 100
    error = schema["components"]["schemas"]["ApiError"]
    assert set(error["properties"]) == {"detail", "errors"}
