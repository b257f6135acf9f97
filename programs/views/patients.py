"""A physio's patients at a glance: the same rows, sorting and filters as `GET /api/v1/patients/`; and the switch of
the hourly e-mail about them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from programs.forms.physio import DigestSwitchForm, PatientFilterForm
from programs.selectors import patients
from programs.services import runner_settings
from programs.views.sorting import Column, sort_headers
from rehabplan.http import AuthenticatedRequest, physio_required

# The table's columns; a header sorts by its `?ordering=` key (the API's), pains and flags highest first.
PATIENT_COLUMNS = (
    Column("Patient", "name"),
    Column("Needs attention", "flags", descending_first=True),
    Column("Program"),
    Column("Done, last 7 days", "adherence_7"),
    Column("Done, last 28 days", "adherence_28"),
    Column("Last pain during exercise", "last_pain", descending_first=True),
    Column("Last next-morning pain", "last_morning_pain", descending_first=True),
    Column("Last log", "days_since_last_log", descending_first=True),
)


@physio_required
def patient_list(request: AuthenticatedRequest) -> HttpResponse:
    return patient_list_page(request)


def patient_list_page(request: AuthenticatedRequest, digest_form: DigestSwitchForm | None = None) -> HttpResponse:
    """Every actively linked runner with what a physio triages by, filtered and sorted as the form asks."""
    form = PatientFilterForm(request.GET or None)
    rows = patients.patient_rows(request.user, today=timezone.localdate())
    status, ordering = 200, ""
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        chosen = form.cleaned_data
        rows = patients.filter_rows(rows, flag=chosen["flag"] or None, pathway=chosen["pathway"] or None)
        ordering = chosen["ordering"]
    rows = patients.sort_rows(rows, ordering or None)
    if digest_form is not None:  # the digest switch was refused: the page again, with its error
        status = 400
    headers = sort_headers(request.GET, "ordering", PATIENT_COLUMNS, current=ordering or "-flags")
    context = {"rows": rows, "form": form, "digest_form": digest_form, "headers": headers}
    return render(request, "programs/patients.html", context, status=status)


@physio_required
@require_POST
def physio_digest(request: AuthenticatedRequest) -> HttpResponse:
    """The physio turns their hourly e-mail about patients who need attention on or off."""
    form = DigestSwitchForm(request.POST)
    if not form.is_valid():
        return patient_list_page(request, digest_form=form)
    enabled = form.cleaned_data["enabled"]
    runner_settings.physio_digest_set(user=request.user, enabled=enabled)
    if enabled:
        messages.success(request, "You will get an e-mail each hour when patients need your attention.")
    else:
        messages.success(request, "The hourly e-mail about your patients is off. You can turn it back on here.")
    return redirect(reverse("programs:patients") + "#digest")
