"""The runner's Settings page (their first name, time zone, units, reminder choices, calendar link, API tokens, their
physios), the calendar feed it links to, "Download all my data" and account deletion.

Here, not in accounts: the page shows the next reminder and the plan's days, saving it skips queued reminders, and
the export and the deletion read and delete plans and logs. Thin views: forms check input;
`programs.services.runner_settings`, `programs.services.account_deletion` and `accounts.services` write;
`programs.outputs.export` and `programs.outputs.calendar` read.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import care, services
from accounts.forms import SETTINGS_FORM_ID, AccountDeleteForm, ApiTokenForm, NameForm, RunnerSettingsForm
from accounts.models import ApiToken, RunnerProfile
from programs.models import Plan
from programs.outputs import calendar as calendar_feed
from programs.outputs import export
from programs.reminders.messages import long_date
from programs.reminders.times import zone_or_utc
from programs.selectors import plans as selectors
from programs.selectors.today import local_today
from programs.services import account_deletion
from programs.services.runner_settings import runner_settings_update
from rehabplan.http import AuthenticatedRequest, runner_profile_or_404

# ---------------------------------------------------------------- Settings


def _calendar_urls(request: HttpRequest, profile: RunnerProfile) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("programs:calendar-feed", args=[profile.calendar_token]))
    return {"calendar_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


def _settings_form(profile: RunnerProfile, data: Any = None) -> RunnerSettingsForm:
    initial = {name: getattr(profile, name) for name in RunnerProfile.SETTINGS}
    paused_until = profile.reminders_paused_until
    if paused_until is not None and paused_until < local_today(profile.timezone):
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
        "name_form": NameForm(initial={"first_name": request.user.first_name}),
        "physio_links": care.active_links_of_runner(request.user),
        "physio_invitations": [
            (invitation, reverse("accounts:invitation-accept", args=[care.invitation_token(invitation)]))
            for invitation in care.pending_invitations_for(request.user)
        ],
        **extra,
    }
    invalid = form.errors or context["token_form"].errors or context["name_form"].errors
    return render(request, "accounts/settings.html", context, status=400 if invalid else 200)


@login_required
@require_http_methods(["GET", "POST"])
def runner_settings(request: AuthenticatedRequest) -> HttpResponse:
    profile = runner_profile_or_404(request)
    form = _settings_form(profile, request.POST if request.method == "POST" else None)
    if form.is_valid():
        chosen = {name: form.cleaned_data[name] for name in RunnerProfile.SETTINGS}
        timezone_name = chosen.pop("timezone")
        try:
            runner_settings_update(user=request.user, timezone_name=timezone_name, **chosen)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("programs:settings")
    return _settings_page(request, profile, form)


@login_required
@require_POST
def first_name_update(request: AuthenticatedRequest) -> HttpResponse:
    profile = runner_profile_or_404(request)
    name_form = NameForm(request.POST)
    if name_form.is_valid():
        services.user_first_name_set(user=request.user, first_name=name_form.cleaned_data["first_name"])
        messages.success(request, "Your name is saved.")
        return redirect(reverse("programs:settings") + "#name")
    return _settings_page(request, profile, _settings_form(profile), name_form=name_form)


@login_required
@require_POST
def calendar_token_regenerate(request: AuthenticatedRequest) -> HttpResponse:
    profile = runner_profile_or_404(request)
    services.calendar_token_regenerate(user=request.user)
    done = "Your calendar has a new link. The old link no longer works: subscribe again with this one."
    if request.htmx:  # the calendar section is swapped in place
        profile.refresh_from_db()
        context = {**_calendar_urls(request, profile), "calendar_message": done}
        return render(request, "accounts/settings.html#calendar", context)
    messages.success(request, done)
    return redirect(reverse("programs:settings") + "#calendar")


@login_required
@require_POST
def api_token_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new token for an app; its key is on this page only (never stored, so no redirect can show it again)."""
    profile = runner_profile_or_404(request)
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
    runner_profile_or_404(request)
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=token_id)
    services.api_token_revoke(user=request.user, token_id=token.pk)
    messages.success(request, f"“{token.name or token.prefix}” is disconnected: its key no longer works.")
    return redirect(reverse("programs:settings") + "#api-tokens")


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


# ---------------------------------------------------------------- Settings → Your data


def _download(body: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    name = f"rehabplan-my-data-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def export_json(request: AuthenticatedRequest) -> HttpResponse:
    data = export.account_export(request.user)
    return _download(export.export_json(data), "application/json; charset=utf-8", "json")


@login_required
@require_GET
def export_csv(request: AuthenticatedRequest) -> HttpResponse:
    data = export.account_export(request.user)
    return _download(export.export_csv(data), "text/csv; charset=utf-8", "csv")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        user = request.user
        try:
            account_deletion.account_delete(user=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            return redirect("accounts:account-deleted")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
