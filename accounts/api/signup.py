"""Signing up over the API, and confirming the address from the e-mailed link, so an app needs no web page.

The same rules as the web's sign-up (`accounts.forms.SignupForm` checks the input, `accounts.verification` writes
and e-mails): every valid sign-up gets the same answer whether or not the address has an account, and the new
account is unverified until the link in its e-mail is used. Then the app logs in with `POST auth/token/`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import verification
from accounts.forms import SignupForm
from accounts.mail_limits import mail_allowed
from rehabplan import api_fields
from rehabplan.api import ScopedRateThrottle, request_user
from rehabplan.api_schema import ERROR_400
from rehabplan.client_address import client_address

LINK_NOT_VALID = f"{verification.LINK_NO_LONGER_WORKS}. {verification.LINK_NO_LONGER_WORKS_WHY}"


def _form_messages(name: str) -> dict[str, Any]:
    """The form field's own words for what DRF checks first (a missing, empty, too long or malformed value)."""
    messages = SignupForm.base_fields[name].error_messages
    words: dict[str, Any] = {
        key: str(messages[key]) for key in ("required", "invalid", "max_length") if key in messages
    }
    if "required" in words:
        words["blank"] = words["required"]
    return words


def _form_field(name: str) -> Any:
    return SignupForm.base_fields[name]


def _password_minimum() -> tuple[int, str]:
    """The shortest password the password rules accept, and their own words for it, so the schema states it too."""
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length, str(validator.get_help_text())
    return 0, ""


PASSWORD_MIN_LENGTH, PASSWORD_TOO_SHORT = _password_minimum()


class SignupSerializer(serializers.Serializer[Any]):
    """Typed fields for the schema; `SignupForm`, the web form, then checks the values (the password rules too)."""

    first_name = api_fields.CharField(
        max_length=_form_field("first_name").max_length,
        help_text=str(_form_field("first_name").help_text),
        error_messages=_form_messages("first_name"),
    )
    email = serializers.EmailField(max_length=_form_field("email").max_length, error_messages=_form_messages("email"))
    password = api_fields.CharField(
        trim_whitespace=False,
        min_length=PASSWORD_MIN_LENGTH or None,
        style={"input_type": "password"},
        help_text=str(_form_field("password").help_text),
        error_messages={**_form_messages("password"), "min_length": PASSWORD_TOO_SHORT},
    )
    timezone = api_fields.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text='The phone\'s IANA time zone ("Europe/London"); one we do not know is ignored (UTC).',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = SignupForm(data=attrs)
        if not form.is_valid():
            raise serializers.ValidationError({name: [str(e) for e in errors] for name, errors in form.errors.items()})
        return dict(form.cleaned_data)


class SignupSentSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField(help_text="The address the e-mail went to, as it was read (lower case).")
    detail = api_fields.CharField(help_text="What to do next, in plain words.")


class VerifySerializer(serializers.Serializer[Any]):
    uid = api_fields.CharField(
        max_length=64, help_text="The first of the last two parts of the e-mailed link /accounts/verify/<uid>/<token>/."
    )
    token = api_fields.CharField(max_length=128, help_text="The last part of that link.")


class VerifiedSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    email_verified = api_fields.BooleanField(help_text="Always true here: the address is confirmed.")


class SignupView(APIView):
    """Create a runner's account; answered 202 alike for a new address and one that has an account."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"  # guessing and flooding, like logging in: the same strict rate per client address

    @extend_schema(
        request=SignupSerializer,
        responses={202: SignupSentSerializer, 400: ERROR_400},
        auth=[],
        summary="Sign up: a runner's account, confirmed by an e-mailed link",
        description=(
            "The same 202 whether or not the address already has an account: a new address gets the link that "
            "confirms it (until then the account cannot accept an invitation), an existing one's owner gets an "
            "e-mail saying someone tried. Confirm with POST accounts/verify/, then log in with POST auth/token/."
        ),
    )
    def post(self, request: Request) -> Response:
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = data.validated_data["email"]
        verification.signup_request_from(request, data.validated_data)
        detail = f"We have sent a message to {email}. Open the link in it to confirm your address, then log in."
        return Response({"email": email, "detail": detail}, status=status.HTTP_202_ACCEPTED)


class VerifyView(APIView):
    """Confirm the address from the e-mailed link's two parts; the link then stops working."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=VerifySerializer,
        responses={200: VerifiedSerializer, 400: ERROR_400},
        auth=[],
        summary="Confirm an e-mail address from its link",
        description="A used, expired or mangled link is a 400. Log in afterwards with POST auth/token/.",
    )
    def post(self, request: Request) -> Response:
        data = VerifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = verification.user_for_verification(data.validated_data["uid"], data.validated_data["token"])
        if user is None:
            raise serializers.ValidationError(LINK_NOT_VALID)
        verification.email_mark_verified(user)
        return Response({"email": user.email, "email_verified": True})


class VerifySendView(APIView):
    """A new confirmation link for the signed-in account (the first expired or was lost)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses={202: SignupSentSerializer, 200: SignupSentSerializer},
        summary="E-mail a new confirmation link",
        description="202: sent. 200: the address is already confirmed, nothing sent. 429: too many e-mails this hour.",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if user.email_verified:
            return Response({"email": user.email, "detail": "Your e-mail address is already confirmed."})
        if not mail_allowed(to=user.email, client=client_address(request)):
            raise Throttled(
                wait=3600, detail="We have sent you several e-mails in the last hour. Try again in an hour."
            )
        verification.verification_link_send(
            user=user,
            link_for=lambda uid, token: request.build_absolute_uri(reverse("accounts:email-verify", args=[uid, token])),
        )
        detail = f"We sent a link to {user.email}. Open it to confirm your address."
        return Response({"email": user.email, "detail": detail}, status=status.HTTP_202_ACCEPTED)
