"""What the physio program endpoints take and give: templates, assigning a plan, a dose override, a clearance.

Serializers validate and shape only; the writes are `programs.services.templates`, `.assign` and `.care`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from programs.api.serializers.plans import RepsField
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.edits import ADDABLE_KINDS
from programs.clinical.start_window import start_window
from programs.models import Intake, PlanChange, Prescription, ProgramTemplate
from programs.services.generation import pathways
from rehabplan import api_fields
from rehabplan.api import MAX_ID


def _pathway_field(**kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=sorted(pathways()), help_text="The slug of a pathway (pathways/).", **kwargs)


# ---------------------------------------------------------------- a dose


MAX_REPS, MAX_SETS = 100, 20
_REP_COUNT = {"type": "integer", "minimum": 1, "maximum": MAX_REPS}


@extend_schema_field(
    {
        "oneOf": [_REP_COUNT, {"type": "array", "items": _REP_COUNT, "minItems": 1, "maxItems": MAX_SETS}],
        "description": "Per set.",
    }
)
class DoseRepsField(RepsField):
    """Reps as a physio sets them: the schema states the bounds `DoseSerializer.validate_reps` checks."""


class DoseSerializer(api_fields.StrictSerializer):
    """A dose: only the fields the exercise's dosing uses (see the exercise's `dosing` and `default_dose`)."""

    unknown_message = "Not a dose field."
    min_fields = 1

    sets = api_fields.IntegerField(min_value=1, max_value=20, required=False)
    reps = DoseRepsField(required=False)
    hold_seconds = api_fields.IntegerField(min_value=1, max_value=600, required=False)
    minutes = api_fields.IntegerField(min_value=1, max_value=180, required=False)
    laps = api_fields.IntegerField(min_value=1, max_value=100, required=False)
    metres = api_fields.IntegerField(min_value=1, max_value=5000, required=False)
    distance = api_fields.FloatField(min_value=0.1, max_value=100, required=False, help_text="In the plan's unit.")
    intervals = api_fields.IntegerField(min_value=1, max_value=50, required=False)
    pace_percent = api_fields.IntegerField(min_value=1, max_value=100, required=False)

    def validate_reps(self, value: Any) -> int | list[int]:
        def whole(n: Any) -> bool:
            return isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= MAX_REPS

        if whole(value):
            return int(value)
        if isinstance(value, list) and 1 <= len(value) <= MAX_SETS and all(whole(n) for n in value):
            return [int(n) for n in value]
        raise serializers.ValidationError("Reps are a whole number from 1 to 100, or a list of them, one per set.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        values = super().to_internal_value(data)
        if not values:
            raise serializers.ValidationError("Give the dose's numbers.")
        reps, sets = values.get("reps"), values.get("sets")
        # The catalogue's dose refuses the mismatch too (exercises.catalogue.dose_from_dict): say it here, per field.
        if isinstance(reps, list) and sets is not None and len(reps) != sets:
            raise serializers.ValidationError({"reps": [f"Give one number of reps per set: {sets} sets."]})
        return values


# ---------------------------------------------------------------- templates


# The most exercises a program's edits add.
MAX_ADDED = 30


class AddedExerciseSerializer(api_fields.StrictSerializer):
    exercise = api_fields.CharField(max_length=64, help_text="The exercise's slug (catalogue).")
    kind = serializers.ChoiceField(choices=ADDABLE_KINDS, help_text="The sessions it joins.")
    dose = DoseSerializer(help_text="Only the fields the exercise's dosing uses.")


class ProgramEditsSerializer(api_fields.StrictSerializer):
    """A physio's changes to the pathway's program (docs/api.md, "Program edits"); every field may be left out.
    The exercises and doses are checked against the catalogue and the program's stages when the edits are used."""

    unknown_message = "Plans cannot follow this setting."

    removed = serializers.ListField(
        child=api_fields.CharField(max_length=64), max_length=100, required=False, help_text="Exercises left out."
    )
    doses = serializers.DictField(
        child=DoseSerializer(),
        required=False,
        help_text="Exercise slug to the dose it keeps: the rules never move it up or down.",
    )
    # A list serializer, as a log's entries: the cap is checked before any item is validated, so a body of thousands
    # of additions costs no more than one over the cap.
    added = AddedExerciseSerializer(  # type: ignore[call-arg]  # the stubs lack the list serializer's max_length
        many=True,
        max_length=MAX_ADDED,
        required=False,
        error_messages={"max_length": f"A program adds at most {MAX_ADDED} exercises."},
    )
    order = serializers.ListField(
        child=api_fields.CharField(max_length=64),
        max_length=100,
        required=False,
        help_text="Exercises in the order wanted within a session; the others keep their place after them.",
    )
    overrides = serializers.DictField(
        child=api_fields.CharField(max_length=1000),
        required=False,
        help_text="Added exercise's slug to why it is prescribed in a stage that leaves it out (recorded).",
    )
    pain_limit = api_fields.IntegerField(
        min_value=0,
        max_value=10,
        required=False,
        help_text="The most pain (0-10) allowed during and after exercise; left out, the pathway's own limit.",
    )
    weekly_distance_cap = api_fields.FloatField(
        min_value=0.1, max_value=1000, required=False, help_text="The most running a week, in the plan's unit."
    )
    max_runs = api_fields.IntegerField(min_value=0, max_value=7, required=False, help_text="The most runs a week.")


