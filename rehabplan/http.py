"""What every app's page views share: the signed-in request type and the role checks (a physio's, a runner's).

Here rather than in one app so that `accounts` and `programs` pages use the same ones without importing each other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django_htmx.middleware import HtmxDetails

from accounts.models import RunnerProfile, User


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in account."""

    user: User
    htmx: HtmxDetails


def physio_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A physio's page: signing in first (`login_required`), then a runner's account is refused (403), as the API's
    `IsPhysio` refuses it (both ask `User.is_physio`)."""

    @functools.wraps(view)
    def checked(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_physio:
            raise PermissionDenied("Only a physiotherapist's account has patients.")
        return view(request, *args, **kwargs)

    return login_required(checked)


def runner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A runner's page: signing in first (`login_required`); a physio finds no such page (404), as the API's
    `IsRunner` refuses them."""

    @functools.wraps(view)
    def checked(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_runner:
            raise Http404("This page is for runners.")
        return view(request, *args, **kwargs)

    return login_required(checked)


def runner_profile_or_404(request: AuthenticatedRequest) -> RunnerProfile:
    """Settings are a runner's; a physio (who has no runner profile) finds no such page."""
    if not request.user.is_runner:
        raise Http404("Settings are for runners.")
    return get_object_or_404(RunnerProfile, user=request.user)
