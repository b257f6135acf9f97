"""Account pages: sign up, log in (password or e-mailed link), settings, the calendar feed, data export, deletion.

Thin views: forms check input, `accounts.services` writes, `accounts.exports` and `programs.outputs.calendar` read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from sesame.utils import get_user  # type: ignore[import-untyped]  # django-sesame ships no types

from accounts import care, exports, services
from accounts.forms import (
    SETTINGS_FORM_ID,
    AccountDeleteForm,
    ApiTokenForm,
    LoginForm,
    LoginLinkForm,
    RunnerSettingsForm,
    SignupForm,
)
from accounts.models import ApiToken, CareLink, RunnerProfile
from programs.models import Plan
from programs.outputs import calendar as calendar_feed
from programs.reminders.messages import long_date
from programs.reminders.times import zone_or_utc
from programs.selectors import plans as selectors
from rehabplan.http import AuthenticatedRequest

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

    services.login_link_send(email=form.cleaned_data["email"], link_for=link_for)
    # The same answer whether or not the address has an account, so this page tells nobody who uses RehabPlan.
    return render(request, "accounts/login_link_sent.html", {"email": form.cleaned_data["email"]})


@never_cache
@require_GET
def login_link_open(request: HttpRequest) -> HttpResponse:
    user = get_user(request, scope=services.LOGIN_LINK_SCOPE, update_last_login=False)
    if user is None:
        return render(request, "accounts/login_link_invalid.html", {"link_form": LoginLinkForm()}, status=400)
    # Logging in sets last_login, which is part of the token's signature: the link does not work a second time.
    login(request, user)
    return redirect(_safe_next(request, request.GET.get("next")) or reverse("programs:home"))


# ---------------------------------------------------------------- settings


def _runner_profile(request: AuthenticatedRequest) -> RunnerProfile:
    """Settings are a runner's; a physio (who has no runner profile) finds no such page."""
    if not request.user.is_runner:
        raise Http404("Settings are for runners.")
    return get_object_or_404(RunnerProfile, user=request.user)


