"""Shapes of a physio's patient endpoints: the patient list (one row per actively linked runner) and one patient.

Here, not in accounts: each row is `programs.selectors.patients.PatientRow`, read from the patient's plan and logs.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from programs.clinical.pathway_files import load_pathways
from programs.selectors.patients import FLAG_CODES, ORDERING_KEYS, PatientRow
from rehabplan import api_fields


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


class PatientQuerySerializer(api_fields.QuerySerializer):
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
    prescription = serializers.IntegerField(read_only=True, help_text="The prescription's id (prescriptions/{id}/).")
    exercise = serializers.CharField(read_only=True)
    exercise_name = serializers.CharField(read_only=True)
    pain_during = serializers.IntegerField(read_only=True, allow_null=True)
    pain_after = serializers.IntegerField(read_only=True, allow_null=True)
    pain_limit = serializers.IntegerField(read_only=True)
    completed_as_prescribed = serializers.BooleanField(read_only=True)


class RecentSessionSerializer(serializers.Serializer):
    session = serializers.IntegerField(read_only=True, help_text="The planned session's id, as its log names it.")
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
