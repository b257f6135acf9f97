"""The exercise pages (exercises/views.py)."""

from __future__ import annotations

from django.urls import path

from exercises import views

app_name = "exercises"

urlpatterns = [
    path("exercises/", views.exercise_list, name="list"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="detail"),
]
