"""The page behind a physio's invitation link: who invites, what they will see, and one "Allow" button.

It names the physio and nothing clinical: their note reaches the runner as a message once a confirmed account has
allowed it. An account whose address is not confirmed yet is offered a confirmation link instead of "Allow"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import care
from accounts.models import Invitation
from rehabplan.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """GET shows the invitation; POST (the runner's "Allow") links them through the same service as the API."""
    try:
        invitation = care.invitation_from_token(token)
        if not request.user.email_verified:
            return render(
                request, "accounts/invitation_accept.html", _context(invitation, request.path, unverified=True)
            )
        care.invitation_check_for(invitation, request.user)
        if request.method == "POST":
            link = care.invitation_accept(token=token, runner=request.user)
            messages.success(request, f"{care.display_name(link.physio)} can now follow your plan.")
            return redirect("programs:home")
    except ValidationError as exc:
        return render(request, "accounts/invitation_accept.html", {"problem": exc.messages[0]}, status=400)
    return render(request, "accounts/invitation_accept.html", _context(invitation, request.path))


def _context(invitation: Invitation, path: str, *, unverified: bool = False) -> dict[str, object]:
    return {
        "physio_name": care.display_name(invitation.physio),
        "physio_email": invitation.physio.email,
        "what_they_see": care.WHAT_THE_PHYSIO_SEES,
        "accepted": invitation.accepted_at is not None,
        "unverified": unverified,
        "here": path,
    }
