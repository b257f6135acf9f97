"""API routes of the exercise catalogue."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from exercises.api.views import ExerciseViewSet

router = SimpleRouter()
router.register("exercises", ExerciseViewSet, basename="exercise")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
