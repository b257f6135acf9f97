"""The catalogue in the admin, read-only: the catalogue file is its one source (`manage.py load_catalogue`), and
what is shown here is exactly what the generator reads (the latest loaded CatalogueVersion). An edit here would be
undone by the next load, so none is offered."""

from __future__ import annotations

from django.contrib import admin

from exercises.models import CatalogueVersion, Equipment, Exercise
from rehabplan.admin import ReadOnlyAdminMixin


class _ReadOnly(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Exercise)
class ExerciseAdmin(_ReadOnly):
    list_display = ["name", "slug", "category", "dosing", "evidence_level", "is_active"]
    list_filter = ["category", "dosing", "evidence_level", "is_active"]
    search_fields = ["name", "slug", "description"]


@admin.register(Equipment)
class EquipmentAdmin(_ReadOnly):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(_ReadOnly):
    list_display = ["number", "created_at", "checksum"]
