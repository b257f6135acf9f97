"""Validation and shaping of the intake contract (docs/design.md §3). Shared by the API, the CLI and forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from exercises.catalogue import EQUIPMENT_SLUGS
from programs.clinical.types import GOALS, LOCATIONS, ONSETS, RACE_DISTANCES, RED_FLAGS, SIDES, WEEKDAYS, WORSE_WHEN
from rehabplan import api_fields


class UniqueMultipleChoiceField(serializers.ListField):
    """A list of distinct choices, kept in the order of the choices (so equal inputs store equally)."""

    def __init__(self, *, choices: tuple[str, ...], **kwargs: Any) -> None:
        self.ordered_choices = choices
        super().__init__(child=serializers.ChoiceField(choices=choices), **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError("List each value once.")
        return [c for c in self.ordered_choices if c in values]


# A goal to build towards, within what a plan can plan for; a date further off is a typing slip (9999-12-31).
RACE_MAX_YEARS_AHEAD = 3


class GoalRaceSerializer(serializers.Serializer):
    date = serializers.DateField()
    distance = serializers.ChoiceField(choices=RACE_DISTANCES)

    def validate_date(self, value: dt.date) -> dt.date:
        if value > timezone.localdate() + dt.timedelta(days=365 * RACE_MAX_YEARS_AHEAD + 1):
            raise serializers.ValidationError(
                f"Give a race within the next {RACE_MAX_YEARS_AHEAD} years; for one further off, set no race yet."
            )
        return value


class RunningSerializer(serializers.Serializer):
    weekly_distance = api_fields.FloatField(min_value=0, max_value=400)
    runs_per_week = api_fields.IntegerField(min_value=0, max_value=14)
    longest_run = api_fields.FloatField(min_value=0, max_value=250)
    months_running = api_fields.IntegerField(min_value=0, max_value=1200)
    races_per_year = api_fields.IntegerField(min_value=0, max_value=100)
    does_speed_work = api_fields.BooleanField()
    goal_race = GoalRaceSerializer(allow_null=True, required=False, default=None)
    keep_walk_run = api_fields.BooleanField(
        required=False,
        default=False,
        help_text="A walker-runner who wants to keep walk breaks rather than build to continuous running.",
        error_messages={"invalid": "Answer true or false: do you walk–run and want to keep walk breaks?"},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["weekly_distance"] > 0 and attrs["runs_per_week"] == 0:
            raise serializers.ValidationError(
                {"runs_per_week": "You run some distance each week, so this is at least 1."}
            )
        if attrs["longest_run"] > attrs["weekly_distance"] > 0:
            raise serializers.ValidationError(
                {"longest_run": "Your longest run cannot be longer than your weekly distance."}
            )
        return attrs


STRAINS_BETWEEN = "Enter how many times you have strained a hamstring before: a whole number from 0 to 20."


def _earlier_strains(injured: bool | None, strains: int | None) -> dict[str, Any]:
    """The yes/no and the count as one consistent answer: a count of 1 or more means yes; a yes alone counts one."""
    if injured is None and strains is None:
        raise serializers.ValidationError({"previous_strains": STRAINS_BETWEEN})
    if injured is False and strains:
        raise serializers.ValidationError(
            {"previous_hamstring_injury": f"You told us about {strains} earlier strains, so this is true."}
        )
    count = strains if strains is not None else int(bool(injured))
    return {"previous_hamstring_injury": bool(injured) or count > 0, "previous_strains": count}


class SymptomsSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=SIDES)
    onset = serializers.ChoiceField(choices=ONSETS)
    # When the pain started: a date, or weeks ago (0.3 is two days). Stored as days, which the rules work in.
    onset_date = serializers.DateField(required=False, allow_null=True, default=None)
    weeks_since_onset = api_fields.FloatField(min_value=0, max_value=520, required=False, allow_null=True, default=None)
    days_since_onset = api_fields.IntegerField(read_only=True)
    pain_at_rest = api_fields.IntegerField(min_value=0, max_value=10)
    pain_walking = api_fields.IntegerField(min_value=0, max_value=10)
    pain_running = api_fields.IntegerField(min_value=0, max_value=10)
    location = serializers.ChoiceField(choices=LOCATIONS, allow_null=True, required=False, default=None)
    worse_when = UniqueMultipleChoiceField(choices=WORSE_WHEN, required=False, default=list)
    felt_pop = api_fields.BooleanField()
    bruising = api_fields.BooleanField()
    swelling = api_fields.BooleanField()
    unable_to_walk_normally = api_fields.BooleanField()
    numbness_or_tingling = api_fields.BooleanField()
    night_pain = api_fields.BooleanField()
    bladder_or_bowel_change = api_fields.BooleanField()
    fever_or_unwell = api_fields.BooleanField()
    spreading_bruising_or_swelling = api_fields.BooleanField()
    saddle_numbness = api_fields.BooleanField()
    unexplained_weight_loss = api_fields.BooleanField()
    history_of_cancer = api_fields.BooleanField()
    not_improving = api_fields.BooleanField()
    previous_hamstring_injury = api_fields.BooleanField(required=False, allow_null=True, default=None)
    previous_strains = api_fields.IntegerField(
        min_value=0,
        max_value=20,
        required=False,
        allow_null=True,
        default=None,
        help_text="How many times the runner has strained a hamstring before (0-20). 1 or more means "
        "previous_hamstring_injury is true; give either or both.",
        error_messages={
            "invalid": STRAINS_BETWEEN,
            "min_value": STRAINS_BETWEEN,
            "max_value": STRAINS_BETWEEN,
            "max_string_length": STRAINS_BETWEEN,
        },
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs |= _earlier_strains(attrs.get("previous_hamstring_injury"), attrs.get("previous_strains"))
        in_pain = (
            attrs["side"] != "none" or max(attrs["pain_at_rest"], attrs["pain_walking"], attrs["pain_running"]) > 0
        )
        if in_pain and attrs["onset"] == "none":
            raise serializers.ValidationError({"onset": "Tell us how the pain started: gradual or sudden."})
        if not in_pain and attrs["onset"] != "none":
            raise serializers.ValidationError({"side": "Tell us which side hurts (or set onset to none)."})
        attrs["days_since_onset"] = self._days_since_onset(attrs, in_pain)
        return attrs

    def _days_since_onset(self, attrs: dict[str, Any], in_pain: bool) -> int:
        onset_date, weeks = attrs.get("onset_date"), attrs.get("weeks_since_onset")
        if onset_date is not None:
            today = self.context.get("today") or self.context.get("start") or timezone.localdate()
            if onset_date > today:
                raise serializers.ValidationError({"onset_date": "The pain cannot have started after today."})
            return (today - onset_date).days
        if weeks is not None:
            return round(weeks * 7)
        if in_pain:
            raise serializers.ValidationError(
                {"weeks_since_onset": "Tell us when the pain started: a date, or how many weeks ago."}
            )
        return 0


class IntakeSerializer(serializers.Serializer):
    """The runner's intake. Red-flag questions must be answered explicitly: silence is not a 'no'."""

    age = api_fields.IntegerField(min_value=12, max_value=100)
    sex = serializers.ChoiceField(choices=("female", "male", "other", "unspecified"))
    units = serializers.ChoiceField(choices=("km", "mi"))
    running = RunningSerializer()
    symptoms = SymptomsSerializer()
    equipment = UniqueMultipleChoiceField(choices=EQUIPMENT_SLUGS, allow_empty=True)
    available_days = UniqueMultipleChoiceField(choices=WEEKDAYS, allow_empty=False)
    minutes_per_session = api_fields.IntegerField(min_value=10, max_value=180)
    goal = serializers.ChoiceField(choices=GOALS)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        race = attrs["running"]["goal_race"]
        start = self.context.get("start")
        if race is not None and start is not None and race["date"] < start:
            raise serializers.ValidationError(
                {"running": {"goal_race": {"date": "The race is before the plan starts."}}}
            )
        if attrs["goal"] == "race" and race is None:
            raise serializers.ValidationError(
                {"running": {"goal_race": "A race goal needs the race's date and distance."}}
            )
        return attrs


