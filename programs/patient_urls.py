"""A physio's patient detail page and the message thread with each runner (physio and runner side)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
