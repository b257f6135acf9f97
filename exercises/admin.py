from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from .catalogue import CONTRAINDICATION_TAGS, dose_from_dict
from .models import Equipment, Exercise


class ExerciseAdminForm(forms.ModelForm):
    """Applies the catalogue file's rules to hand edits, so the admin cannot save a dose the generator would reject."""

    class Meta:
        model = Exercise
        fields = "__all__"  # noqa: DJ007  # the admin edits every catalogue field

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dosing, dose = data.get("dosing"), data.get("default_dose")
        if dosing and dose is not None:
            try:
                dose_from_dict(dose, dosing)
            except ValueError as exc:
                self.add_error("default_dose", str(exc))
        tags = data.get("contraindications") or []
        if not isinstance(tags, list) or any(t not in CONTRAINDICATION_TAGS for t in tags):
            self.add_error("contraindications", f"Use a list of: {', '.join(CONTRAINDICATION_TAGS)}.")
        for key in ("cues", "common_mistakes"):
            value = data.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.add_error(key, "Use a list of texts.")
        return data


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    form = ExerciseAdminForm
    list_display = ["name", "slug", "category", "dosing", "evidence_level", "is_active"]
    list_filter = ["category", "dosing", "evidence_level", "is_active"]
    search_fields = ["name", "slug", "description"]
    filter_horizontal = ["equipment"]
    autocomplete_fields = ["easier", "harder"]
    readonly_fields = ["catalogue_version"]
    list_select_related = False


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
