"""Invitations (physio invites, runner allows or revokes) and a physio's clearance of red flags."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
