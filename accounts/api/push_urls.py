"""API routes: the signed-in user's Web Push subscriptions."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from accounts.api.push import PushSubscriptionsView

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/push-subscriptions/", PushSubscriptionsView.as_view(), name="api-push-subscriptions"),
]
