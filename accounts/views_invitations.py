"""The page behind a physio's invitation link: who invites, what they will see, and one "Allow" button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import care
from rehabplan.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """GET shows the invitation; POST (the runner's "Allow") links them through the same service as the API."""
    try:
        invitation = care.invitation_from_token(token)
        care.invitation_check_for(invitation, request.user)
        if request.method == "POST":
            link = care.invitation_accept(token=token, runner=request.user)
            messages.success(request, f"{care.display_name(link.physio)} can now follow your plan.")
            return redirect("programs:home")
    except ValidationError as exc:
        return render(request, "accounts/invitation_accept.html", {"problem": exc.messages[0]}, status=400)
    context = {
        "physio_name": care.display_name(invitation.physio),
        "physio_email": invitation.physio.email,
        "note": invitation.note,
        "what_they_see": care.WHAT_THE_PHYSIO_SEES,
        "accepted": invitation.accepted_at is not None,
    }
    return render(request, "accounts/invitation_accept.html", context)
