from __future__ import annotations

from django.urls import path  # noqa: F401 - the intake wizard's routes are added here

app_name = "intake"
urlpatterns: list = []
