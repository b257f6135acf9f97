"""API routes for physios and their patients: patients, invitations, the runner's physios, messages."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from accounts.api import care_views

router = SimpleRouter()
router.register("patients", care_views.PatientViewSet, basename="api-patient")
router.register("invitations", care_views.InvitationViewSet, basename="api-invitation")
router.register("physios", care_views.MyPhysioViewSet, basename="api-physio")
router.register("messages", care_views.MessageViewSet, basename="api-message")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
