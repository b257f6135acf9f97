"""Account pages: log in (password, or sending an e-mailed link), a runner stopping a physio following their plan, and
the page after deletion. Sign-up and the pages behind e-mailed links are `accounts.views_verification`.

Thin views: forms check input, `accounts.services` and `accounts.care` write. The Settings page, its calendar feed,
export and account deletion read or write plans and reminders, so they are programs' (`programs.views.settings`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import care, services
from accounts.forms import LoginForm, LoginLinkForm
from accounts.mail_limits import mail_allowed
from accounts.models import CareLink
from rehabplan.client_address import client_address
from rehabplan.http import AuthenticatedRequest, runner_profile_or_404

# Where a confirmation link signs in after sign-up, which proved the password: the session records that backend.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def after_signup_url() -> str:
    try:
        return reverse("programs:intake-start")
    except NoReverseMatch:
        return reverse("programs:home")


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


# ---------------------------------------------------------------- sign up and log in


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
    next_url = safe_next(request, request.POST.get("next"))
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
