"""Exercise and Equipment rows: the data migration, constraints, `to_spec`, and the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from exercises.admin import ExerciseAdminForm
from exercises.catalogue import EQUIPMENT_SLUGS, load_catalogue_file
from exercises.models import Equipment, Exercise
from exercises.services import EQUIPMENT_NAMES

pytestmark = pytest.mark.django_db


def test_the_data_migration_loads_36_exercises_and_the_13_equipment_items() -> None:
    assert Exercise.objects.count() == 36
    assert Exercise.objects.active().count() == 36
    assert Equipment.objects.count() == 13
    assert set(Equipment.objects.values_list("slug", flat=True)) == set(EQUIPMENT_SLUGS)
    assert {e.slug: e.name for e in Equipment.objects.all()} == EQUIPMENT_NAMES


def test_rows_read_back_as_the_files_specs_in_two_queries(django_assert_num_queries: Any) -> None:
    catalogue = load_catalogue_file()
    with django_assert_num_queries(2):  # exercises joined to their variants, then one equipment prefetch
        specs = {e.slug: e.to_spec() for e in Exercise.objects.with_relations()}
    assert specs == {e.slug: e for e in catalogue.exercises}


def test_variant_relations_read_both_ways() -> None:
    nordic = Exercise.objects.get(slug="nordic_curl")
    band = Exercise.objects.get(slug="nordic_curl_band_assisted")
    assert nordic.easier == band
    assert band.harder == nordic
    assert nordic in band.harder_of.all()
    assert band in nordic.easier_of.all()
    assert str(nordic) == "Nordic hamstring curl"
    assert str(Equipment.objects.get(slug="kickboard")) == "Kickboard"


@pytest.mark.parametrize(
    "change",
    [{"frequency_value": 0}, {"category": "cardio"}, {"dosing": "reps_only"}, {"evidence_level": "anecdote"}],
)
def test_the_database_refuses_values_outside_the_vocabularies(change: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.filter(slug="glute_bridge").update(**change)


def test_an_exercise_cannot_be_its_own_variant() -> None:
    bridge = Exercise.objects.get(slug="glute_bridge")
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.filter(pk=bridge.pk).update(easier=bridge)


def _form_data(exercise: Exercise, **changes: Any) -> dict[str, Any]:
    data = model_to_dict(exercise)
    data["equipment"] = [e.pk for e in exercise.equipment.all()]
    for key in ("default_dose", "cues", "common_mistakes", "contraindications"):
        data[key] = ExerciseAdminForm.base_fields[key].prepare_value(data[key])
    data.update(changes)
    return data


def test_the_admin_form_accepts_the_catalogue_rows_as_they_are() -> None:
    nordic = Exercise.objects.get(slug="nordic_curl")
    form = ExerciseAdminForm(data=_form_data(nordic), instance=nordic)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("default_dose", '{"sets": 2, "minutes": 5}'),
        ("default_dose", '{"sets": 0, "reps": 5}'),
        ("contraindications", '["pregnancy"]'),
        ("cues", '"just one string"'),
    ],
)
def test_the_admin_form_applies_the_catalogue_rules(field: str, value: str) -> None:
    nordic = Exercise.objects.get(slug="nordic_curl")
    form = ExerciseAdminForm(data=_form_data(nordic, **{field: value}), instance=nordic)
    assert not form.is_valid()
    assert field in form.errors


def test_admin_changelist_and_change_page_load(admin_client: Any) -> None:
    nordic = Exercise.objects.get(slug="nordic_curl")
    urls = [
        reverse("admin:exercises_exercise_changelist"),
        reverse("admin:exercises_exercise_changelist") + "?q=nordic&category__exact=eccentric",
        reverse("admin:exercises_exercise_change", args=[nordic.pk]),
        reverse("admin:exercises_exercise_add"),
        reverse("admin:exercises_equipment_changelist"),
        reverse("admin:autocomplete") + "?app_label=exercises&model_name=exercise&field_name=easier&term=nordic",
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    changelist = admin_client.get(urls[1]).content.decode()
    assert "Band-assisted Nordic curl" in changelist
    assert "Glute bridge" not in changelist
