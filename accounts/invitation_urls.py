"""The link in a physio's invitation e-mail (accounts.care.invitation_create)."""

from __future__ import annotations

from django.urls import path

from accounts import views_invitations

urlpatterns = [
    path("invitations/<str:token>/", views_invitations.invitation_accept, name="invitation-accept"),
]
