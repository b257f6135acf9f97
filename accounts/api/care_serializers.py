"""Shapes of the physio↔runner endpoints: patients, invitations, the runner's physios, messages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.care import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, display_name, invitation_expires_at, invitation_status
from accounts.models import CareLink, Invitation, Message, User
from programs.clinical.pathway_files import load_pathways
from programs.selectors.patients import FLAG_CODES, ORDERING_KEYS, PatientRow

MAX_ID = 2**31 - 1  # the database's integer range: a larger id is simply not found, never an error


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(read_only=True)

    def get_name(self, user: User) -> str:
        return display_name(user)


# ---------------------------------------------------------------- patients


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=FLAG_CODES, read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]  # a field named like Field.label


class AdherenceSerializer(serializers.Serializer):
    percent = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Share of planned sessions logged; null when none was planned."
    )
    planned = serializers.IntegerField(read_only=True, help_text="Planned sessions (not rest) before today.")
    done = serializers.IntegerField(read_only=True, help_text="Of those, how many are logged.")


class PatientSerializer(serializers.Serializer):
    """One actively linked runner in their physio's list (programs.selectors.patients.PatientRow)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    linked_since = serializers.DateTimeField(read_only=True, allow_null=True)
    plan_id = serializers.IntegerField(source="plan.id", read_only=True, allow_null=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True, allow_null=True)
    pathway = serializers.CharField(read_only=True, help_text="The pathway's slug; empty without a current plan.")
    pathway_name = serializers.CharField(read_only=True)
    week = serializers.IntegerField(read_only=True, allow_null=True, help_text="This week's number in the plan.")
    phase = serializers.CharField(read_only=True)
    phase_name = serializers.CharField(read_only=True)
    adherence_7 = AdherenceSerializer(read_only=True)
    adherence_28 = AdherenceSerializer(read_only=True)
    last_pain = serializers.IntegerField(read_only=True, allow_null=True, help_text="Pain during the latest exercise.")
    last_pain_on = serializers.DateField(read_only=True, allow_null=True)
    last_morning_pain = serializers.IntegerField(read_only=True, allow_null=True)
    last_morning_pain_on = serializers.DateField(read_only=True, allow_null=True)
    last_log_on = serializers.DateField(read_only=True, allow_null=True)
    days_since_last_log = serializers.IntegerField(read_only=True, allow_null=True)
    flags = FlagSerializer(many=True, read_only=True)


class PatientQuerySerializer(serializers.Serializer):
    ordering = serializers.ChoiceField(
        choices=[*ORDERING_KEYS, *(f"-{k}" for k in ORDERING_KEYS)],
        required=False,
        help_text="Sort by this column (`-` first for descending); missing values come last. "
        "Default: most flags first, then by name.",
    )
    flag = serializers.ChoiceField(choices=FLAG_CODES, required=False, help_text="Only patients with this flag.")
    pathway = serializers.ChoiceField(
        choices=sorted(load_pathways()), required=False, help_text="Only patients on this pathway (slug)."
    )


class PatientReferralSerializer(serializers.Serializer):
    urgency = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    stops_plan = serializers.BooleanField(read_only=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "urgency": instance.get("urgency", ""),
            "message": instance.get("message", ""),
            "reasons": list(instance.get("reasons", ())),
            "stops_plan": bool(instance.get("stops_plan", True)),
        }


class PatientPainLimitsSerializer(serializers.Serializer):
    during = serializers.IntegerField(read_only=True)
    after = serializers.IntegerField(read_only=True)
    morning_must_settle = serializers.BooleanField(read_only=True)
    zone_ok_max = serializers.IntegerField(read_only=True)


class PatientPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    pathway = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    weeks = serializers.IntegerField(read_only=True)
    pain_limits = PatientPainLimitsSerializer(read_only=True, allow_null=True)
    referral = PatientReferralSerializer(read_only=True, allow_null=True)


class RecentExerciseSerializer(serializers.Serializer):
    exercise = serializers.CharField(read_only=True)
    exercise_name = serializers.CharField(read_only=True)
    pain_during = serializers.IntegerField(read_only=True, allow_null=True)
    pain_after = serializers.IntegerField(read_only=True, allow_null=True)
    pain_limit = serializers.IntegerField(read_only=True)
    completed_as_prescribed = serializers.BooleanField(read_only=True)


class RecentSessionSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    kind = serializers.CharField(read_only=True)
    plan_id = serializers.IntegerField(read_only=True)
    notes = serializers.CharField(read_only=True)
    exercises = RecentExerciseSerializer(many=True, read_only=True)


class RecentDaySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    next_morning_pain = serializers.IntegerField(read_only=True, allow_null=True)
    stiffness = serializers.IntegerField(read_only=True, allow_null=True)
    flare = serializers.BooleanField(read_only=True)
    ran_distance = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True, allow_null=True)
    run_pain = serializers.IntegerField(read_only=True, allow_null=True)
    tightness_after_running = serializers.BooleanField(read_only=True, allow_null=True)
    red_flags = serializers.ListField(child=serializers.CharField(), read_only=True)


class PatientDetailSerializer(PatientSerializer):
    """The list's row, the current plan's summary and the latest logs."""

    plan = PatientPlanSerializer(read_only=True, allow_null=True)
    recent_sessions = RecentSessionSerializer(many=True, read_only=True)
    recent_days = RecentDaySerializer(many=True, read_only=True)


def patient_detail(row: PatientRow, sessions: list[Any], days: list[Any]) -> dict[str, Any]:
    return {**{f: getattr(row, f) for f in row.__dataclass_fields__}, "recent_sessions": sessions, "recent_days": days}


# ---------------------------------------------------------------- invitations and links


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH, default="")


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its physio or the invited runner sees it."""

    physio = PersonSerializer(read_only=True)
    status = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "note", "physio", "status", "created_at", "expires_at", "accepted_at", "withdrawn_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=["pending", "accepted", "withdrawn", "expired"]))
    def get_status(self, invitation: Invitation) -> str:
        return invitation_status(invitation)

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_expires_at(self, invitation: Invitation) -> str:
        return serializers.DateTimeField().to_representation(invitation_expires_at(invitation))


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text="The token at the end of the invitation link.")


class CareLinkSerializer(serializers.ModelSerializer):
    physio = PersonSerializer(read_only=True)

    class Meta:
        model = CareLink
        fields = ["id", "physio", "status", "consented_at"]
        read_only_fields = fields


class MyPhysioSerializer(serializers.ModelSerializer):
    """One of the runner's physios; `id` is the physio's (DELETE physios/{id}/ stops them following the plan)."""

    id = serializers.IntegerField(source="physio.id", read_only=True)
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


class MessageQuerySerializer(serializers.Serializer):
    patient = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A physio: only the thread with this patient."
    )
    physio = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A runner: only the thread with this physio."
    )


class MessageCreateSerializer(serializers.Serializer):
    patient = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A physio writes to this patient."
    )
    physio = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="A runner writes to this physio."
    )
    body = serializers.CharField(min_length=1, max_length=MESSAGE_MAX_LENGTH)


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
