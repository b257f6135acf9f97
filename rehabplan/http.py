"""What every app's page views share: the signed-in request type and the role checks.

Here rather than in one app so that `accounts` and `programs` pages use the same ones without importing each other.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind `login_required`: its user is a signed-in account."""

    user: User
    htmx: HtmxDetails


def require_physio(request: AuthenticatedRequest) -> None:
    if not request.user.is_physio:
        raise PermissionDenied("Only a physiotherapist's account has patients.")
