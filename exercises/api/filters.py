"""Catalogue filters: by category, by equipment and by contraindication tag (or leaving a tag out)."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from exercises.catalogue import CATEGORIES, CONTRAINDICATION_TAGS, EQUIPMENT_SLUGS
from exercises.models import Exercise
from rehabplan.api_fields import StrictFilterSet


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def _tagged(queryset: QuerySet[Exercise], tag: str) -> QuerySet[Exercise]:
    # The tag is one of CONTRAINDICATION_TAGS (the ChoiceFilter checked it), so matching its quoted JSON text is exact
    # and works on SQLite as well as PostgreSQL (JSON containment does not).
    return queryset.filter(contraindications__icontains=f'"{tag}"')


class ExerciseFilter(StrictFilterSet):
    category = filters.ChoiceFilter(choices=_choices(CATEGORIES))
    equipment = filters.ChoiceFilter(
        field_name="equipment__slug", choices=_choices(EQUIPMENT_SLUGS), label="Needs this equipment (a slug)."
    )
    contraindication = filters.ChoiceFilter(
        choices=_choices(CONTRAINDICATION_TAGS), method="filter_contraindication", label="Carries this tag."
    )
    exclude_contraindication = filters.ChoiceFilter(
        choices=_choices(CONTRAINDICATION_TAGS), method="filter_exclude_contraindication", label="Leaves this tag out."
    )

    class Meta:
        model = Exercise
        fields = ("category", "equipment", "contraindication", "exclude_contraindication")

    def filter_contraindication(self, queryset: QuerySet[Exercise], name: str, value: str) -> QuerySet[Exercise]:
        return _tagged(queryset, value)

    def filter_exclude_contraindication(
        self, queryset: QuerySet[Exercise], name: str, value: str
    ) -> QuerySet[Exercise]:
        return queryset.exclude(pk__in=_tagged(Exercise.objects.all(), value).values("pk"))