ProgramSettingsSerializer = ProgramEditsSerializer  # a template's `program` is the edits


class ProgramTemplateSerializer(serializers.ModelSerializer[ProgramTemplate]):
    """A physio's own template. `name` is unique among the physio's templates."""

    name = api_fields.CharField(max_length=120)
    description = api_fields.CharField(max_length=2000, allow_blank=True, required=False, default="")
    pathway = _pathway_field()
    weeks = api_fields.IntegerField(
        min_value=1, max_value=MAX_PLAN_WEEKS, help_text="How many weeks a plan from it runs."
    )
    program = ProgramSettingsSerializer(required=False, default=dict)

    class Meta:
        model = ProgramTemplate
        fields = ("id", "name", "description", "pathway", "weeks", "program", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")

    def validate_name(self, value: str) -> str:
        owner: User = self.context["request"].user
        taken = ProgramTemplate.objects.filter(owner=owner, name__iexact=value.strip())
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("You already have a template with this name.")
        return value.strip()


# ---------------------------------------------------------------- assigning a plan


class PlanAssignSerializer(serializers.Serializer[Any]):
    """A plan for a patient from their latest (or the given) intake, on a pathway or a template of yours."""

    start_date = serializers.DateField(help_text="From today (the runner's date) up to a year ahead.")
    weeks = api_fields.IntegerField(
        min_value=1,
        max_value=MAX_PLAN_WEEKS,
        required=False,
        help_text="Left out: the template's length (then required).",
    )
    pathway = _pathway_field(required=False)
    template = api_fields.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="The id of one of your templates."
    )
    intake = api_fields.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The id of one of the runner's intakes; default latest.",
    )
    edits = ProgramEditsSerializer(
        required=False, help_text="Your changes to the program; left out, the template's (or none)."
    )

    def validate_template(self, value: int) -> ProgramTemplate:
        found = ProgramTemplate.objects.filter(owner=self.context["request"].user, pk=value).first()
        if found is None:
            raise serializers.ValidationError("You have no template with this id.")
        return found

    def validate_intake(self, value: int) -> Intake:
        runner: User = self.context["runner"]
        found = Intake.objects.for_runner(runner).select_related("runner").filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("This runner has no intake with this id.")
        return found

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today: dt.date = self.context["today"]
        start: dt.date = attrs["start_date"]
        if problem := start_window(today).problem(start):
            raise serializers.ValidationError({"start_date": problem})
        template: ProgramTemplate | None = attrs.get("template")
        if "weeks" not in attrs and template is None:
            raise serializers.ValidationError({"weeks": "Give the number of weeks, or a template that has one."})
        if template is not None and attrs.get("pathway") not in (None, template.pathway):
            raise serializers.ValidationError(
                {"pathway": "This template is for another program: leave the program out or match it."}
            )
        return attrs


# ---------------------------------------------------------------- a prescription and its override


