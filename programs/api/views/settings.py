"""The runner's settings, a physio's hourly e-mail switch, all my data, and deleting my account.

Here, not in accounts: saving settings skips queued reminders, the e-mail switch drops a queued digest, and the export
and the deletion read and delete plans and logs. Thin views: serializers validate; `programs.services.runner_settings`
and `programs.services.account_deletion` write; `programs.outputs.export` reads.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.serializers import AccountDeleteSerializer, DigestSerializer, ProfileSerializer
from accounts.models import RunnerProfile
from programs.outputs import export
from programs.services.account_deletion import account_delete
from programs.services.runner_settings import physio_digest_set, runner_settings_update
from rehabplan.api import IsPhysio, IsRunner, own_runner_profile, request_user
from rehabplan.api_schema import ERROR_400, BodyOnDeleteSchema


class ProfileView(APIView):
    """The runner's settings: time zone, units, and reminders (when, which kinds, a pause, quiet hours)."""

    permission_classes = [IsRunner]

    @extend_schema(responses=ProfileSerializer)
    def get(self, request: Request) -> Response:
        return Response(ProfileSerializer(own_runner_profile(request)).data)

    @extend_schema(request=ProfileSerializer, responses={200: ProfileSerializer, 400: ERROR_400})
    def patch(self, request: Request) -> Response:
        profile = own_runner_profile(request)
        form = ProfileSerializer(profile, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        # A field left out keeps its value; the service judges the result as a whole (e.g. both quiet-hour ends).
        chosen = {name: form.validated_data.get(name, getattr(profile, name)) for name in RunnerProfile.SETTINGS}
        timezone_name = chosen.pop("timezone")
        updated = runner_settings_update(user=request_user(request), timezone_name=timezone_name, **chosen)
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
        # A PATCH: the field is optional, as the schema says; left out, nothing changes.
        form = DigestSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        user = request_user(request)
        if "digest_enabled" in form.validated_data:
            user = physio_digest_set(user=user, enabled=form.validated_data["digest_enabled"])
        return Response(DigestSerializer(user).data)


class ExportView(APIView):
    """All my data as JSON: the same document as Settings → Download (JSON)."""

    permission_classes = [IsRunner]

    @extend_schema(
        responses=OpenApiResponse(OpenApiTypes.OBJECT, description="The export document (format 1)."),
        summary="All my data",
    )
    def get(self, request: Request) -> HttpResponse:
        body = export.export_json(export.account_export(request_user(request)))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        name = f"rehabplan-my-data-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class AccountView(APIView):
    """Delete my account and all my data, for good. The password is asked again: a token alone cannot do it."""

    schema = BodyOnDeleteSchema()

    @extend_schema(request=AccountDeleteSerializer, responses={204: None, 400: ERROR_400}, summary="Delete my account")
    def delete(self, request: Request) -> Response:
        confirm = AccountDeleteSerializer(data=request.data, context={"request": request})
        confirm.is_valid(raise_exception=True)
        user = request_user(request)
        account_delete(user=user)  # a refusal (ValidationError) is a 400 with its sentence as `detail`
        if request.auth is None:  # a browser session: end it too
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
