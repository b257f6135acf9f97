"""Shapes of the physio↔runner endpoints: invitations, the runner's physios, messages (the patient list's are
`programs.api.serializers.patients`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.care import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, display_name, invitation_expires_at, invitation_status
from accounts.models import CareLink, Invitation, Message, User
from rehabplan import api_fields
from rehabplan.api import MAX_ID


class PersonSerializer(serializers.Serializer):
    id = api_fields.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_name(self, user: User) -> str:
        return display_name(user)


# ---------------------------------------------------------------- invitations and links


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    note = api_fields.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its physio or the invited runner sees it."""

    physio = PersonSerializer(read_only=True)
    status = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "note", "physio", "status", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
        read_only_fields = fields

    def to_representation(self, instance: Invitation) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or getattr(request.user, "pk", None) != instance.physio_id:
            # The note is the physio's words to whoever owns the address: the runner reads it as a message once a
            # verified account has accepted, never on an invitation.
            data["note"] = ""
        return data

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "accepted", "withdrawn", "expired"]))
    def get_status(self, invitation: Invitation) -> str:
        return invitation_status(invitation)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_expires_at(self, invitation: Invitation) -> str:
        return serializers.DateTimeField().to_representation(invitation_expires_at(invitation))


class InvitationAcceptSerializer(serializers.Serializer):
    token = api_fields.CharField(max_length=500, help_text="The token at the end of the invitation link.")


class CareLinkSerializer(serializers.ModelSerializer):
    physio = PersonSerializer(read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "physio", "status", "consented_at"]
        read_only_fields = fields


class MyPhysioSerializer(serializers.ModelSerializer):
    """One of the runner's physios; `id` is the physio's (DELETE physios/{id}/ stops them following the plan)."""

    id = api_fields.IntegerField(source="physio.id", read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="physio.email", read_only=True)
    since = serializers.DateTimeField(source="consented_at", read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "name", "email", "since"]
        read_only_fields = fields

    def get_name(self, link: CareLink) -> str:
        return display_name(link.physio)


# ---------------------------------------------------------------- messages


class MessageSerializer(serializers.ModelSerializer):
    physio = PersonSerializer(read_only=True)
    patient = PersonSerializer(source="runner", read_only=True)
    author = serializers.SerializerMethodField(help_text='"physio" or "runner": who wrote it.')

    class Meta:
        model = Message
        fields = ["id", "physio", "patient", "author", "body", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["physio", "runner"]))
    def get_author(self, message: Message) -> str:
        return "physio" if message.author_id == message.physio_id else "runner"


class MessageQuerySerializer(api_fields.QuerySerializer):
    patient = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A physio: only the thread with this patient."
    )
    physio = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A runner: only the thread with this physio."
    )


class MessageCreateSerializer(serializers.Serializer):
    patient = api_fields.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A physio writes to this patient."
    )
    physio = api_fields.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A runner writes to this physio."
    )
    body = api_fields.CharField(min_length=1, max_length=MESSAGE_MAX_LENGTH)


def other_party(data: dict[str, Any], user: User) -> tuple[str, int]:
    """Which field names the other person for this user, and its id; a ValidationError when the wrong one is sent."""
    mine, other = ("patient", "physio") if user.is_physio else ("physio", "patient")
    errors: dict[str, list[str]] = {}
    if data.get(other) is not None:
        errors[other] = [f"Leave this out: you write to a {'patient' if user.is_physio else 'physio'}."]
    if data.get(mine) is None:
        errors[mine] = ["This field is required."]
    if errors:
        raise serializers.ValidationError(errors)
    return mine, int(data[mine])
