from __future__ import annotations

from django.urls import path

from programs.views.progress import progress

urlpatterns = [
    path("", progress, name="progress"),
]
