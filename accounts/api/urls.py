"""API routes: tokens, profile, the physio's digest switch, calendar token, export, account."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenView.as_view(), name="api-auth-token"),
    *router.urls,
    path("profile/", views.ProfileView.as_view(), name="api-profile"),
    path("me/digest/", views.DigestView.as_view(), name="api-digest"),
    path("calendar-token/", views.CalendarTokenView.as_view(), name="api-calendar-token"),
    path("export/", views.ExportView.as_view(), name="api-export"),
    path("account/", views.AccountView.as_view(), name="api-account"),
]
