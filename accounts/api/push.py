"""Web Push subscriptions of the signed-in user's browsers: POST stores one, DELETE forgets one.

The body is what the browser's `PushSubscription.toJSON()` gives; the settings page's script posts the same body to
its own URL (accounts/views_push.py), checked by the same serializers.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import PushSubscription
from accounts.push import PushEndpointTaken, push_subscription_remove, push_subscription_save
from rehabplan import api_fields
from rehabplan.api import error_body, request_user
from rehabplan.api_schema import ApiErrorSerializer, BodyOnDeleteSchema

ENDPOINT_MAX = PushSubscription._meta.get_field("endpoint").max_length or 1000
P256DH_BYTES = 65  # an uncompressed P-256 point: 0x04, then x and y
AUTH_BYTES = 16
NOT_FROM_A_BROWSER = "This is not what a browser gives when it subscribes to notifications."


def _b64url_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


class PushKeysSerializer(serializers.Serializer[Any]):
    # The patterns put the byte counts below in the schema: 65 bytes starting 0x04 ("B" then A-P), and 16 bytes.
    p256dh = api_fields.CharField(
        max_length=200,
        validators=[RegexValidator(r"^B[A-P][A-Za-z0-9_-]{85}=?$", message=NOT_FROM_A_BROWSER)],
        help_text="The browser's public key (URL-safe base64).",
    )
    auth = api_fields.CharField(
        max_length=100,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]{22}(==)?$", message=NOT_FROM_A_BROWSER)],
        help_text="The browser's authentication secret (URL-safe base64).",
    )

    def validate_p256dh(self, value: str) -> str:
        raw = _b64url_bytes(value)
        if raw is None or len(raw) != P256DH_BYTES or raw[0] != 4:
            raise serializers.ValidationError(NOT_FROM_A_BROWSER)
        return value

    def validate_auth(self, value: str) -> str:
        raw = _b64url_bytes(value)
        if raw is None or len(raw) != AUTH_BYTES:
            raise serializers.ValidationError(NOT_FROM_A_BROWSER)
        return value


class PushSubscriptionSerializer(serializers.Serializer[Any]):
    """A browser's push subscription, as `PushSubscription.toJSON()` gives it (`expirationTime` is ignored)."""

    endpoint = serializers.URLField(max_length=ENDPOINT_MAX, help_text="The push service's address for this browser.")
    keys = PushKeysSerializer()

    def validate_endpoint(self, value: str) -> str:
        # Push services are HTTPS only; anything else is not a browser's subscription (and not a place to post to).
        if not value.lower().startswith("https://"):
            raise serializers.ValidationError("A push address starts with https://.")
        return value


class PushEndpointSerializer(serializers.Serializer[Any]):
    endpoint = api_fields.CharField(max_length=ENDPOINT_MAX, help_text="The address of the subscription to forget.")


class PushSubscriptionStoredSerializer(serializers.ModelSerializer[PushSubscription]):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "created_at"]
        read_only_fields = fields


ERROR_400 = OpenApiResponse(ApiErrorSerializer, description="Not a browser's push subscription: see `errors`.")


class PushSubscriptionsView(APIView):
    """Notifications on a phone: reminders are pushed to every browser stored here, as well as e-mailed."""

    schema = BodyOnDeleteSchema()

    @extend_schema(
        request=PushSubscriptionSerializer,
        responses={
            201: PushSubscriptionStoredSerializer,
            200: OpenApiResponse(PushSubscriptionStoredSerializer, description="Already stored: keys updated."),
            400: ERROR_400,
            409: OpenApiResponse(ApiErrorSerializer, description="Another account stored this address."),
        },
        summary="Turn on notifications for a browser",
        description=(
            "An address stays with the account that stored it: another account gets 409 (the browser unsubscribes "
            "and subscribes again for a new address)."
        ),
    )
    def post(self, request: Request) -> Response:
        form = PushSubscriptionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            subscription, created = push_subscription_save(
                user=request_user(request),
                endpoint=form.validated_data["endpoint"],
                p256dh=form.validated_data["keys"]["p256dh"],
                auth=form.validated_data["keys"]["auth"],
            )
        except PushEndpointTaken as taken:
            return Response(error_body(str(taken)), status=status.HTTP_409_CONFLICT)
        return Response(
            PushSubscriptionStoredSerializer(subscription).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        request=PushEndpointSerializer,
        responses={204: None, 400: ERROR_400},
        summary="Turn off notifications for a browser",
        description="Also 204 when no such subscription of yours is stored: it is off either way.",
    )
    def delete(self, request: Request) -> Response:
        form = PushEndpointSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        push_subscription_remove(user=request_user(request), endpoint=form.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
