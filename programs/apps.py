from __future__ import annotations

from django.apps import AppConfig
from django.core.checks import register


class ProgramsConfig(AppConfig):
    name = "programs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from programs import checks  # here, as Django advises: app modules are imported once the registry is full

        register(checks.check_pathways_fit_the_catalogue)
        register(checks.check_retries_wait_less_than_the_visibility_timeout)
