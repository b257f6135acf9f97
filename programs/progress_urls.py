from __future__ import annotations

from django.urls import path

from .views.progress import progress

urlpatterns = [
    path("", progress, name="progress"),
]
