"""Exercise and Equipment rows: the data migration, constraints, `to_spec`, and the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from exercises.catalogue import EQUIPMENT_SLUGS
from exercises.catalogue_file import load_catalogue_file
from exercises.models import Equipment, Exercise
from exercises.services import EQUIPMENT_NAMES

pytestmark = pytest.mark.django_db


def test_the_data_migration_loads_39_exercises_and_the_13_equipment_items() -> None:
    assert Exercise.objects.count() == 42
    assert Exercise.objects.active().count() == 42
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


def test_the_admin_shows_the_catalogue_read_only(admin_client: Any) -> None:
    """The file is the one source: the admin shows what the generator reads and offers no edit a load would undo."""
    nordic = Exercise.objects.get(slug="nordic_curl")
    urls = [
        reverse("admin:exercises_exercise_changelist"),
        reverse("admin:exercises_exercise_changelist") + "?q=nordic&category__exact=eccentric",
        reverse("admin:exercises_exercise_change", args=[nordic.pk]),
        reverse("admin:exercises_equipment_changelist"),
        reverse("admin:exercises_catalogueversion_changelist"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    changelist = admin_client.get(urls[1]).content.decode()
    assert "Band-assisted Nordic curl" in changelist
    assert "Glute bridge" not in changelist
    change_page = admin_client.get(urls[2]).content.decode()
    assert 'name="_save"' not in change_page and 'name="default_dose"' not in change_page
    assert admin_client.get(reverse("admin:exercises_exercise_add")).status_code == 403
    before = Exercise.objects.get(pk=nordic.pk).default_dose
    response = admin_client.post(urls[2], {"name": "Edited", "default_dose": '{"sets": 9, "reps": 9}'})
    assert response.status_code == 403
    assert Exercise.objects.get(pk=nordic.pk).default_dose == before
