"""Settings → Notifications on this phone: where the page's script stores and removes this browser's subscription."""

from __future__ import annotations

from django.urls import path

from accounts import views_push

urlpatterns = [
    path("settings/push/", views_push.push_subscribe, name="push-subscribe"),
    path("settings/push/remove/", views_push.push_unsubscribe, name="push-unsubscribe"),
]
