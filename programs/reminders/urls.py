"""The unsubscribe link that reminder e-mails carry."""

from __future__ import annotations

from django.urls import path

from programs.reminders import views as reminders

urlpatterns = [
    path("reminders/unsubscribe/<str:token>/", reminders.reminders_unsubscribe_view, name="reminders-unsubscribe"),
]
