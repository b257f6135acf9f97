"""What a runner sends and reads back when logging over the API: session and run logs, morning checks.

Serializers only validate and shape; `programs.services.logs` stores, and the rules decide what the answers mean.
Bounds follow the Today forms (programs/forms/logs.py) and the model fields, so no input reaches the database
unchecked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programs.api.serializers.plans import ReferralSerializer
from programs.clinical.units import Distances
from programs.forms.logs import MORNING_RED_FLAGS
from programs.models import DayLog, ExerciseLog, PlanChange, PlannedSession, SessionLog
from programs.selectors.units import session_unit
from programs.services.logs import EXERCISE_LOG_FIELDS
from programs.templatetags.plans import decision_reason
from rehabplan import api_fields

MAX_ENTRIES = 50  # a session holds a handful of exercises; this only bounds the work a request can ask for
MAX_NOTES = 2000
MORNING_CHECK_DAYS_BACK = 7


def _scale(*, required: bool = True, help_text: str = "") -> serializers.IntegerField:
    """A 0-10 answer (pain, stiffness, effort), as on Today."""
    return api_fields.IntegerField(
        min_value=0, max_value=10, required=required, allow_null=not required, help_text=help_text or None
    )


# ---------------------------------------------------------------- logs: input


class EntryInSerializer(serializers.Serializer):
    """One prescribed exercise (or the run) as done."""

    prescription = api_fields.IntegerField(min_value=1, help_text="The id of one of the session's prescriptions.")
    sets_done = api_fields.IntegerField(min_value=0, max_value=50, required=False, allow_null=True)
    reps_done = serializers.ListField(
        child=api_fields.IntegerField(min_value=0, max_value=500),
        max_length=50,
        required=False,
        allow_null=True,
        help_text="Reps done in each set, in order.",
    )
    hold_seconds = api_fields.IntegerField(min_value=0, max_value=3600, required=False, allow_null=True)
    laps = api_fields.IntegerField(min_value=0, max_value=600, required=False, allow_null=True)
    minutes = api_fields.IntegerField(min_value=0, max_value=600, required=False, allow_null=True)
    distance = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=200,
        required=False,
        allow_null=True,
        help_text="For a run: the distance run, in `unit`.",
    )
    unit = serializers.ChoiceField(
        choices=("km", "mi"),
        required=False,
        help_text="The unit of `distance`: the runner's (a day read's `unit`) or the plan's (the default). Stored "
        "in the plan's unit.",
    )
    pain_during = _scale(help_text="Pain during it, 0 (none) to 10 (worst imaginable).")
    pain_after = _scale(required=False, help_text="Pain after, that day.")
    rpe = _scale(required=False, help_text="How hard it felt, 0 to 10.")
    completed_as_prescribed = api_fields.BooleanField(
        required=False,
        allow_null=True,
        help_text="Done as planned; when left out it is worked out from the numbers sent and the prescribed dose.",
    )
    notes = api_fields.CharField(max_length=MAX_NOTES, required=False, allow_blank=True, default="")


class RunDayInSerializer(serializers.Serializer):
    """For a run only: how the leg felt after it (the run's distance and pain come from its entry)."""

    tightness_after = api_fields.BooleanField(
        required=False, allow_null=True, help_text="Tight at the back of the thigh after the run."
    )


class SessionLogInSerializer(serializers.Serializer):
    """A session or run as done: one entry per exercise of the session (for a run, per run item)."""

    # context: "runner" (the user logging) and "today" (their local date).

    client_id = serializers.UUIDField(
        help_text="Made by the client for this log. Sending it again returns the log already stored, unchanged."
    )
    session = api_fields.IntegerField(min_value=1, help_text="The id of a planned session in one of your plans.")
    notes = api_fields.CharField(max_length=MAX_NOTES, required=False, allow_blank=True, default="")
    # The cap is checked before any entry is validated, so a body of thousands of entries costs no more than 51.
    entries = EntryInSerializer(  # type: ignore[call-arg]  # the stubs lack the list serializer's max_length
        many=True,
        max_length=MAX_ENTRIES,
        error_messages={"max_length": f"A session has at most {MAX_ENTRIES} entries."},
    )
    day = RunDayInSerializer(required=False, allow_null=True)

    def validate_session(self, value: int) -> PlannedSession:
        session = (
            PlannedSession.objects.for_runner(self.context["runner"])
            .prefetch_related("prescriptions__exercise")
            .filter(pk=value)
            .first()
        )
        if session is None:
            raise serializers.ValidationError("No such session in your plans.")
        if not session.prescriptions.all() or session.kind == "rest":
            raise serializers.ValidationError("This session has nothing to log.")
        if session.date > self.context["today"]:
            raise serializers.ValidationError("This session is still to come: log it on the day.")
        return session

    def validate_entries(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not value:
            raise serializers.ValidationError("Add an entry for each exercise of this session.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        session: PlannedSession = attrs["session"]
        prescriptions = {p.pk: p for p in session.prescriptions.all()}
        errors: dict[str, Any] = {}
        seen: set[int] = set()
        for i, entry in enumerate(attrs["entries"]):
            pk = entry["prescription"]
            if pk not in prescriptions:
                errors[f"entries.{i}.prescription"] = ["Not an exercise of this session."]
            elif pk in seen:
                errors[f"entries.{i}.prescription"] = ["This exercise is already in an earlier entry."]
            seen.add(pk)
        missing = [p.exercise.name for pk, p in prescriptions.items() if pk not in seen]
        if missing and not errors:
            errors["entries"] = [f"Add an entry for each exercise of this session; missing: {', '.join(missing)}."]
        if session.kind == "run":
            stored = session_unit(session)
            for i, entry in enumerate(attrs["entries"]):
                if entry.get("distance") is None:
                    errors[f"entries.{i}.distance"] = ["Enter the distance you ran."]
                else:
                    entry["distance"] = Distances(stored, entry.pop("unit", stored)).store(entry["distance"])
        elif attrs.get("day"):
            errors["day"] = ["Only a run asks how the leg felt after it."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def run_day_values(self) -> dict[str, Any] | None:
        """For a run, the day's run as Today stores it: distance, pain during (the worst entry), tightness after."""
        data = self.validated_data
        if data["session"].kind != "run":
            return None
        entries = data["entries"]
        day = data.get("day") or {}
        return {
            "ran_distance": sum(entry["distance"] for entry in entries),
            "run_pain": max(entry["pain_during"] for entry in entries),
            "tightness_after_running": day.get("tightness_after"),
        }


# ---------------------------------------------------------------- logs: output


class DecisionSerializer(serializers.ModelSerializer[PlanChange]):
    """A decision about the plan that this log caused, in plain words."""

    title = api_fields.CharField(source="get_kind_display", help_text="What was decided, in a few words.")
    reason = serializers.SerializerMethodField(help_text="Why, in plain words.")
    exercise = serializers.SerializerMethodField(help_text='An exercise slug, "running", or null.')

    class Meta:
        model = PlanChange
        fields = ["kind", "title", "reason", "exercise", "effective_from"]

    def get_reason(self, change: PlanChange) -> str:
        return decision_reason(change.reason)

    def get_exercise(self, change: PlanChange) -> str | None:
        return change.exercise or None


class EntryOutSerializer(serializers.ModelSerializer[ExerciseLog]):
    prescription = api_fields.IntegerField(source="prescription_id")
    exercise = api_fields.CharField(source="prescription.exercise.slug", help_text="The exercise's catalogue slug.")
    reps_done = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseLog
        fields = ["prescription", "exercise", *EXERCISE_LOG_FIELDS, "completed_as_prescribed"]

    @extend_schema_field(serializers.ListField(child=api_fields.IntegerField(), allow_null=True))
    def get_reps_done(self, log: ExerciseLog) -> list[int] | None:
        reps = log.reps_done
        return [reps] if isinstance(reps, int) else reps


class SessionLogOutSerializer(serializers.ModelSerializer[SessionLog]):
    """A stored log with what changed in the plan because of it."""

    # context["decisions"]: {log id: [PlanChange]}, read in one query for a whole page of logs.

    session = api_fields.IntegerField(source="session_id")
    plan = api_fields.IntegerField(source="session.plan_id", help_text="The plan the session belongs to.")
    date = serializers.DateField(source="session.date")
    kind = api_fields.CharField(source="session.kind")
    entries = EntryOutSerializer(source="exercise_logs", many=True)
    decisions = serializers.SerializerMethodField(help_text="What changed in the plan because of this log, and why.")

    class Meta:
        model = SessionLog
        fields = ["id", "client_id", "session", "plan", "date", "kind", "notes", "created_at", "entries", "decisions"]

    @extend_schema_field(DecisionSerializer(many=True))
    def get_decisions(self, log: SessionLog) -> list[dict[str, Any]]:
        return DecisionSerializer(self.context["decisions"].get(log.pk, []), many=True).data  # type: ignore[return-value]


# ---------------------------------------------------------------- morning checks


class MorningCheckInSerializer(serializers.Serializer):
    """The morning check: next-morning pain and stiffness, the short red-flag questions, a pain-free try.

    Only the answers sent change the day; red flags add to those already recorded that day."""

    # context["today"]: the runner's local date.

    client_id = serializers.UUIDField(
        help_text="Made by the client for this check. Sending it again returns the day as stored, unchanged."
    )
    date = serializers.DateField(required=False, help_text="The morning checked; today where you are if left out.")
    next_morning_pain = _scale(required=False)
    stiffness = _scale(required=False)
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=MORNING_RED_FLAGS),
        max_length=len(MORNING_RED_FLAGS),
        required=False,
        help_text="Each red-flag question answered yes (an empty list: none noticed).",
    )
    pain_free_check = api_fields.BooleanField(
        required=False, allow_null=True, help_text="Paused exercises tried gently today without pain (true) or not."
    )

    ANSWERS = ("next_morning_pain", "stiffness", "red_flags", "pain_free_check")

    def validate_date(self, value: dt.date) -> dt.date:
        today: dt.date = self.context["today"]
        if value > today:
            raise serializers.ValidationError("This morning is still to come.")
        if value < today - dt.timedelta(days=MORNING_CHECK_DAYS_BACK):
            raise serializers.ValidationError(
                f"A morning check can be sent up to {MORNING_CHECK_DAYS_BACK} days later, not more."
            )
        return value

    def validate_red_flags(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(name in attrs for name in self.ANSWERS):
            raise serializers.ValidationError("Answer at least one question: how your leg feels this morning.")
        attrs.setdefault("date", self.context["today"])
        return attrs

    def day_values(self) -> dict[str, Any]:
        return {name: self.validated_data[name] for name in self.ANSWERS if name in self.validated_data}


class DayLogSerializer(serializers.ModelSerializer[DayLog]):
    """What is recorded for one day: the morning check and, on a run day, the run."""

    red_flags = serializers.ListField(child=api_fields.CharField(), help_text="Red-flag questions answered yes.")

    class Meta:
        model = DayLog
        fields = [
            "id",
            "client_id",
            "date",
            "next_morning_pain",
            "stiffness",
            "red_flags",
            "pain_free_check",
            "flare",
            "ran_distance",
            "run_pain",
            "tightness_after_running",
        ]


class MorningCheckOutSerializer(DayLogSerializer):
    """The day as stored after the check, with the plan's status and referral once the rules have read it."""

    # context["plan"]: the runner's current plan (or None).

    plan_status = serializers.SerializerMethodField(help_text="active, needs_clinician, or null without a plan.")
    referral = serializers.SerializerMethodField()

    class Meta(DayLogSerializer.Meta):
        fields = [*DayLogSerializer.Meta.fields, "plan_status", "referral"]

    @extend_schema_field(api_fields.CharField(allow_null=True))
    def get_plan_status(self, day: DayLog) -> str | None:
        plan = self.context["plan"]
        return plan.status if plan else None

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, day: DayLog) -> dict[str, Any] | None:
        plan = self.context["plan"]
        if plan is None or not plan.referral:
            return None
        stored = plan.referral
        return {
            "urgency": stored["urgency"],
            "message": stored["message"],
            "reasons": list(stored.get("reasons", ())),
            # referrals stored before the two tiers were all stops (programs.selectors.plans._referral)
            "stops_plan": stored.get("stops_plan", plan.status == "needs_clinician"),
        }