def field_errors(errors: Any, prefix: str = "") -> list[str]:
    """Flatten DRF's nested error dict into 'running.weekly_distance: message' lines."""
    if isinstance(errors, dict):
        return [line for key, value in errors.items() for line in field_errors(value, f"{prefix}{key}.")]
    if isinstance(errors, list) and errors and not isinstance(errors[0], str | dict | list):
        errors = [str(e) for e in errors]
    if isinstance(errors, list):
        name = prefix.rstrip(".") or "intake"
        if all(isinstance(e, str) for e in errors):
            return [f"{name}: {e}" for e in errors]
        return [line for i, e in enumerate(errors) for line in field_errors(e, f"{prefix}{i}.")]
    return [f"{prefix.rstrip('.') or 'intake'}: {errors}"]


# ---------------------------------------------------------------- replaying logs (manage.py generate_plan --logs)


class ReplayExerciseSerializer(serializers.Serializer):
    exercise = serializers.SlugField()
    completed = api_fields.BooleanField()
    pain_during = api_fields.IntegerField(min_value=0, max_value=10)
    pain_after = api_fields.IntegerField(min_value=0, max_value=10)
    rpe = api_fields.IntegerField(min_value=1, max_value=10, required=False)
    sets_done = api_fields.IntegerField(min_value=0, max_value=20, required=False)
    reps_done = serializers.JSONField(required=False)
    hold_seconds_done = api_fields.IntegerField(min_value=0, max_value=600, required=False)
    laps_done = api_fields.IntegerField(min_value=0, max_value=200, required=False)
    minutes_done = api_fields.IntegerField(min_value=0, max_value=600, required=False)


