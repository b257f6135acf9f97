"""A physio's invitations (send, follow, withdraw) and their clearance of a patient's red flags after assessment.

Thin views over `accounts.care` and `programs.services.care`, the services the API calls too. Every page here is a
physio's: a runner gets a 403; a plan of a runner who is not actively linked to this physio is a 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from accounts import care
from accounts.access_log import record_access
from accounts.forms import InvitationForm
from accounts.models import AccessedData, Invitation, User
from programs.clinical.words import urgency_label
from programs.forms.physio import ClearanceForm
from programs.forms.plans import with_revision
from programs.models import Plan
from programs.selectors.today import runner_today
from programs.services.care import plan_clinician_clear
from programs.services.revisions import PlanChanged
from rehabplan.http import AuthenticatedRequest, physio_required


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


@physio_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: AuthenticatedRequest) -> HttpResponse:
    """Invite a runner by e-mail, and see what became of every invitation sent."""
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():

        def link_for(token: str) -> str:
            return request.build_absolute_uri(reverse("accounts:invitation-accept", args=[token]))

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
            return redirect("programs:invitation-list")
    context = {"form": form, "rows": _invitation_rows(request.user)}
    return render(request, "programs/invitations.html", context, status=400 if form.errors else 200)


def _invitation_rows(physio: User) -> list[InvitationRow]:
    now = timezone.now()
    return [
        InvitationRow(invitation, care.invitation_status(invitation, now), care.invitation_expires_at(invitation))
        for invitation in Invitation.objects.filter(physio=physio)
    ]


@physio_required
@require_POST
def invitation_withdraw(request: AuthenticatedRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, physio=request.user)
    try:
        care.invitation_withdraw(invitation=invitation, physio=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn: its link no longer works.")
    return redirect("programs:invitation-list")


# ---------------------------------------------------------------- clearance


def _after_clearance_url(runner_id: int) -> str:
    try:
        return reverse("programs:patient-detail", args=[runner_id])
    except NoReverseMatch:
        return reverse("programs:patients")


@physio_required
@require_http_methods(["GET", "POST"])
def plan_clearance(request: AuthenticatedRequest, runner_id: int, plan_id: int) -> HttpResponse:
    """The referral a patient's plan is held by, and the form that records the assessment and clears it."""
    plan = get_object_or_404(
        Plan.objects.of_patients(request.user).select_related("runner__runner_profile"),
        pk=plan_id,
        runner_id=runner_id,
    )
    record_access(actor=request.user, runner_id=plan.runner_id, what=AccessedData.PLAN)
    today = runner_today(plan.runner)
    data = request.POST if request.method == "POST" else None
    form = ClearanceForm(data, today=today, initial={"start": today, "revision": plan.revision})
    if form.is_valid():
        try:
            plan_clinician_clear(
                plan=plan,
                physio=request.user,
                note=form.cleaned_data["note"],
                start=form.cleaned_data["start"],
                seen_revision=form.cleaned_data["revision"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except PlanChanged as changed:
            return _clearance_changed_page(request, plan, today, changed)
        else:
            start = form.cleaned_data["start"]
            runner_name = care.display_name(plan.runner)
            messages.success(
                request, f"{runner_name} is cleared; their plan goes ahead from {date_format(start, 'D j M')}."
            )
            return redirect(_after_clearance_url(plan.runner_id))
    return _clearance_page(request, plan, form, today, status=400 if form.errors else 200)


def _clearance_changed_page(
    request: AuthenticatedRequest, plan: Plan, today: dt.date, changed: PlanChanged
) -> HttpResponse:
    """Nothing was cleared: what was reported as it is now (a new red flag, say), with the note kept."""
    plan.refresh_from_db()
    form = ClearanceForm(with_revision(request.POST, changed.revision), today=today)
    form.add_error(None, changed.message)
    return _clearance_page(request, plan, form, today, status=409)


def _clearance_page(
    request: AuthenticatedRequest, plan: Plan, form: ClearanceForm, today: dt.date, *, status: int
) -> HttpResponse:
    referral: dict[str, Any] | None = plan.referral
    urgency = urgency_label(referral["urgency"]) if referral else ""
    context = {"plan": plan, "runner_name": care.display_name(plan.runner), "referral": referral, "urgency": urgency}
    context |= {"form": form, "today": today}
    return render(request, "programs/clearance.html", context, status=status)
