from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Plan


def home(request: HttpRequest) -> HttpResponse:
    """Landing page; a runner sees their latest plan, a physio their linked patients' plans."""
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        plans = Plan.objects.for_user(request.user)
        if request.user.is_physio:
            context["plans"] = plans.exclude(runner=request.user).select_related("runner")
        else:
            context["plan"] = plans.filter(runner=request.user).with_sessions().first()
    return render(request, "home.html", context)
