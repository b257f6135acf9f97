"""Invitations (physio invites, runner allows or revokes) and a physio's clearance of red flags."""

from __future__ import annotations

from django.urls import URLPattern, path

from accounts import views as account_views
from programs.views import care

urlpatterns: list[URLPattern] = [
    path("patients/invitations/", care.invitation_list, name="invitation-list"),
    path(
        "patients/invitations/<int:invitation_id>/withdraw/",
        care.invitation_withdraw,
        name="invitation-withdraw",
    ),
    # The runner's side: in Settings, they stop a physio seeing their plan.
    path("settings/physios/<int:physio_id>/revoke/", account_views.physio_revoke, name="physio-revoke"),
    path(
        "patients/<int:runner_id>/plans/<int:plan_id>/clearance/",
        care.plan_clearance,
        name="plan-clearance",
    ),
]