class PhysioDecisionSerializer(serializers.ModelSerializer[PlanChange]):
    """A decision in the plan's log (plans/{id}/changes/): here the override or clearance just recorded."""

    kind = serializers.ChoiceField(choices=PlanChangeKind.choices, read_only=True)
    title = api_fields.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = PlanChange
        fields = ("id", "kind", "title", "reason", "effective_from", "created_at")
        read_only_fields = fields


class PrescriptionSerializer(serializers.ModelSerializer[Prescription]):
    """One prescribed exercise on one day of a patient's plan."""

    plan = api_fields.IntegerField(source="plan_id", read_only=True)
    date = serializers.DateField(source="session.date", read_only=True)
    session = api_fields.CharField(source="session.kind", read_only=True, help_text="The session's kind.")
    exercise = api_fields.CharField(source="exercise.slug", read_only=True)
    exercise_name = api_fields.CharField(source="exercise.name", read_only=True)
    dosing = api_fields.CharField(source="exercise.dosing", read_only=True, help_text="Which dose fields apply.")
    dose = DoseSerializer(read_only=True)
    logged = serializers.SerializerMethodField(help_text="Logged sessions are history: their doses never change.")

    class Meta:
        model = Prescription
        fields: tuple[str, ...] = (
            "id",
            "plan",
            "date",
            "session",
            "exercise",
            "exercise_name",
            "dosing",
            "dose",
            "pain_limit",
            "reason",
            "source",
            "overridden",
            "logged",
        )
        read_only_fields = fields

    def get_logged(self, prescription: Prescription) -> bool:
        return hasattr(prescription.session, "log")


class PrescriptionOverrideSerializer(serializers.Serializer[Any]):
    dose = DoseSerializer()
    note = api_fields.CharField(max_length=1000, help_text="Why the dose changes; the runner reads it.")


class PrescriptionOverriddenSerializer(PrescriptionSerializer):
    """The prescription with its new dose, and the decision that records it."""

    decision = PhysioDecisionSerializer(read_only=True, source="override_decision")

    class Meta(PrescriptionSerializer.Meta):
        fields = (*PrescriptionSerializer.Meta.fields, "decision")
        read_only_fields = fields


# ---------------------------------------------------------------- clearance


class ClearanceSerializer(serializers.Serializer[Any]):
    note = api_fields.CharField(max_length=2000, help_text="What the assessment found; the runner reads it.")
    start_date = serializers.DateField(
        required=False,
        help_text="From when the plan (or what the advisory left out) starts; default today, the runner's date.",
    )

    def validate_start_date(self, value: dt.date) -> dt.date:
        today: dt.date = self.context["today"]
        if problem := start_window(today).problem(value):
            raise serializers.ValidationError(problem)
        return value


class ClearanceResultSerializer(serializers.Serializer[Any]):
    """The plan after clearance, what was recorded, and the decision in the plan's log."""

    plan = api_fields.IntegerField()
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    start_date = serializers.DateField()
    note = api_fields.CharField(help_text="What the assessment found, as recorded.")
    cleared_at = serializers.DateTimeField()
    decision = PhysioDecisionSerializer()


# ---------------------------------------------------------------- editing an active plan's program


class PlanProgramEditSerializer(serializers.Serializer[Any]):
    edits = ProgramEditsSerializer(help_text="The plan's program edits from now on (they replace the earlier ones).")
    note = api_fields.CharField(max_length=2000, help_text="What changes and why; the runner reads it.")
    start_date = serializers.DateField(
        required=False, help_text="From when the coming sessions change; default today, the runner's date."
    )

    def validate_start_date(self, value: dt.date) -> dt.date:
        today: dt.date = self.context["today"]
        if problem := start_window(today).problem(value):
            raise serializers.ValidationError(problem)
        return value


class PlanProgramSerializer(serializers.Serializer[Any]):
    """A plan's program edits, and the decision that recorded the last change when one was just made."""

    plan = api_fields.IntegerField()
    edits = ProgramEditsSerializer()
    decision = PhysioDecisionSerializer(required=False)


class TemplateFromPlanSerializer(serializers.Serializer[Any]):
    """Keep a plan's program (its pathway, length and edits) as a template of your own."""

    name = api_fields.CharField(max_length=120)
    description = api_fields.CharField(max_length=2000, allow_blank=True, required=False, default="")
