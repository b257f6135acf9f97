"""The exercise catalogue as the API shows it: the loaded rows, variants and equipment as slugs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from exercises.models import Exercise
from exercises.pictures import frames


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    """One active exercise: how to do it, its default dose, and what it must not be used for."""

    equipment: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    easier: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    harder: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    default_dose = serializers.DictField(
        read_only=True, help_text="Only the dose fields its dosing kind uses, e.g. {'sets': 3, 'reps': 10}."
    )
    cues = serializers.ListField(child=serializers.CharField(), read_only=True)
    common_mistakes = serializers.ListField(child=serializers.CharField(), read_only=True)
    contraindications = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Tags of the stages and findings it is left out of."
    )

    illustration = serializers.SerializerMethodField(
        help_text="The address of its drawing (an SVG file; `?side=left`, `?frame=start`…), or null when it has none."
    )

    class Meta:
        model = Exercise
        fields = (
            "slug",
            "name",
            "category",
            "description",
            "equipment",
            "dosing",
            "default_dose",
            "cues",
            "common_mistakes",
            "contraindications",
            "easier",
            "harder",
            "evidence_level",
            "per_side",
            "source",
            "illustration",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_illustration(self, exercise: Exercise) -> str | None:
        if not frames(exercise.slug):
            return None
        path = reverse("exercise-illustration", kwargs={"slug": exercise.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
