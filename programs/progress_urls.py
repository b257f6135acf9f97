from __future__ import annotations

from django.urls import path  # noqa: F401 - the Progress page's routes are added here

urlpatterns: list = []
