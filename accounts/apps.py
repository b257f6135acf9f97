from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import cached_access, schema  # noqa: F401 - schema registers the token scheme with OpenAPI

        cached_access.connect()
