from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import register


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercise catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from exercises import checks  # here, as Django advises: app modules are imported once the registry is full

        register(checks.check_every_exercise_is_drawn)
