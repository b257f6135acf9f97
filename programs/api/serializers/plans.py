"""What the plan API takes and gives: pathways, intakes with their referral, plans and the plan JSON contract.

The plan, week and day bodies are built by `programs.clinical.contract` (the one serialiser of the contract, docs/design.md
§3); the serializers for them below describe that contract for the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.config import MAX_PLAN_WEEKS, OWN_PLAN_DAYS_BACK
from programs.clinical.contract import intake_from_dict
from programs.clinical.screening import screen_answers, screen_red_flags
from programs.clinical.start_window import start_window
from programs.clinical.types import URGENCIES, Referral
from programs.clinical.words import RUNNING_NAME
from programs.models import Intake, Plan, PlanChange
from rehabplan import api_fields

# When each pathway is chosen, in the runner's words (the rules are programs.clinical.pathways.choose_pathway, first match wins).
WHEN_USED = {
    "acute_strain": "Pain that started suddenly, such as a strain felt during a sprint.",
    "proximal_tendinopathy": "Pain at the sit bone, or pain that is worse when sitting.",
    "post_race_stabilisers": "Hamstrings that are sore after races.",
    "overuse_ache": "Any other hamstring ache that came on with running.",
    "prevention": "No pain now: strength work that lowers the chance of a hamstring injury.",
}


# ---------------------------------------------------------------- pathways


class PainLimitsSerializer(serializers.Serializer[Any]):
    during = serializers.IntegerField(help_text="The most pain (0-10) allowed during an exercise.")
    after = serializers.IntegerField(help_text="The most pain (0-10) allowed after it.")
    morning_must_settle = serializers.BooleanField(help_text="Pain must have settled by the next morning.")


class PhaseSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField()
    name = serializers.CharField()
    weeks = serializers.IntegerField(help_text="The phase's planned (shortest) length in weeks.")
    running = serializers.ChoiceField(choices=("build", "walk_jog", "none"))
    speed_work = serializers.BooleanField()
    exit_criteria = serializers.ListField(child=serializers.CharField())


class PathwaySerializer(serializers.Serializer[Any]):
    """A pathway template: its phases and pain limit (programs/data/pathways)."""

    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField(source="summary")
    when_used = serializers.SerializerMethodField()
    pain_limits = PainLimitsSerializer()
    phases = PhaseSerializer(many=True)

    def get_when_used(self, pathway: Any) -> str:
        return WHEN_USED.get(pathway.slug, "")


# ---------------------------------------------------------------- the plan JSON contract (docs/design.md §3)


class ReferralSerializer(serializers.Serializer[Any]):
    urgency = serializers.ChoiceField(choices=URGENCIES)
    message = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="What we noticed, in plain words.")
    stops_plan = serializers.BooleanField(help_text="True: no exercises until a clinician has cleared the runner.")


def referral_dict(referral: Referral | None) -> dict[str, Any] | None:
    """A referral as the plan JSON shows it (programs.clinical.contract.plan_to_dict)."""
    if referral is None:
        return None
    return {
        "urgency": referral.urgency,
        "message": referral.message,
        "reasons": list(referral.reasons),
        "stops_plan": referral.stops_plan,
    }


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}], "description": "Per set."}
)
class RepsField(serializers.JSONField):
    """A number of reps, or one per set such as [12, 10, 8]."""


class ItemSerializer(serializers.Serializer[Any]):
    """An exercise as prescribed: only the dose fields that apply are present."""

    exercise = serializers.CharField(help_text="A catalogue slug (exercises/{slug}/).")
    sets = serializers.IntegerField(required=False)
    reps = RepsField(required=False)
    hold_seconds = serializers.IntegerField(required=False)
    minutes = serializers.IntegerField(required=False)
    laps = serializers.IntegerField(required=False)
    metres = serializers.IntegerField(required=False)
    distance = serializers.FloatField(
        required=False,
        help_text="In a day read's `unit` (the runner's); in plan and week reads, the week's `running.unit`.",
    )
    intervals = serializers.IntegerField(required=False)
    pace_percent = serializers.IntegerField(required=False)
    times_per_day = serializers.IntegerField(required=False, help_text="Present when above one.")
    pain_limit = serializers.IntegerField()
    reason = serializers.CharField(help_text="Why, for the runner.")
    source = serializers.CharField(  # type: ignore[assignment]  # the contract's key; DRF pops declared fields
        allow_blank=True, help_text="Where it comes from, for physios."
    )


class PrescriptionItemSerializer(ItemSerializer):
    """A stored prescription: the item with its id and, for the runner's physio, where to change its dose."""

    id = serializers.IntegerField(help_text="The prescription's id: a log entry's `prescription`.")
    url = serializers.CharField(
        allow_null=True,
        help_text="The path of PATCH prescriptions/{id}/ (a new dose); null unless you are the runner's physio and "
        "the session is not logged.",
    )


class SessionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The planned session's id: what POST logs/ takes as `session`.")
    kind = serializers.ChoiceField(choices=("strength", "mobility", "run", "cross_training", "rest"))
    estimated_minutes = serializers.IntegerField(required=False)
    warm_up = ItemSerializer(many=True, required=False, help_text="Worked out from the session: no ids.")
    items = PrescriptionItemSerializer(many=True)
    log_url = serializers.CharField(
        allow_null=True,
        help_text="The path of POST logs/ to log this session (`session`: this `id`); null when you cannot log it: "
        "you are not the runner, a rest day, already logged, or the plan is not active.",
    )


class DaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    sessions = SessionSerializer(many=True)


class RunningTargetSerializer(serializers.Serializer[Any]):
    target_distance = serializers.FloatField()
    unit = serializers.ChoiceField(choices=("km", "mi"))
    max_runs = serializers.IntegerField()
    rest_days = serializers.IntegerField()
    speed_work_allowed = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)
    source = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # the contract's key


class WeekSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField()
    phase = serializers.CharField()
    running = RunningTargetSerializer()
    days = DaySerializer(many=True)


# ---------------------------------------------------------------- intakes


@extend_schema_field(IntakeSerializer)
class IntakeDataField(serializers.JSONField):
    """The intake as it was stored (the contract of docs/design.md §3, with `days_since_onset`)."""


class IntakeRecordSerializer(serializers.ModelSerializer[Intake]):
    data = IntakeDataField(read_only=True)  # type: ignore[assignment]  # DRF pops declared fields from the class
    referral = serializers.SerializerMethodField()

    class Meta:
        model = Intake
        fields = ("id", "version", "created_at", "data", "referral")
        read_only_fields = fields

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, intake: Intake) -> dict[str, Any] | None:
        """What the screening rules make of its red-flag answers (programs/clinical/screening.py): pure, no query."""
        try:
            return referral_dict(screen_red_flags(intake_from_dict(intake.data)))
        except (KeyError, TypeError, ValueError):  # a version stored before a question existed: screen what it has
            return referral_dict(screen_answers(intake.data))


class ErrorWithReferralSerializer(serializers.Serializer[Any]):
    """An invalid intake: the field errors, and the referral its readable red-flag answers already call for."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))  # type: ignore[assignment]
    referral = ReferralSerializer(
        allow_null=True, required=False, help_text="Always there when the body could be read as JSON."
    )


# ---------------------------------------------------------------- plans


class PlanSummarySerializer(serializers.ModelSerializer[Plan]):
    runner = serializers.IntegerField(source="runner_id", read_only=True)
    intake = serializers.IntegerField(source="intake_id", read_only=True)
    start_date = serializers.DateField(source="start", read_only=True)
    end_date = serializers.SerializerMethodField()
    weeks_count = serializers.IntegerField(source="weeks", read_only=True)
    pathway = serializers.CharField(read_only=True, allow_null=True, help_text="Null while the plan needs a clinician.")

    class Meta:
        model = Plan
        fields: tuple[str, ...] = (
            "id",
            "runner",
            "intake",
            "status",
            "pathway",
            "start_date",
            "end_date",
            "weeks_count",
            "revision",
            "created_at",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_end_date(self, plan: Plan) -> dt.date:
        return plan.start + dt.timedelta(days=7 * plan.weeks - 1)

    def to_representation(self, instance: Plan) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data["pathway"] = data["pathway"] or None  # as the plan JSON has it: null until a pathway is chosen
        return data


class PlanDetailSerializer(PlanSummarySerializer):
    """The plan's summary and exactly the plan JSON of docs/design.md §3 (status, referral, pathway, …, weeks)."""

    referral = ReferralSerializer(allow_null=True)
    pathway = serializers.CharField(allow_null=True)
    pathway_reason = serializers.CharField(allow_blank=True)
    weeks = WeekSerializer(many=True)

    class Meta(PlanSummarySerializer.Meta):
        fields = (*PlanSummarySerializer.Meta.fields, "referral", "pathway_reason", "weeks")
        read_only_fields = fields


