"""Account pages: sign up, log in (password or e-mailed link), a runner stopping a physio following their plan, and
the page after deletion.

Thin views: forms check input, `accounts.services` and `accounts.care` write. The Settings page, its calendar feed,
export and account deletion read or write plans and reminders, so they are programs' (`programs.views.settings`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from sesame.utils import get_user  # type: ignore[import-untyped]  # django-sesame ships no types

from accounts import care, services
from accounts.forms import LoginForm, LoginLinkForm, SignupForm
from accounts.mail_limits import mail_allowed
from accounts.models import CareLink
from rehabplan.client_address import client_address
from rehabplan.http import AuthenticatedRequest, runner_profile_or_404

# Signing up proves the password, not a link: the session records the password backend.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _after_signup_url() -> str:
    try:
        return reverse("programs:intake-start")
    except NoReverseMatch:
        return reverse("programs:home")


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


# ---------------------------------------------------------------- sign up and log in


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("programs:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            user = services.user_create(email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        except IntegrityError:
            # Two sign-ups with one address at the same moment: the other one won.
            form.add_error("email", "There is already an account with this e-mail address. Log in instead.")
        else:
            login(request, user, backend=MODEL_BACKEND)
            return redirect(_after_signup_url())
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    """The password form and, on the same page, the form that e-mails a sign-in link."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("link_form", LoginLinkForm())
        return context


@require_POST
def login_link_send(request: HttpRequest) -> HttpResponse:
    form = LoginLinkForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        context = {"form": LoginForm(request), "link_form": form, "next": next_url or ""}
        return render(request, "registration/login.html", context)

    def link_for(query_string: str) -> str:
        url = reverse("accounts:login-link-open") + query_string
        if next_url:
            url += "&" + urlencode({"next": next_url})
        return request.build_absolute_uri(url)

    email = form.cleaned_data["email"]
    if mail_allowed(to=email, client=client_address(request)):
        services.login_link_send(email=email, link_for=link_for)
    # The same answer whether or not the address has an account or is over its e-mail limit, so this page tells
    # nobody who uses RehabPlan.
    return render(request, "accounts/login_link_sent.html", {"email": email})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset form, within the e-mail limits: over them nothing is sent and the answer is the same."""

    def form_valid(self, form: Any) -> HttpResponse:
        if mail_allowed(to=form.cleaned_data["email"], client=client_address(self.request)):
            return super().form_valid(form)
        return redirect(self.get_success_url())


@never_cache
@require_GET
def login_link_open(request: HttpRequest) -> HttpResponse:
    user = get_user(request, scope=services.LOGIN_LINK_SCOPE, update_last_login=False)
    if user is None:
        return render(request, "accounts/login_link_invalid.html", {"link_form": LoginLinkForm()}, status=400)
    # Logging in sets last_login, which is part of the token's signature: the link does not work a second time.
    login(request, user)
    return redirect(_safe_next(request, request.GET.get("next")) or reverse("programs:home"))


# ---------------------------------------------------------------- Settings → My physios


@login_required
@require_http_methods(["GET", "POST"])
def physio_revoke(request: AuthenticatedRequest, physio_id: int) -> HttpResponse:
    """GET asks the runner to confirm in plain words; POST stops the physio seeing the plan, from their next request."""
    runner_profile_or_404(request)
    link = get_object_or_404(care.active_links_of_runner(request.user), physio_id=physio_id)
    name = care.display_name(link.physio)
    if request.method == "POST":
        try:
            care.care_link_revoke(runner=request.user, physio_id=physio_id)
        except CareLink.DoesNotExist:  # revoked by another request in the meantime: nothing left to stop
            raise Http404("No active link with this physio.") from None
        messages.success(request, f"{name} no longer sees your plan. To share it again, ask them for a new invitation.")
        return redirect(reverse("programs:settings") + "#physios")
    return render(request, "accounts/physio_revoke.html", {"link": link, "physio_name": name})


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html")
