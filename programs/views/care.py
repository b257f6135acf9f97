"""A physio's invitations: send one, follow what became of each, withdraw one still pending.

Thin views over `accounts.care`, the services the API calls too. Every page here is a physio's: a runner gets a 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from accounts import care
from accounts.forms import InvitationForm
from accounts.models import Invitation

from .common import AuthenticatedRequest


def _physio_only(request: AuthenticatedRequest) -> None:
    if not request.user.is_physio:
        raise PermissionDenied("Only a physiotherapist's account has patients.")


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


# ---------------------------------------------------------------- invitations


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    status: care.InvitationStatus
    expires_at: dt.datetime


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: AuthenticatedRequest) -> HttpResponse:
    """Invite a runner by e-mail, and see what became of every invitation sent."""
    _physio_only(request)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():

        def link_for(token: str) -> str:
            return request.build_absolute_uri(reverse("invitation-accept", args=[token]))

        try:
            invitation = care.invitation_create(
                physio=request.user,
                email=form.cleaned_data["email"],
                note=form.cleaned_data["note"],
                link_for=link_for,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            until = timezone.localtime(care.invitation_expires_at(invitation))
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. Its link works until {date_format(until, 'D j M')}; "
                "you see them in your patients once they allow it.",
            )
            return redirect("invitation-list")
    now = timezone.now()
    rows = [
        InvitationRow(invitation, care.invitation_status(invitation, now), care.invitation_expires_at(invitation))
        for invitation in Invitation.objects.filter(physio=request.user).select_related("accepted_by")
    ]
    status = 400 if form.errors else 200
    return render(request, "programs/invitations.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_POST
def invitation_withdraw(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    _physio_only(request)
    invitation = get_object_or_404(Invitation, pk=invitation_id, physio=request.user)
    try:
        care.invitation_withdraw(invitation=invitation, physio=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn: its link no longer works.")
    return redirect("invitation-list")
