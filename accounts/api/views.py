"""Account endpoints: API tokens (log in, log out, list, revoke), the runner's settings, calendar link, export, deletion.

Thin views: serializers validate, `accounts.services` writes, `accounts.exports` reads.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, throttling, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import exports, services
from accounts.api.serializers import (
    AccountDeleteSerializer,
    CalendarLinkSerializer,
    DigestSerializer,
    ProfileSerializer,
    TokenCreatedSerializer,
    TokenLoginSerializer,
    TokenSerializer,
)
from accounts.models import ApiToken, RunnerProfile
from rehabplan.api import IsPhysio, IsRunner, ScopedRateThrottle, WriteRateThrottle, request_user
from rehabplan.api_schema import ApiErrorSerializer

ERROR_400 = OpenApiResponse(ApiErrorSerializer, description="Invalid input: see `errors`.")


class TokenView(APIView):
    """POST: log in with e-mail and password, get a new token. DELETE: revoke the token of this request (log out)."""

    throttle_scope = "login"  # read by ScopedRateThrottle, which POST uses

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[throttling.BaseThrottle]:
        # Logging in guesses passwords, so it has the strict "login" rate; logging out is an ordinary write.
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return [WriteRateThrottle()]

    @extend_schema(
        request=TokenLoginSerializer,
        responses={201: TokenCreatedSerializer, 400: ERROR_400},
        auth=[],
        summary="Log in: a new API token",
        description="The key is in this response only; later lists show its first characters (`prefix`).",
    )
    def post(self, request: Request) -> Response:
        login = TokenLoginSerializer(data=request.data, context={"request": request})
        login.is_valid(raise_exception=True)
        token, key = services.api_token_create(user=login.validated_data["user"], name=login.validated_data["name"])
        return Response(TokenCreatedSerializer(token, context={"key": key}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None, 400: ERROR_400}, summary="Log out: revoke this token")
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise ValidationError("This request was not made with an API token, so there is no token to revoke.")
        services.api_token_revoke(user=request_user(request), token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[ApiToken]):
    """The user's API tokens (never their keys); DELETE revokes one at once."""

    serializer_class = TokenSerializer
    filter_backends: list[Any] = []  # a short list of one's own tokens: nothing to filter, search or sort

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return ApiToken.objects.none()
        return ApiToken.objects.for_user(request_user(self.request))

    def get_object(self) -> ApiToken:
        try:
            return super().get_object()
        except Http404:  # its own sentence, not Django's "No ApiToken matches the given query."
            raise NotFound("You have no API token with this id.") from None

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(user=request_user(self.request), token_id=instance.pk)


def _own_profile(request: Request) -> RunnerProfile:
    user = request_user(request)
    try:
        # Token authentication has already read the profile with the user (one query).
        return user.runner_profile
    except RunnerProfile.DoesNotExist:
        raise NotFound("This account has no runner settings.") from None


class ProfileView(APIView):
    """The runner's settings: time zone, units, and reminders (when, which kinds, a pause, quiet hours)."""

    permission_classes = [IsRunner]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(_own_profile(request)).data)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer, 400: ERROR_400})
    def patch(self, request: Request) -> Response:
        profile = _own_profile(request)
        form = ProfileSerializer(profile, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        # A field left out keeps its value; the service judges the result as a whole (e.g. both quiet-hour ends).
        chosen = {name: form.validated_data.get(name, getattr(profile, name)) for name in RunnerProfile.SETTINGS}
        timezone_name = chosen.pop("timezone")
        updated = services.runner_settings_update(user=request_user(request), timezone_name=timezone_name, **chosen)
        updated.user = request_user(request)  # the e-mail in the answer, without reading the user again
        return Response(ProfileSerializer(updated).data)


class DigestView(APIView):
    """A physio's hourly e-mail about patients who need attention: on or off."""

    permission_classes = [IsPhysio]

    @extend_schema(responses=DigestSerializer, summary="My hourly patient e-mail: on or off")
    def get(self, request: Request) -> Response:
        return Response(DigestSerializer(request_user(request)).data)

    @extend_schema(
        request=DigestSerializer,
        responses={200: DigestSerializer, 400: ERROR_400},
        summary="Turn my hourly patient e-mail on or off",
    )
    def patch(self, request: Request) -> Response:
        form = DigestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.physio_digest_set(user=request_user(request), enabled=form.validated_data["digest_enabled"])
        return Response(DigestSerializer(user).data)


def _calendar_link(request: Request, profile: RunnerProfile) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("accounts:calendar-feed", args=[profile.calendar_token]))
    return {"calendar_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


class CalendarTokenView(APIView):
    """The runner's calendar subscription link; POST makes a new one and the old one stops working."""

    permission_classes = [IsRunner]

    @extend_schema(responses=CalendarLinkSerializer, summary="The calendar subscription link")
    def get(self, request: Request) -> Response:
        return Response(CalendarLinkSerializer(_calendar_link(request, _own_profile(request))).data)

    @extend_schema(request=None, responses=CalendarLinkSerializer, summary="A new calendar link (the old one stops)")
    def post(self, request: Request) -> Response:
        _own_profile(request)  # a 404 for a runner without a profile, before writing
        profile = services.calendar_token_regenerate(user=request_user(request))
        return Response(CalendarLinkSerializer(_calendar_link(request, profile)).data)


class ExportView(APIView):
    """All my data as JSON: the same document as Settings → Download (JSON)."""

    permission_classes = [IsRunner]

    @extend_schema(
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="The export document (format 1)."),
        summary="All my data",
    )
    def get(self, request: Request) -> HttpResponse:
        body = exports.export_json(exports.account_export(request_user(request)))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"rehabplan-my-data-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class BodyOnDeleteSchema(AutoSchema):
    """Documents a DELETE's JSON body, which drf-spectacular leaves out (it documents bodies of PUT, PATCH, POST)."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method = self.method
        self.method = "POST" if method == "DELETE" else method
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


class AccountView(APIView):
    """Delete my account and all my data, for good. The password is asked again: a token alone cannot do it."""

    schema = BodyOnDeleteSchema()

    @extend_schema(request=AccountDeleteSerializer, responses={204: None, 400: ERROR_400}, summary="Delete my account")
    def delete(self, request: Request) -> Response:
        confirm = AccountDeleteSerializer(data=request.data, context={"request": request})
        confirm.is_valid(raise_exception=True)
        user = request_user(request)
        services.account_delete(user=user)  # a refusal (ValidationError) is a 400 with its sentence as `detail`
        if request.auth is None:  # a browser session: end it too
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
