from __future__ import annotations

from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercise catalogue"
    default_auto_field = "django.db.models.BigAutoField"
