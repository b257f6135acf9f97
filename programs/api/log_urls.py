"""API routes for logging: session and run logs, morning checks."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from programs.api.views import logs as log_views

router = SimpleRouter()
router.register("logs", log_views.SessionLogViewSet, basename="api-log")
router.register("morning-checks", log_views.MorningCheckViewSet, basename="api-morning-check")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
