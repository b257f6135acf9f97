"""Sign-up and the pages behind e-mailed links: confirming an address, and the sign-in link.

A link opened by a mail scanner must not use it up or sign anyone in, so each link opens a page with one button
(a POST); pressing it is what counts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from sesame.utils import get_user  # type: ignore[import-untyped]  # django-sesame ships no types

from accounts import services, verification
from accounts.forms import LoginLinkForm, SignupForm
from accounts.mail_limits import mail_allowed
from accounts.views import MODEL_BACKEND, after_signup_url, safe_next
from rehabplan.client_address import client_address
from rehabplan.http import AuthenticatedRequest


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Every valid sign-up gets the same page, whether or not the address already has an account."""
    if request.user.is_authenticated:
        return redirect("programs:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return render(request, "accounts/signup.html", {"form": form})
    verification.signup_request_from(request, form.cleaned_data)
    return render(request, "accounts/signup_sent.html", {"email": form.cleaned_data["email"]})


@never_cache
@require_http_methods(["GET", "POST"])
def email_verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """GET shows the button; POST confirms the address and signs its owner in (the link proves the mailbox, the
    sign-up proved the password); a new runner goes on to the intake."""
    user = verification.user_for_verification(uidb64, token)
    if user is None:
        context = {"invalid": verification.LINK_NO_LONGER_WORKS, "why": verification.LINK_NO_LONGER_WORKS_WHY}
        return render(request, "accounts/email_verify.html", context, status=400)
    if request.method == "GET":
        return render(request, "accounts/email_verify.html", {"email": user.email})
    first_sign_in = user.last_login is None
    verification.email_mark_verified(user)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, "Your e-mail address is confirmed.")
    return redirect(after_signup_url() if user.is_runner and first_sign_in else reverse("programs:home"))


@login_required
@require_POST
def email_verify_send(request: AuthenticatedRequest) -> HttpResponse:
    """A new confirmation link for the signed-in user, from a page that needs a confirmed address."""
    back = safe_next(request, request.POST.get("next")) or reverse("programs:home")
    if request.user.email_verified:
        messages.success(request, "Your e-mail address is already confirmed.")
        return redirect(back)
    if not mail_allowed(to=request.user.email, client=client_address(request)):
        messages.error(request, "We have sent you several e-mails in the last hour. Please try again in an hour.")
        return redirect(back)
    verification.verification_link_send(
        user=request.user,
        link_for=lambda uid, token: request.build_absolute_uri(reverse("accounts:email-verify", args=[uid, token])),
    )
    messages.success(request, f"We sent a link to {request.user.email}. Open it to confirm your address.")
    return redirect(back)


@never_cache
@require_http_methods(["GET", "POST"])
def login_link_open(request: HttpRequest) -> HttpResponse:
    """GET shows "Sign in" for a valid link without using it; POST (the same query string) signs in."""
    user = get_user(request, scope=services.LOGIN_LINK_SCOPE, update_last_login=False)
    if user is None:
        return render(request, "accounts/login_link_invalid.html", {"link_form": LoginLinkForm()}, status=400)
    if request.method == "GET":
        return render(request, "accounts/login_link_open.html", {"email": user.email})
    # Logging in sets last_login, which is part of the token's signature: the link does not work a second time.
    login(request, user)
    verification.email_mark_verified(user)  # the link came to this mailbox
    return redirect(safe_next(request, request.GET.get("next")) or reverse("programs:home"))