class PlanCreateSerializer(serializers.Serializer[Any]):
    """A new plan from one of the runner's intakes; it becomes their current plan (earlier ones end)."""

    intake = api_fields.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The id of one of your intakes.")
    start_date = serializers.DateField()
    weeks = api_fields.IntegerField(min_value=1, max_value=MAX_PLAN_WEEKS)

    def validate_intake(self, value: int) -> Intake:
        runner: User = self.context["request"].user
        intake = Intake.objects.for_runner(runner).select_related("runner").filter(pk=value).first()
        if intake is None:  # another runner's intake is not found either: its existence is not revealed
            raise serializers.ValidationError("You have no intake with this id.")
        return intake

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        today: dt.date = self.context.get("today") or timezone.localdate()
        start: dt.date = attrs["start_date"]
        if problem := start_window(today, days_back=OWN_PLAN_DAYS_BACK).problem(start):
            raise serializers.ValidationError({"start_date": problem})
        race = (attrs["intake"].data.get("running") or {}).get("goal_race")
        if race and race.get("date") and str(race["date"]) < start.isoformat():
            raise serializers.ValidationError({"start_date": "Your goal race is before this date."})
        return attrs


# ---------------------------------------------------------------- the day and the week


class DayReadSerializer(DaySerializer):
    """One day of a plan: the day of the plan JSON with where it sits in the plan."""

    plan = serializers.IntegerField()
    week = serializers.IntegerField()
    phase = serializers.CharField()
    unit = serializers.ChoiceField(
        choices=("km", "mi"), help_text="The runner's unit (their profile's `units`): the day's distances are in it."
    )
    logged = serializers.ListField(
        child=serializers.CharField(), help_text="The kinds of the day's sessions already logged."
    )
    exercises = serializers.DictField(
        child=serializers.CharField(), help_text="The name of each exercise the day names (slug → name)."
    )


class TodaySerializer(serializers.Serializer[Any]):
    """Today where the plan's runner is: the day, or null when the plan has not started yet or is over."""

    plan = serializers.IntegerField()
    date = serializers.DateField()
    day = DayReadSerializer(allow_null=True)
    message = serializers.CharField(allow_blank=True, help_text="Why there is no day, in plain words.")


class WeekReadSerializer(WeekSerializer):
    plan = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    exercises = serializers.DictField(child=serializers.CharField())


# ---------------------------------------------------------------- the decision log


class PlanChangeSerializer(serializers.ModelSerializer[PlanChange]):
    """One decision about the plan: what changed, why, from when, and who decided."""

    title = serializers.CharField(source="get_kind_display", read_only=True)
    reason = serializers.SerializerMethodField()
    exercise_name = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=PlanChangeKind.choices, read_only=True)

    class Meta:
        model = PlanChange
        fields = (
            "id",
            "kind",
            "title",
            "reason",
            "exercise",
            "exercise_name",
            "effective_from",
            "author",
            "created_at",
        )
        read_only_fields = fields

    def get_reason(self, change: PlanChange) -> str:
        from programs.templatetags.plans import decision_reason

        return decision_reason(change.reason)

    def get_exercise_name(self, change: PlanChange) -> str | None:
        if not change.exercise:
            return None
        if change.exercise == "running":
            return RUNNING_NAME
        names: dict[str, str] = self.context.get("names", {})
        return names.get(change.exercise)

    @extend_schema_field(
        serializers.ChoiceField(choices=("you", "your physio", "the runner", "another physio", "the rules"))
    )
    def get_author(self, change: PlanChange) -> str:
        viewer: User = self.context["request"].user
        runner_id: int = self.context["runner_id"]
        if change.author_id is None:
            return "the rules"
        if change.author_id == viewer.pk:
            return "you"
        if change.author_id == runner_id:
            return "the runner"
        return "your physio" if viewer.pk == runner_id else "another physio"


PLAN_STATUSES = PlanStatus.choices
