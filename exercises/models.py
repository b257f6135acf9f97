"""The exercise catalogue as rows. The catalogue file is the source; `exercises.services.catalogue_load` writes here."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from exercises.catalogue import (
    CATEGORIES,
    DOSING_KINDS,
    EVIDENCE_LEVELS,
    FREQUENCY_KINDS,
    ExerciseSpec,
    Frequency,
    dose_from_dict,
)


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class Equipment(models.Model):
    """One item of the fixed equipment set (`catalogue.EQUIPMENT_SLUGS`); runners tick what they have."""

    slug = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "equipment"

    def __str__(self) -> str:
        return self.name


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def active(self) -> ExerciseQuerySet:
        return self.filter(is_active=True)

    def with_relations(self) -> ExerciseQuerySet:
        """Everything `Exercise.to_spec()` reads, in two queries whatever the number of rows."""
        return self.select_related("easier", "harder").prefetch_related("equipment")


class Exercise(models.Model):
    """An exercise with its default dose and frequency, cues, contraindication tags and easier/harder variants."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=32, choices=_choices(CATEGORIES))
    description = models.TextField(blank=True)
    equipment = models.ManyToManyField(Equipment, blank=True, related_name="exercises")
    dosing = models.CharField(max_length=16, choices=_choices(DOSING_KINDS))
    default_dose = models.JSONField(default=dict, help_text="Only the fields the dosing kind uses, e.g. {'sets': 2}.")
    frequency_kind = models.CharField(max_length=16, choices=_choices(FREQUENCY_KINDS))
    frequency_value = models.PositiveSmallIntegerField()
    cues = models.JSONField(default=list, blank=True)
    common_mistakes = models.JSONField(default=list, blank=True)
    contraindications = models.JSONField(default=list, blank=True)
    easier = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="harder_of")
    harder = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="easier_of")
    evidence_level = models.CharField(max_length=16, choices=_choices(EVIDENCE_LEVELS))
    per_side = models.BooleanField(default=False, help_text="Done on each leg or side in turn.")
    source = models.TextField(blank=True)
    catalogue_version = models.PositiveIntegerField(default=1)
    # False when the exercise left the catalogue file but a plan still refers to it (it is kept, never prescribed).
    is_active = models.BooleanField(default=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency_value__gt=0), name="exercise_frequency_value_positive"),
            models.CheckConstraint(condition=Q(category__in=CATEGORIES), name="exercise_category_known"),
            models.CheckConstraint(condition=Q(dosing__in=DOSING_KINDS), name="exercise_dosing_known"),
            models.CheckConstraint(condition=Q(frequency_kind__in=FREQUENCY_KINDS), name="exercise_frequency_known"),
            models.CheckConstraint(condition=Q(evidence_level__in=EVIDENCE_LEVELS), name="exercise_evidence_known"),
            models.CheckConstraint(condition=~Q(easier=F("pk")), name="exercise_easier_not_self"),
            models.CheckConstraint(condition=~Q(harder=F("pk")), name="exercise_harder_not_self"),
        ]

    def __str__(self) -> str:
        return self.name

    def to_spec(self) -> ExerciseSpec:
        """The row as the pure generator's `ExerciseSpec`. Use `with_relations()` to avoid a query per row."""
        return ExerciseSpec(
            slug=self.slug,
            name=self.name,
            category=self.category,
            dosing=self.dosing,  # type: ignore[arg-type]  # constrained to DOSING_KINDS
            default_dose=dose_from_dict(self.default_dose, self.dosing),
            frequency=Frequency(kind=self.frequency_kind, value=self.frequency_value),  # type: ignore[arg-type]
            equipment=frozenset(e.slug for e in self.equipment.all()),
            description=self.description,
            cues=tuple(self.cues),
            common_mistakes=tuple(self.common_mistakes),
            contraindications=frozenset(self.contraindications),
            easier=self.easier.slug if self.easier else None,
            harder=self.harder.slug if self.harder else None,
            evidence_level=self.evidence_level,
            source=self.source,
            per_side=self.per_side,
        )


class CatalogueVersionQuerySet(models.QuerySet["CatalogueVersion"]):
    def latest_loaded(self) -> CatalogueVersion | None:
        return self.order_by("-number").first()


class CatalogueVersion(models.Model):
    """The catalogue as one `load_catalogue` wrote it. New plans are generated from the latest; a plan keeps the
    version it was generated from, so a later edit of the catalogue file never changes it by itself."""

    number = models.PositiveIntegerField(unique=True)
    checksum = models.CharField(max_length=64)
    data = models.JSONField(help_text="The catalogue's plain form (exercises.catalogue.catalogue_to_dict).")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CatalogueVersionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"catalogue v{self.number}"
