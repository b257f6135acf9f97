"""API routes for physios' program work: templates, assigning plans, dose overrides, clearance."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
