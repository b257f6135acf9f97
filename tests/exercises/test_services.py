"""`catalogue_load`: idempotent upsert, validation before writes, delete-or-deactivate for removed exercises."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from exercises.catalogue import Catalogue, CatalogueError, Dose, ExerciseSpec
from exercises.catalogue_file import load_catalogue_file
from exercises.models import Equipment, Exercise
from exercises.services import catalogue_load
from tests.exercises.conftest import capture_writes, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> Catalogue:
    return load_catalogue_file()


def _edit(catalogue: Catalogue, slug: str, **changes: Any) -> Catalogue:
    return Catalogue(
        version=catalogue.version,
        exercises=tuple(dataclasses.replace(e, **changes) if e.slug == slug else e for e in catalogue.exercises),
    )


def _without(catalogue: Catalogue, slug: str) -> Catalogue:
    return Catalogue(version=catalogue.version, exercises=tuple(e for e in catalogue.exercises if e.slug != slug))


def _db_specs() -> dict[str, ExerciseSpec]:
    return {e.slug: e.to_spec() for e in Exercise.objects.with_relations()}


def test_loading_the_shipped_catalogue_again_writes_nothing(
    catalogue: Catalogue, django_assert_max_num_queries: Any
) -> None:
    # The data migration already loaded it into the test database.
    before = db_snapshot()
    with capture_writes() as writes, django_assert_max_num_queries(8):
        report = catalogue_load(catalogue=catalogue)
    assert writes == []
    assert report.unchanged == tuple(e.slug for e in catalogue.exercises)
    assert (report.created, report.updated, report.deleted, report.deactivated) == ((), (), (), ())
    assert not report.changed
    assert report.summary() == "catalogue v1: 0 created, 0 updated, 42 unchanged, 0 deleted, 0 deactivated"
    assert db_snapshot() == before


def test_loading_into_an_empty_table_creates_every_row_and_a_second_load_is_a_no_op(catalogue: Catalogue) -> None:
    Exercise.objects.all().delete()
    Equipment.objects.all().delete()

    report = catalogue_load(catalogue=catalogue)

    assert sorted(report.created) == sorted(e.slug for e in catalogue.exercises)
    assert report.unchanged == report.updated == ()
    assert Equipment.objects.count() == 13
    assert _db_specs() == {e.slug: e for e in catalogue.exercises}

    with capture_writes() as writes:
        again = catalogue_load(catalogue=catalogue)
    assert writes == []
    assert len(again.unchanged) == 42 and not again.changed


def test_a_changed_dose_updates_that_row_only(catalogue: Catalogue) -> None:
    edited = _edit(catalogue, "nordic_curl", default_dose=Dose(sets=3, reps=(12, 10, 8)))
    with capture_writes() as writes:
        report = catalogue_load(catalogue=edited)
    assert report.updated == ("nordic_curl",)
    assert len(report.unchanged) == 41
    assert len(writes) == 2 and writes[0].lstrip().upper().startswith("UPDATE")
    assert "exercises_catalogueversion" in writes[1], "each different content loaded is recorded as a new version"
    nordic = Exercise.objects.get(slug="nordic_curl")
    assert nordic.default_dose == {"sets": 3, "reps": [12, 10, 8]}
    assert nordic.to_spec().default_dose == Dose(sets=3, reps=(12, 10, 8))


def test_changed_equipment_and_variants_are_updated(catalogue: Catalogue) -> None:
    edited = _edit(catalogue, "single_leg_squat", equipment=frozenset({"mirror"}), harder=None)
    edited = _edit(edited, "glute_bridge", easier=None, harder="long_lever_bridge")

    report = catalogue_load(catalogue=edited)

    assert set(report.updated) == {"single_leg_squat", "glute_bridge"}
    squat = Exercise.objects.with_relations().get(slug="single_leg_squat")
    assert [e.slug for e in squat.equipment.all()] == ["mirror"]
    assert squat.harder is None
    bridge = Exercise.objects.get(slug="glute_bridge")
    assert bridge.easier is None and bridge.harder.slug == "long_lever_bridge"
    assert _db_specs() == {e.slug: e for e in edited.exercises}


def test_a_removed_exercise_nothing_uses_is_deleted(catalogue: Catalogue) -> None:
    report = catalogue_load(catalogue=_without(catalogue, "prone_leg_extension"))
    assert report.deleted == ("prone_leg_extension",)
    assert report.deactivated == ()
    assert not Exercise.objects.filter(slug="prone_leg_extension").exists()
    assert Exercise.objects.count() == 41


def test_a_reactivated_exercise_comes_back_active(catalogue: Catalogue) -> None:
    Exercise.objects.filter(slug="glute_bridge").update(is_active=False)
    report = catalogue_load(catalogue=catalogue)
    assert report.updated == ("glute_bridge",)
    assert Exercise.objects.get(slug="glute_bridge").is_active


def _prescription_model() -> type[Any]:
    try:
        return apps.get_model("programs", "Prescription")
    except LookupError:
        pytest.skip("programs.Prescription does not exist yet")


def _prescribe(exercise: Exercise) -> Any:
    """A prescription of `exercise` in a stored plan (programs.Prescription protects it)."""
    _prescription_model()
    from tests.factories.programs import PrescriptionFactory

    return PrescriptionFactory(exercise=exercise)


def test_a_removed_exercise_a_plan_uses_is_kept_and_deactivated(catalogue: Catalogue) -> None:
    _prescription_model()
    prescription = _prescribe(Exercise.objects.get(slug="kettlebell_swing"))

    report = catalogue_load(catalogue=_without(catalogue, "kettlebell_swing"))

    assert report.deactivated == ("kettlebell_swing",)
    assert report.deleted == ()
    swing = Exercise.objects.get(slug="kettlebell_swing")
    assert not swing.is_active
    prescription.refresh_from_db()
    assert prescription.exercise_id == swing.pk

    with capture_writes() as writes:
        again = catalogue_load(catalogue=_without(catalogue, "kettlebell_swing"))
    assert writes == [] and not again.changed


BAD_SPECS: list[tuple[str, Callable[[Catalogue], Catalogue], str, str]] = [
    ("unknown equipment", lambda c: _edit(c, "nordic_curl", equipment=frozenset({"rope"})), "nordic_curl", "equipment"),
    ("dangling variant", lambda c: _edit(c, "slider_curl", harder="nordic_on_ball"), "slider_curl", "harder"),
    (
        "negative dose",
        lambda c: _edit(c, "askling_glider", default_dose=Dose(sets=3, reps=-4)),
        "askling_glider",
        "default_dose",
    ),
    ("zero sets", lambda c: _edit(c, "nordic_curl", default_dose=Dose(sets=0, reps=5)), "nordic_curl", "default_dose"),
    (
        "dose field outside the dosing kind",
        lambda c: _edit(c, "cycling_clip_in", default_dose=Dose(minutes=5, laps=2)),
        "cycling_clip_in",
        "default_dose",
    ),
    (
        "duplicate slug",
        lambda c: Catalogue(version=1, exercises=(*c.exercises, dataclasses.replace(c["glute_bridge"], name="Other"))),
        "glute_bridge",
        "slug",
    ),
]


@pytest.mark.parametrize(("breakage", "exercise", "field"), [b[1:] for b in BAD_SPECS], ids=[b[0] for b in BAD_SPECS])
def test_bad_data_is_rejected_before_anything_is_written(
    catalogue: Catalogue, breakage: Callable[[Catalogue], Catalogue], exercise: str, field: str
) -> None:
    # A catalogue whose other rows differ from the database: any write before validation would show.
    bad = breakage(_edit(_without(catalogue, "prone_leg_extension"), "glute_bridge", name="Bridge (renamed)"))
    before = db_snapshot()
    with capture_writes() as writes, pytest.raises(CatalogueError) as exc_info:
        catalogue_load(catalogue=bad)
    assert (exc_info.value.exercise, exc_info.value.field) == (exercise, field)
    assert f"exercise {exercise!r}, field {field!r}" in str(exc_info.value)
    assert writes == []
    assert db_snapshot() == before
