"""A plan as a printable page and as a PDF download."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
