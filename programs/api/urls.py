"""API routes: pathways, intakes, plans and their days, weeks, changes and archive."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from programs.api.views.plans import IntakeViewSet, PathwayViewSet, PlanChangeListView, PlanViewSet

router = SimpleRouter()
router.register("pathways", PathwayViewSet, basename="pathway")
router.register("intakes", IntakeViewSet, basename="intake")
router.register("plans", PlanViewSet, basename="plan")

urlpatterns: list[URLPattern | URLResolver] = [
    path("plans/<int:pk>/changes/", PlanChangeListView.as_view(), name="plan-changes"),
    *router.urls,
]