def _calendar_urls(request: HttpRequest, profile: RunnerProfile) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("accounts:calendar-feed", args=[profile.calendar_token]))
    return {"calendar_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


def _settings_form(profile: RunnerProfile, data: Any = None) -> RunnerSettingsForm:
    initial = {name: getattr(profile, name) for name in RunnerProfile.SETTINGS}
    paused_until = profile.reminders_paused_until
    if paused_until is not None and paused_until < selectors.local_today(profile.timezone):
        initial["reminders_paused_until"] = None  # a pause that has run out is over, not a choice to keep showing
    return RunnerSettingsForm(data, initial=initial, current_timezone=profile.timezone)


def _next_reminder_text(profile: RunnerProfile) -> str:
    """When the runner's next reminder comes, on their clock, so they can see their choices took effect."""
    if profile.next_reminder_at is None:
        return ""
    local = profile.next_reminder_at.astimezone(zone_or_utc(profile.timezone))
    return f"Your next reminder: {long_date(local.date())} at {local:%H:%M}."


def _settings_page(
    request: AuthenticatedRequest, profile: RunnerProfile, form: RunnerSettingsForm, **extra: Any
) -> HttpResponse:
    context = {
        "form": form,
        "settings_form_id": SETTINGS_FORM_ID,
        "next_reminder": _next_reminder_text(profile),
        **_calendar_urls(request, profile),
        "api_tokens": ApiToken.objects.for_user(request.user),
        "token_form": ApiTokenForm(),
        "physio_links": care.active_links_of_runner(request.user),
        "physio_invitations": [
            (invitation, reverse("accounts:invitation-accept", args=[care.invitation_token(invitation)]))
            for invitation in care.pending_invitations_for(request.user)
        ],
        **extra,
    }
    invalid = form.errors or context["token_form"].errors
    return render(request, "accounts/settings.html", context, status=400 if invalid else 200)


@login_required
@require_http_methods(["GET", "POST"])
def runner_settings(request: AuthenticatedRequest) -> HttpResponse:
    profile = _runner_profile(request)
    form = _settings_form(profile, request.POST if request.method == "POST" else None)
    if form.is_valid():
        chosen = {name: form.cleaned_data[name] for name in RunnerProfile.SETTINGS}
        timezone_name = chosen.pop("timezone")
        try:
            services.runner_settings_update(user=request.user, timezone_name=timezone_name, **chosen)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("accounts:settings")
    return _settings_page(request, profile, form)


@login_required
@require_POST
def calendar_token_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    profile = _runner_profile(request)
    services.calendar_token_regenerate(user=request.user)
    done = "Your calendar has a new link. The old link no longer works: subscribe again with this one."
    if request.htmx:  # the calendar section is swapped in place
        profile.refresh_from_db()
        context = {**_calendar_urls(request, profile), "calendar_message": done}
        return render(request, "accounts/settings.html#calendar", context)
    messages.success(request, done)
    return redirect(reverse("accounts:settings") + "#calendar")


@login_required
@require_POST
def api_token_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new token for an app; its key is on this page only (never stored, so no redirect can show it again)."""
    profile = _runner_profile(request)
    token_form = ApiTokenForm(request.POST)
    extra: dict[str, Any] = {"token_form": token_form}
    if token_form.is_valid():
        try:
            token, key = services.api_token_create(user=request.user, name=token_form.cleaned_data["name"])
        except ValidationError as error:
            token_form.add_error(None, error.messages)
        else:
            extra = {"new_token": token, "new_key": key}
    response = _settings_page(request, profile, _settings_form(profile), **extra)
    response["Cache-Control"] = "no-store"  # the key must not stay in any cache
    return response


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedRequest, token_id: int) -> HttpResponse:
    _runner_profile(request)
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=token_id)
    services.api_token_revoke(user=request.user, token_id=token.pk)
    messages.success(request, f"The token “{token.name or token.prefix}” is revoked: apps using it are signed out.")
    return redirect(reverse("accounts:settings") + "#api-tokens")


@login_required
@require_http_methods(["GET", "POST"])
def physio_revoke(request: AuthenticatedRequest, physio_id: int) -> HttpResponse:
    """GET asks the runner to confirm in plain words; POST stops the physio seeing the plan, from their next request."""
    _runner_profile(request)
    link = get_object_or_404(care.active_links_of_runner(request.user), physio_id=physio_id)
    name = care.display_name(link.physio)
    if request.method == "POST":
        try:
            care.care_link_revoke(runner=request.user, physio_id=physio_id)
        except CareLink.DoesNotExist:  # revoked by another request in the meantime: nothing left to stop
            raise Http404("No active link with this physio.") from None
        messages.success(request, f"{name} no longer sees your plan. To share it again, ask them for a new invitation.")
        return redirect(reverse("accounts:settings") + "#physios")
    return render(request, "accounts/physio_revoke.html", {"link": link, "physio_name": name})


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    profile = get_object_or_404(
        RunnerProfile.objects.select_related("user"), calendar_token=token, user__is_active=True
    )
    plan = selectors.runner_current_plan(profile.user)

    def day_url(plan: Plan, date: Any) -> str:
        return request.build_absolute_uri(reverse("programs:plan-day", args=[plan.pk, date]))

    body = calendar_feed.runner_calendar(plan, units=profile.units, day_url=day_url, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rehabplan.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------- your data


def _download(body: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"rehabplan-my-data-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_json(request: AuthenticatedRequest) -> HttpResponse:
    data = exports.account_export(request.user)
    return _download(exports.export_json(data), "application/json; charset=utf-8", "json")


@login_required
@require_GET
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    data = exports.account_export(request.user)
    return _download(exports.export_csv(data), "text/csv; charset=utf-8", "csv")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        user = request.user
        try:
            services.account_delete(user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            return redirect("accounts:account-deleted")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/deleted.html")
