"""Account forms: each checks what was typed and says what is wrong next to the field, keeping the input."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.care import NOTE_MAX_LENGTH
from accounts.models import Units, User, validate_timezone

# Zones a person lives in ("Europe/London"), not the legacy aliases ("GB", "Etc/GMT+5") also in the database.
_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def timezone_choices(current: str | None = None) -> list[tuple[str, str]]:
    names = {name for name in zoneinfo.available_timezones() if name.split("/", 1)[0] in _AREAS} | {"UTC"}
    if current:
        names.add(current)  # a zone set another way stays selected instead of silently changing on save
    return [(name, name.replace("_", " ")) for name in sorted(names)]


def browser_timezone_field() -> forms.CharField:
    """Filled in by the page's script with the browser's own zone (programs/static/js/timezone.js); empty without it."""
    # No length limit to fail on: a value we do not know is dropped (`browser_timezone`), never an error.
    return forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-browser-timezone": ""}))


def browser_timezone(value: str) -> str:
    """The browser's zone when it is one we know; anything else is dropped, never shown to the runner as an error."""
    try:
        validate_timezone(value)
    except forms.ValidationError:
        return ""
    return value


_INVALID_EMAIL = "Enter an e-mail address such as name@example.com."
FIRST_NAME_MAX = User._meta.get_field("first_name").max_length or 150


def _first_name_field() -> forms.CharField:
    # Physios see their patients by this name; the e-mail address stays for those who signed up without one.
    return forms.CharField(
        label="First name",
        max_length=FIRST_NAME_MAX,
        help_text="Your physio sees you by this name.",
        error_messages={
            "required": "Enter your first name.",
            "max_length": f"Keep your first name to {FIRST_NAME_MAX} characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "autocapitalize": "words"}),
    )


class SignupForm(forms.Form):
    first_name = _first_name_field()
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={"required": "Enter your e-mail address.", "invalid": _INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Choose a password."},
        help_text="At least 8 characters. A few words you will remember work well.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )
    timezone = browser_timezone_field()

    def clean_email(self) -> str:
        # Whether the address has an account is never said here: the e-mail it gets says so, to its owner only.
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_timezone(self) -> str:
        return browser_timezone(self.cleaned_data.get("timezone") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            try:
                password_validation.validate_password(password, User(email=cleaned.get("email", "")))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Please enter a correct e-mail address and password. Forgotten your password? "
            "Send yourself a sign-in link below."
        ),
        "inactive": "This account is switched off.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "inputmode": "email", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class LoginLinkForm(forms.Form):
    # Its own prefix: it shares the login page, whose password form also has an e-mail field.
    prefix = "link"

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={"required": "Enter your e-mail address.", "invalid": _INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}),
    )


_CLOCK_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
_CLOCK_ERRORS = {"invalid": "Enter a time such as 07:30.", "required": "Enter a time such as 07:30."}

# The Reminders section sits outside the <form> element (it also holds the notification buttons, which are not part
# of this form), so its inputs join the form through the HTML `form` attribute.
SETTINGS_FORM_ID = "settings-form"


def _clock_field(label: str, *, required: bool, help_text: str = "") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=_CLOCK_FORMATS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages=_CLOCK_ERRORS,
    )


class RunnerSettingsForm(forms.Form):
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Your days and reminders follow it.",
        error_messages={"invalid_choice": "Choose your time zone from the list."},
        validators=[validate_timezone],
    )
    units = forms.ChoiceField(
        label="Distances in",
        choices=Units.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose kilometres or miles.", "required": "Choose kilometres or miles."},
    )
    reminders_enabled = forms.BooleanField(label="Send me reminders", required=False)
    reminder_time = _clock_field("Reminder time", required=True, help_text="When we remind you of the day's sessions.")
    remind_sessions = forms.BooleanField(label="On session days: what to do today", required=False)
    remind_morning_check = forms.BooleanField(label="The morning after a session: how your legs feel", required=False)
    remind_missed_sessions = forms.BooleanField(label="The day after a missed session: a gentle nudge", required=False)
    remind_plan_changes = forms.BooleanField(label="When your plan changes, and why", required=False)
    reminders_paused_until = forms.DateField(
        label="Pause reminders until",
        required=False,
        help_text="Optional, for a holiday or a break: nothing is sent up to and including this day.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2026-08-31."},
    )
    quiet_hours_start = _clock_field("From", required=False)
    quiet_hours_end = _clock_field("To", required=False)

    # Above the Reminders section, inside the <form> element itself.
    GENERAL = ("timezone", "units")

    def __init__(self, *args: Any, current_timezone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = timezone_choices(current_timezone)
        for name, reminder_field in self.fields.items():
            if name not in self.GENERAL:
                reminder_field.widget.attrs["form"] = SETTINGS_FORM_ID


class AccountDeleteForm(forms.Form):
    """Deleting cannot be undone: with a password, tick the box and type it; without one, type the e-mail address."""

    confirm = forms.BooleanField(
        label="I understand that my plans, logs and account are deleted for good",
        required=False,
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.CharField(
        label="Type your e-mail address to confirm",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email", "autocapitalize": "none"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.with_password = user.has_usable_password()
        if self.with_password:
            del self.fields["email"]
        else:
            del self.fields["confirm"]
            del self.fields["password"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.with_password:
            if not cleaned.get("confirm"):
                self.add_error("confirm", "Tick the box to confirm.")
            if not self.user.check_password(cleaned.get("password") or ""):
                self.add_error("password", "That is not your password.")
        elif (cleaned.get("email") or "").strip().lower() != self.user.email.lower():
            self.add_error("email", "Type the e-mail address you log in with, exactly.")
        return cleaned


class NameForm(forms.Form):
    """The runner's first name, changed in Settings."""

    prefix = "name"  # its own prefix: it shares the Settings page with the settings form

    first_name = _first_name_field()


class ApiTokenForm(forms.Form):
    """A new API token for an app or a script: only a name, to tell the tokens apart later."""

    prefix = "token"  # its own prefix: it shares the Settings page with the settings form

    name = forms.CharField(
        label="What is it for?",
        max_length=100,
        required=False,
        help_text="For example “My phone” or “Training spreadsheet”.",
        error_messages={"max_length": "Keep the name to 100 characters or fewer."},
    )


class InvitationForm(forms.Form):
    """A physio invites a runner by e-mail; the e-mail names the physio only; the note reaches the
    runner as a message once they accept."""

    email = forms.EmailField(
        label="Runner's e-mail address",
        max_length=254,
        error_messages={"required": "Enter the runner's e-mail address.", "invalid": _INVALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email", "autocapitalize": "none"}),
    )
    note = forms.CharField(
        label="A note for the runner (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=(
            "The runner reads it once they have accepted, as your first message; the e-mail only gives your name."
        ),
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
