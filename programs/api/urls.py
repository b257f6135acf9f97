"""API routes: pathways, intakes, plans and their days, weeks, changes and archive."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
