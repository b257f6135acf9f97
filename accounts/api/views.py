"""Account endpoints: API tokens (log in, log out, list, revoke) and the calendar link.

Thin views: serializers validate, `accounts.services` writes. The runner's settings, the physio's e-mail switch,
the export and deletion write or read programs' rows, so they are programs' (`programs.api.views.settings`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, throttling, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.serializers import (
    CalendarLinkSerializer,
    TokenCreatedSerializer,
    TokenLoginSerializer,
    TokenSerializer,
)
from accounts.models import ApiToken, RunnerProfile
from rehabplan.api import IsRunner, ScopedRateThrottle, WriteRateThrottle, own_runner_profile, request_user
from rehabplan.api_schema import ERROR_400


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


def _calendar_link(request: Request, profile: RunnerProfile) -> dict[str, str]:
    https = request.build_absolute_uri(reverse("programs:calendar-feed", args=[profile.calendar_token]))
    return {"calendar_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


class CalendarTokenView(APIView):
    """The runner's calendar subscription link; POST makes a new one and the old one stops working."""

    permission_classes = [IsRunner]

    @extend_schema(responses=CalendarLinkSerializer, summary="The calendar subscription link")
    def get(self, request: Request) -> Response:
        return Response(CalendarLinkSerializer(_calendar_link(request, own_runner_profile(request))).data)

    @extend_schema(request=None, responses=CalendarLinkSerializer, summary="A new calendar link (the old one stops)")
    def post(self, request: Request) -> Response:
        own_runner_profile(request)  # a 404 for a runner without a profile, before writing
        profile = services.calendar_token_regenerate(user=request_user(request))
        return Response(CalendarLinkSerializer(_calendar_link(request, profile)).data)
