"""Physios and runners: invitations and their acceptance, the runner's physios, messages.

Thin views: serializers validate, `accounts.care` writes. A physio sees only runners who accepted an invitation and
did not revoke it; anyone else's id is not found (404). The patient list is programs' (`programs.api.views.patients`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts import care
from accounts.api.care_serializers import (
    CareLinkSerializer,
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MessageCreateSerializer,
    MessageQuerySerializer,
    MessageSerializer,
    MyPhysioSerializer,
    other_party,
)
from accounts.models import CareLink, Invitation, Message
from rehabplan.api import IsPhysio, IsRunner, request_user
from rehabplan.api_schema import ERROR_400, ERROR_404, ID_PARAMETER


def _not_found_response(field: str, who: str) -> Response:
    detail = f"No {who} with this id is linked with you."
    return Response({"detail": detail, "errors": {field: [detail]}}, status=status.HTTP_404_NOT_FOUND)


class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A physio invites runners by e-mail and withdraws invitations; the runner sees the pending ones and accepts."""

    serializer_class = InvitationSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = "[0-9]+"

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in ("create", "destroy"):
            return [IsPhysio()]
        if self.action == "accept":
            return [IsRunner()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Invitation]:
        user = request_user(self.request)
        if user.is_physio:
            return Invitation.objects.filter(physio=user).select_related("physio")
        return care.pending_invitations_for(user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return InvitationCreateSerializer
        if self.action == "accept":
            return InvitationAcceptSerializer
        return InvitationSerializer

    @extend_schema(
        summary="Physio: invitations sent (every status). Runner: pending invitations to their e-mail address."
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer, 400: ERROR_400})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = care.invitation_create(
            physio=request_user(request),
            email=data.validated_data["email"],
            note=data.validated_data["note"],
            link_for=lambda token: request.build_absolute_uri(reverse("accounts:invitation-accept", args=[token])),
        )
        return Response(
            InvitationSerializer(invitation, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(parameters=[ID_PARAMETER], responses={204: None, 400: ERROR_400, 404: ERROR_404})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        care.invitation_withdraw(invitation=self.get_object(), physio=request_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=InvitationAcceptSerializer, responses={201: CareLinkSerializer, 400: ERROR_400})
    @action(detail=False, methods=["post"])
    def accept(self, request: Request) -> Response:
        """The runner allows the inviting physio to follow their plan (consent recorded now). Accepting again is
        harmless; an expired, withdrawn or someone else's invitation is a 400 with a plain sentence."""
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = care.invitation_accept(token=data.validated_data["token"], runner=request_user(request))
        return Response(CareLinkSerializer(link).data, status=status.HTTP_201_CREATED)


class MyPhysioViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """A runner's physios (active links); DELETE stops one following the plan at once."""

    permission_classes = [IsRunner]
    serializer_class = MyPhysioSerializer
    filter_backends: list[Any] = []
    lookup_field = "physio_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[CareLink]:
        return care.active_links_of_runner(request_user(self.request))

    @extend_schema(parameters=[ID_PARAMETER], responses={204: None, 404: ERROR_404})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        link = self.get_object()
        care.care_link_revoke(runner=request_user(request), physio_id=link.physio_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessageViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The threads between a physio and their patients, newest first. Only actively linked pairs: another id is a
    404 naming the field (`patient` or `physio`), for a list filter and a new message alike."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MessageSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Message]:
        return care.messages_visible_to(request_user(self.request)).order_by("-created_at", "-id")

    @extend_schema(
        parameters=[MessageQuerySerializer],
        responses={200: MessageSerializer(many=True), 400: ERROR_400, 404: ERROR_404},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        field = "patient" if user.is_physio else "physio"
        messages = self.get_queryset()
        other_id = query.validated_data.get(field)
        if other_id is not None:
            if care.thread_between(user=user, other_id=other_id) is None:
                return _not_found_response(field, field)
            messages = messages.filter(**{"runner_id" if user.is_physio else "physio_id": other_id})
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        request=MessageCreateSerializer,
        responses={201: MessageSerializer, 400: ERROR_400, 404: ERROR_404},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request_user(request)
        data = MessageCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        field, other_id = other_party(data.validated_data, user)
        try:
            message = care.message_send(author=user, other_id=other_id, body=data.validated_data["body"])
        except CareLink.DoesNotExist:
            return _not_found_response(field, field)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
