"""How the login lockout (django-axes, settings `AXES_*`) counts and answers.

Every password check goes through `django.contrib.auth.authenticate`, so the web login, the admin login and the API's
token endpoint share one count, kept in the database (shared by every worker and host, and still counting when Redis
is down). A password attempt counts against its account and against its client address (`rehabplan.client_address`);
either reaching `LOGIN_FAILURE_LIMIT` refuses passwords for `LOGIN_LOCKOUT_MINUTES`, the right one included.

The e-mailed sign-in link carries no account name, so it counts against the client address only: an attacker's
failures on an account never stop its owner signing in with a link from their own address. Asking for links is limited
by the e-mail limits (`accounts.mail_limits`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.forms import LoginLinkForm
from rehabplan.api import error_body

LOCKED_OUT_DETAIL = (
    "Too many wrong passwords for this account or from this network. Try again in {minutes} minutes, "
    "or ask for a sign-in link by e-mail."
)


def login_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt names, as it is looked up (case and spaces ignored): `Runner@X` and `runner@x ` are one
    account, so changing the case does not give a fresh count."""
    username = (credentials or {}).get("username")
    return username.strip().lower() if isinstance(username, str) else None


def lockout_parameters(request_or_attempt: Any, credentials: dict[str, Any] | None) -> list[str]:
    # A sign-in link names no account: counting it under "no username" would add every link's failures together.
    named = (credentials or {}).get("username") or getattr(request_or_attempt, "username", None)
    return ["username", "ip_address"] if named else ["ip_address"]


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    detail = LOCKED_OUT_DETAIL.format(minutes=minutes)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(detail), status=429)
    else:
        context = {"detail": detail, "link_form": LoginLinkForm()}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