class ReplayRunSerializer(serializers.Serializer):
    distance = api_fields.FloatField(min_value=0, max_value=250)
    pain_during = api_fields.IntegerField(min_value=0, max_value=10)
    tightness_after = api_fields.BooleanField()


class ReplayMorningSerializer(serializers.Serializer):
    pain = api_fields.IntegerField(min_value=0, max_value=10, required=False)
    stiffness = api_fields.IntegerField(min_value=0, max_value=10, required=False)
    # paused exercises tried gently that day: true = without pain (brings them back)
    pain_free_check = api_fields.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Give the morning's pain, stiffness, pain-free check, or several.")
        return attrs


class ReplayStageCheckSerializer(serializers.Serializer):
    """A stage's exit checklist answered: the stage's slug and each question (its text) answered yes or no."""

    phase = api_fields.CharField()
    answers = serializers.DictField(child=api_fields.BooleanField(), allow_empty=False)


REPLAY_KINDS = ("exercise", "run", "morning", "red_flags", "stage_check")


class ReplayEntrySerializer(serializers.Serializer):
    """One entry of a logs file: a date and exactly one of an exercise log, a run, a morning, red flags or a stage's
    checklist answers."""

    date = serializers.DateField()
    run = ReplayRunSerializer(required=False)
    morning = ReplayMorningSerializer(required=False)
    red_flags = UniqueMultipleChoiceField(choices=RED_FLAGS, required=False, allow_empty=False)
    stage_check = ReplayStageCheckSerializer(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        attrs = super().to_internal_value(data)
        given = [kind for kind in REPLAY_KINDS if kind in data] if isinstance(data, dict) else []
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "entry": "Give exactly one of exercise, run, morning, red_flags or stage_check "
                    f"(got {', '.join(given) or 'none'})."
                }
            )
        if given == ["exercise"]:
            exercise = ReplayExerciseSerializer(data=data)
            if not exercise.is_valid():
                raise serializers.ValidationError(exercise.errors)
            attrs["exercise"] = exercise.validated_data
        return attrs
