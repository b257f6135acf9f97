"""The installable app: web manifest, service worker and the list of pages to keep for offline use."""

from __future__ import annotations

from django.urls import path  # noqa: F401 - routes are added here

urlpatterns: list = []
