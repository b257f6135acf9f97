"""What the account endpoints read and write: tokens, the runner's settings, the calendar link, account deletion.

Serializers only validate and shape; `accounts.services` writes, and the settings and deletion are written by
programs' services (`programs.api.views.settings`), because they change reminders, plans and logs.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ApiToken, RunnerProfile, Units
from accounts.services import API_TOKEN_NAME_MAX
from rehabplan import api_fields

# One sentence whichever of the two was wrong, so the endpoint cannot be used to find out who has an account.
WRONG_LOGIN = "That e-mail address and password do not match an account. Check them and try again."
MAX_TIMEZONE = RunnerProfile._meta.get_field("timezone").max_length or 64


class TokenLoginSerializer(serializers.Serializer[Any]):
    email = api_fields.CharField(max_length=254, trim_whitespace=True)
    password = api_fields.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    name = api_fields.CharField(
        max_length=API_TOKEN_NAME_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text='What the token is for, to tell it apart in Settings ("My phone").',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The password backend: it refuses inactive users and reads the e-mail case-insensitively (the natural key).
        request = self.context.get("request")
        # Django's request, not DRF's wrapper: the login lockout marks it, and its middleware answers with a 429.
        http_request = getattr(request, "_request", request)
        user = authenticate(http_request, username=attrs["email"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(WRONG_LOGIN)
        attrs["user"] = user
        return attrs


class TokenCreatedSerializer(serializers.ModelSerializer[ApiToken]):
    key = serializers.SerializerMethodField(help_text="The secret. Shown only in this response: store it now.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "key", "prefix", "created_at"]
        read_only_fields = fields

    def get_key(self, token: ApiToken) -> str:
        return str(self.context["key"])


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    current = serializers.SerializerMethodField(help_text="True for the token this request was made with.")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "current"]
        read_only_fields = fields

    def get_current(self, token: ApiToken) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "07:30"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day as "HH:MM" (read and written; "HH:MM:SS" is accepted too). OpenAPI's `format: time` would
    promise RFC 3339's seconds and offset, which a reminder time does not have."""


class ProfileSerializer(serializers.Serializer[Any]):
    """A runner's settings. PATCH any of the writable fields; the others keep their values."""

    email = serializers.EmailField(read_only=True, source="user.email")
    timezone = api_fields.CharField(
        max_length=MAX_TIMEZONE, help_text='An IANA time zone name, such as "Europe/London". Days follow it.'
    )
    reminder_time = ClockTimeField(
        format="%H:%M",
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text="When the day's reminder comes, \"HH:MM\" in the runner's time zone.",
        error_messages={"invalid": "Enter a time such as 07:30."},
    )
    units = serializers.ChoiceField(
        choices=Units.choices, error_messages={"invalid_choice": "Choose km (kilometres) or mi (miles)."}
    )
    reminders_enabled = api_fields.BooleanField(help_text="The master switch: false sends no reminder of any kind.")
    remind_sessions = api_fields.BooleanField(help_text="On session days: what to do today.")
    remind_morning_check = api_fields.BooleanField(help_text="The morning after a session: how the legs feel.")
    remind_missed_sessions = api_fields.BooleanField(help_text="The day after a missed session: a gentle nudge.")
    remind_plan_changes = api_fields.BooleanField(help_text="When the plan changes, and why.")
    reminders_paused_until = serializers.DateField(
        allow_null=True,
        help_text="No reminders up to and including this local date (a holiday); null: not paused. Today or later.",
        error_messages={"invalid": "Enter a date such as 2026-08-31."},
    )
    quiet_hours_start = ClockTimeField(
        format="%H:%M",
        input_formats=["%H:%M", "%H:%M:%S"],
        allow_null=True,
        help_text='From when nothing is sent, "HH:MM" local; null with `quiet_hours_end` null: no quiet hours.',
        error_messages={"invalid": "Enter a time such as 22:00."},
    )
    quiet_hours_end = ClockTimeField(
        format="%H:%M",
        input_formats=["%H:%M", "%H:%M:%S"],
        allow_null=True,
        help_text='Until when nothing is sent (what waited goes then), "HH:MM" local; may be past midnight.',
        error_messages={"invalid": "Enter a time such as 07:00."},
    )

    def validate_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError(
                "We do not know this time zone. Use a name from the time zone database, such as Europe/London, "
                "America/New_York or Australia/Sydney."
            )
        return value


class DigestSerializer(serializers.Serializer[Any]):
    digest_enabled = api_fields.BooleanField(
        help_text="Whether the physio gets the hourly e-mail about patients who need attention."
    )


class CalendarLinkSerializer(serializers.Serializer[Any]):
    calendar_url = serializers.URLField(help_text="The calendar feed (iCalendar). Anyone with it can read the plan.")
    webcal_url = api_fields.CharField(help_text="The same feed as a webcal:// link, which phones open as a calendar.")


class AccountDeleteSerializer(serializers.Serializer[Any]):
    password = api_fields.CharField(
        max_length=4096,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="The account's password: a token alone cannot delete an account.",
    )

    def validate_password(self, value: str) -> str:
        user = self.context["request"].user
        if not user.has_usable_password():
            raise serializers.ValidationError(
                "Your account has no password. Delete it from Settings on the website, or set a password first."
            )
        if not user.check_password(value):
            raise serializers.ValidationError("That is not your password.")
        return value
