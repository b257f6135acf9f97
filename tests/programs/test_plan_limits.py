"""The longest plan (programs.clinical.config.MAX_PLAN_WEEKS) is one number: the API, the physio's forms, the CLI, the
services and the database all take that many weeks and refuse one more, so a physio is never offered a length that
another surface then rejects."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from rest_framework import serializers

from programs.api.serializers.physio import PlanAssignSerializer, ProgramTemplateSerializer
from programs.api.serializers.plans import PlanCreateSerializer
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.forms.program import AssignStartForm, TemplateForm
from programs.models import Plan, ProgramTemplate
from programs.services import templates

WEEK_FIELDS: list[Any] = [
    PlanCreateSerializer().fields["weeks"],
    ProgramTemplateSerializer().fields["weeks"],
    PlanAssignSerializer().fields["weeks"],
    AssignStartForm.base_fields["weeks"],
    TemplateForm.base_fields["weeks"],
]


@pytest.mark.parametrize("field", WEEK_FIELDS, ids=lambda f: type(f).__module__.split(".")[0] + type(f).__name__)
def test_every_form_and_serializer_takes_the_longest_plan_and_not_a_week_more(field: Any) -> None:
    assert field.clean(MAX_PLAN_WEEKS) if isinstance(field, forms.Field) else field.run_validation(MAX_PLAN_WEEKS)
    with pytest.raises((forms.ValidationError, serializers.ValidationError)):
        field.clean(MAX_PLAN_WEEKS + 1) if isinstance(field, forms.Field) else field.run_validation(MAX_PLAN_WEEKS + 1)


@pytest.mark.parametrize(("weeks", "refused"), [(MAX_PLAN_WEEKS, False), (MAX_PLAN_WEEKS + 1, True)])
def test_the_template_service_refuses_a_week_more(weeks: int, refused: bool) -> None:
    with pytest.raises(ValidationError) as raised:
        templates._clean(name="Long", pathway="no-such-program", weeks=weeks, program={})
    assert ("weeks" in raised.value.message_dict) is refused


def test_the_cli_refuses_a_week_more(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match=f"from 1 to {MAX_PLAN_WEEKS}"):
        call_command(
            "generate_plan", intake=str(tmp_path / "none.json"), start="2026-11-23", weeks=str(MAX_PLAN_WEEKS + 1)
        )


def test_the_database_constraints_bound_by_the_same_number() -> None:
    for model in (Plan, ProgramTemplate):
        (check,) = [c for c in model._meta.constraints if "weeks" in c.name]
        assert ("weeks__lte", MAX_PLAN_WEEKS) in check.condition.children  # type: ignore[attr-defined]
