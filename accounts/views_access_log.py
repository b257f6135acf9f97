"""The runner's access log: which physio or staff member read or changed their data, and when (`accounts.access_log`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.access_log import ACCESS_LOG_DAYS, NO_ACCESS_YET, access_entry, recent_accesses, runner_zone
from rehabplan.http import AuthenticatedRequest, runner_required

ENTRIES_PER_PAGE = 50


@runner_required
def access_log(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(recent_accesses(request.user), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    zone = runner_zone(request.user)
    context = {
        "page": page,
        "entries": [access_entry(entry, zone) for entry in page],
        "days": ACCESS_LOG_DAYS,
        "empty": NO_ACCESS_YET,
    }
    return render(request, "accounts/access_log.html", context)
