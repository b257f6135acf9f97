"""Factories for the exercise catalogue. The migrations load the shipped catalogue, so by default these return its
rows (get-or-create on the unique slug or checksum) rather than adding look-alikes; a new slug makes a new row."""

from __future__ import annotations

import copy
import functools
from typing import Any

import factory
from django.db.models import Max

from exercises.catalogue_file import catalogue_to_dict, load_catalogue_file
from exercises.models import CatalogueVersion, Equipment, Exercise
from exercises.services import catalogue_checksum


class EquipmentFactory(factory.django.DjangoModelFactory[Equipment]):
    class Meta:
        model = Equipment
        django_get_or_create = ("slug",)

    slug = "mat"
    name = factory.LazyAttribute(lambda o: o.slug.replace("_", " ").capitalize())


class ExerciseFactory(factory.django.DjangoModelFactory[Exercise]):
    """The catalogue's glute bridge unless another slug is given; a new slug gets a valid body-weight exercise."""

    class Meta:
        model = Exercise
        django_get_or_create = ("slug",)

    slug = "glute_bridge"
    name = factory.LazyAttribute(lambda o: o.slug.replace("_", " ").capitalize())
    category = "strength"
    dosing = "sets_reps"
    default_dose = factory.LazyFunction(lambda: {"sets": 2, "reps": 8})
    frequency_kind = "per_week"
    frequency_value = 3
    evidence_level = "expert"
    cues = factory.LazyFunction(lambda: ["Move slowly."])


@functools.cache
def _shipped_catalogue() -> tuple[str, dict[str, Any]]:
    catalogue = load_catalogue_file()
    return catalogue_checksum(catalogue), catalogue_to_dict(catalogue)


def _next_catalogue_number() -> int:
    return (CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1


class CatalogueVersionFactory(factory.django.DjangoModelFactory[CatalogueVersion]):
    """The shipped catalogue as a version: the one already recorded with its content, else the next number."""

    class Meta:
        model = CatalogueVersion
        django_get_or_create = ("checksum",)

    checksum = factory.LazyFunction(lambda: _shipped_catalogue()[0])
    data = factory.LazyFunction(lambda: copy.deepcopy(_shipped_catalogue()[1]))
    number = factory.LazyFunction(_next_catalogue_number)
