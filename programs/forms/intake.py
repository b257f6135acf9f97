"""The intake wizard's steps (docs/design.md §3): each form asks one part of the intake in the runner's words.

A step form checks what it can on its own (types, bounds, answers that contradict each other) with messages next to
the field, and turns its answers into its part of the intake contract. `IntakeSerializer` validates the whole intake
at the end; `contract_fields` maps the serializer's error paths back to the step's fields.

Answers travel between steps as the raw strings the runner typed (`raw_answers`, `raw_from_intake`), so a step shows
exactly what was typed, valid or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms

from exercises.catalogue import EQUIPMENT_SLUGS
from exercises.services import EQUIPMENT_NAMES
from programs.forms.logs import PAIN_CHOICES

RawAnswers = dict[str, str | list[str]]

YES_NO = (("yes", "Yes"), ("no", "No"))
UNIT_WORDS = {"km": "km", "mi": "miles"}
PLAN_WEEKS_DEFAULT, PLAN_WEEKS_MIN, PLAN_WEEKS_MAX = 8, 4, 26

SEXES = (("female", "Female"), ("male", "Male"), ("other", "Other"), ("unspecified", "I'd rather not say"))
UNITS = (("km", "Kilometres"), ("mi", "Miles"))
GOAL_CHOICES = (
    ("pain_relief", "Get rid of the pain"),
    ("return_to_running", "Get back to my usual running"),
    ("prevention", "Keep my hamstrings from getting injured"),
    ("race", "Get ready for a race"),
)
RACE_DISTANCE_CHOICES = (
    ("", "Choose…"),
    ("5k", "5 km"),
    ("10k", "10 km"),
    ("half", "Half marathon"),
    ("marathon", "Marathon"),
    ("other", "Another distance"),
)
SIDE_CHOICES = (("left", "Left"), ("right", "Right"), ("both", "Both"), ("none", "No pain at the moment"))
ONSET_CHOICES = (
    ("gradual", "It came on gradually"),
    ("sudden", "It started suddenly, at one moment"),
    ("none", "I have no pain"),
)
LOCATION_CHOICES = (
    ("mid_thigh", "In the middle of the back of the thigh"),
    ("sit_bone", "High up, near the bone you sit on"),
    ("behind_knee", "Low down, just behind the knee"),
    ("radiating", "Spreading down the leg from the buttock"),
    ("", "Not sure, or somewhere else"),
)
WORSE_WHEN_CHOICES = (
    ("long_runs", "Long runs"),
    ("after_races", "After races"),
    ("speed_work", "Speed work or sprints"),
    ("sitting", "Sitting for a long time"),
    ("mornings", "In the morning"),
)
DAY_CHOICES = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
# Every red flag (domain.RED_FLAGS) as a plain question; screening.py decides what a yes means.
RED_FLAG_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("felt_pop", "Did you feel or hear a pop when it started?"),
    ("bruising", "Is there bruising on the back of your thigh?"),
    ("swelling", "Is there swelling on the back of your thigh?"),
    ("spreading_bruising_or_swelling", "Is the bruising or swelling spreading fast?"),
    ("unable_to_walk_normally", "Is it hard to walk normally, or to put your full weight on the leg?"),
    ("numbness_or_tingling", "Do you have numbness or tingling in the leg or foot?"),
    ("saddle_numbness", "Do you have numbness around your groin or buttocks?"),
    ("night_pain", "Does the pain wake you at night, or is it there when you lie still?"),
    ("bladder_or_bowel_change", "Have you noticed any change in controlling your bladder or bowels?"),
    ("fever_or_unwell", "Do you have a fever, or feel generally unwell?"),
    ("unexplained_weight_loss", "Have you lost weight recently without trying to?"),
    ("history_of_cancer", "Have you ever had cancer?"),
)

REQUIRED = "Please answer this question."


def _whole(label: str, low: int, high: int, help_text: str = "", initial: int | None = None) -> forms.IntegerField:
    between = f"Enter a whole number from {low} to {high}."
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        initial=initial,
        error_messages={"required": REQUIRED, "invalid": between, "min_value": between, "max_value": between},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class DecimalCommaFloatField(forms.FloatField):
    """A number that may be typed with a decimal comma (12,5) as many runners write it."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # FloatField's stub says int
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _distance(label: str, high: int, help_text: str = "") -> DecimalCommaFloatField:
    between = f"Enter a number from 0 to {high}, like 12 or 12.5."
    return DecimalCommaFloatField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=high,
        error_messages={"required": REQUIRED, "invalid": between, "min_value": between, "max_value": between},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "autocomplete": "off"}),
    )


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Please answer yes or no."},
    )


def _radios(label: str, choices: tuple[tuple[str, str], ...], *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose one."},
    )


def _ticks(label: str, choices: tuple[tuple[str, str], ...], *, required: bool, help_text: str = "") -> Any:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one."},
    )


def _pain(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        error_messages={"required": "Please choose a number from 0 to 10."},
    )


def _number_text(value: Any) -> str:
    """A stored number as the runner would type it: 48.0 → "48"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _yes_no_text(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")


class IntakeStepForm(forms.Form):
    """One step of the wizard. `unit` is the distance unit chosen at the first step; `today` the runner's date."""

    # Error paths of IntakeSerializer (dotted) → the field that shows the message; None: the step's top message.
    contract_fields: ClassVar[dict[str, str | None]] = {}
    # Fields shown together under a heading: (legend, field names); fields not listed come first, one by one.
    groups: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()

    def __init__(self, *args: Any, unit: str = "km", today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit, self.today = unit, today or dt.date.today()

    def contract(self) -> dict[str, Any]:
        """This step's part of the intake contract, from valid answers."""
        raise NotImplementedError

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        """What the runner answered last time, to start from when they go through the intake again."""
        raise NotImplementedError

    def raw_answers(self) -> RawAnswers:
        """The submitted answers as typed (before any checking), for this step's fields only."""
        raw: RawAnswers = {}
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField):
                raw[name] = [str(v) for v in self.data.getlist(name)] if hasattr(self.data, "getlist") else []
            else:
                raw[name] = str(self.data.get(name, "")).strip()
        return raw

    def sections(self) -> list[tuple[str | None, list[forms.BoundField]]]:
        grouped = {name for _legend, names in self.groups for name in names}
        loose: list[tuple[str | None, list[forms.BoundField]]] = [
            (None, [self[name]]) for name in self.fields if name not in grouped
        ]
        return loose + [(legend, [self[name] for name in names]) for legend, names in self.groups]

    def add_contract_error(self, path: str, message: str) -> None:
        """Show a message of IntakeSerializer next to the field it is about (its path may go deeper than the field)."""
        parts = path.split(".")
        while parts:
            key = ".".join(parts)
            if key in self.contract_fields:
                field = self.contract_fields[key]
                if field is None or field not in self.errors:
                    self.add_error(field, message)
                return
            parts.pop()
        self.add_error(None, message)


class AboutYouForm(IntakeStepForm):
    age = _whole("Your age", 12, 100, help_text="In years.")
    sex = _radios("Sex", SEXES)
    units = _radios("Distances in", UNITS)

    contract_fields: ClassVar[dict[str, str | None]] = {"age": "age", "sex": "sex", "units": "units"}

    def contract(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("age", "sex", "units")}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        return {"age": _number_text(data.get("age")), "sex": data.get("sex", ""), "units": data.get("units", "")}


class RunningForm(IntakeStepForm):
    weekly_distance = _distance(
        "How far do you usually run in a week?", 400, help_text="Before the pain started. Enter 0 if you do not run."
    )
    runs_per_week = _whole("How many runs in a usual week?", 0, 14)
    longest_run = _distance("Your longest run in the last month", 250)
    months_running = _whole("How long have you been running, in months?", 0, 1200, help_text="A year is 12 months.")
    races_per_year = _whole("How many races do you run in a year?", 0, 100)
    does_speed_work = _yes_no("Do you do speed work (intervals, tempo runs or sprints)?")
    goal = _radios("What do you most want from your plan?", GOAL_CHOICES)
    goal_race_date = forms.DateField(
        label="Race date",
        required=False,
        error_messages={"invalid": "Enter the date as day, month and year."},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    goal_race_distance = forms.ChoiceField(label="Race distance", choices=RACE_DISTANCE_CHOICES, required=False)

    groups: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = (
        ("Your goal race (if you have one)", ("goal_race_date", "goal_race_distance")),
    )
    contract_fields: ClassVar[dict[str, str | None]] = {
        **{f"running.{name}": name for name in ("weekly_distance", "runs_per_week", "longest_run")},
        **{f"running.{name}": name for name in ("months_running", "races_per_year", "does_speed_work")},
        "running.goal_race": "goal_race_date",
        "running.goal_race.date": "goal_race_date",
        "running.goal_race.distance": "goal_race_distance",
        "running": None,
        "goal": "goal",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = UNIT_WORDS.get(self.unit, self.unit)
        for name in ("weekly_distance", "longest_run"):
            self.fields[name].label = f"{self.fields[name].label} ({unit})"
        self.fields["goal_race_date"].widget.attrs["min"] = self.today.isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        weekly, runs, longest = data.get("weekly_distance"), data.get("runs_per_week"), data.get("longest_run")
        if weekly is not None and runs is not None and weekly > 0 and runs == 0:
            self.add_error("runs_per_week", "You run some distance each week, so this is at least 1.")
        if weekly is not None and longest is not None and longest > weekly > 0:
            self.add_error("longest_run", "Your longest run cannot be longer than your weekly distance.")
        race_date, distance = data.get("goal_race_date"), data.get("goal_race_distance")
        if race_date is not None and race_date < self.today:
            self.add_error("goal_race_date", "This date has passed: give a race that is still to come.")
        if "goal_race_date" not in self.errors:
            if race_date is not None and not distance:
                self.add_error("goal_race_distance", "Choose the race distance too, or clear the date.")
            if race_date is None and distance:
                self.add_error("goal_race_date", "Give the race date too, or choose no distance.")
            if data.get("goal") == "race" and race_date is None and not distance:
                self.add_error("goal_race_date", "A race goal needs the race's date and distance.")
        return data

    def contract(self) -> dict[str, Any]:
        data = self.cleaned_data
        race = data["goal_race_date"]
        running = {
            name: data[name]
            for name in (
                "weekly_distance",
                "runs_per_week",
                "longest_run",
                "months_running",
                "races_per_year",
                "does_speed_work",
            )
        }
        running["goal_race"] = (
            {"date": race.isoformat(), "distance": data["goal_race_distance"]} if race is not None else None
        )
        return {"running": running, "goal": data["goal"]}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        running = data.get("running") or {}
        race = running.get("goal_race") or {}
        raw: RawAnswers = {
            name: _number_text(running.get(name))
            for name in ("weekly_distance", "runs_per_week", "longest_run", "months_running", "races_per_year")
        }
        raw["does_speed_work"] = _yes_no_text(running.get("does_speed_work"))
        raw["goal"] = data.get("goal", "")
        # A race that has been run is not a goal any more.
        upcoming = bool(race.get("date")) and str(race["date"]) >= answered_on.isoformat()
        raw["goal_race_date"] = str(race["date"]) if upcoming else ""
        raw["goal_race_distance"] = str(race.get("distance", "")) if upcoming else ""
        if raw["goal"] == "race" and not upcoming:
            raw["goal"] = ""
        return raw


class HamstringForm(IntakeStepForm):
    side = _radios("Which leg hurts?", SIDE_CHOICES)
    onset = _radios("How did the pain start?", ONSET_CHOICES)
    onset_date = forms.DateField(
        label="The date it started",
        required=False,
        error_messages={"invalid": "Enter the date as day, month and year."},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    weeks_since_onset = DecimalCommaFloatField(
        label="Or: how many weeks ago?",
        help_text="If you do not know the date. Half a week is 0.5.",
        required=False,
        min_value=0,
        max_value=520,
        error_messages={
            "invalid": "Enter a number of weeks, like 3 or 0.5.",
            "min_value": "Enter a number of weeks from 0 to 520.",
            "max_value": "Enter a number of weeks from 0 to 520.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "autocomplete": "off"}),
    )
    pain_at_rest = _pain("Pain when resting (0–10)")
    pain_walking = _pain("Pain when walking (0–10)")
    pain_running = _pain("Pain when running, or when you last ran (0–10)")
    location = _radios("Where is the pain?", LOCATION_CHOICES, required=False)
    worse_when = _ticks("What makes it worse?", WORSE_WHEN_CHOICES, required=False, help_text="Tick any that apply.")
    previous_hamstring_injury = _yes_no("Have you hurt a hamstring before?")
    not_improving = _yes_no(
        "Over the last few weeks, has the pain stayed the same or got worse?",
        help_text="If you have no pain, answer No.",
    )

    groups: ClassVar[tuple[tuple[str, tuple[str, ...]], ...]] = ()
    contract_fields: ClassVar[dict[str, str | None]] = {
        **{
            f"symptoms.{name}": name
            for name in (
                "side",
                "onset",
                "onset_date",
                "weeks_since_onset",
                "pain_at_rest",
                "pain_walking",
                "pain_running",
                "location",
                "worse_when",
                "previous_hamstring_injury",
                "not_improving",
            )
        },
        "symptoms.days_since_onset": "onset_date",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["onset_date"].widget.attrs["max"] = self.today.isoformat()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        pains = [data.get(name) for name in ("pain_at_rest", "pain_walking", "pain_running")]
        side, onset = data.get("side"), data.get("onset")
        if side is None or onset is None or None in pains:
            return data
        in_pain = side != "none" or max(p for p in pains if p is not None) > 0
        if in_pain and onset == "none":
            self.add_error("onset", "You have some pain: tell us whether it came on gradually or suddenly.")
        if not in_pain and onset != "none":
            self.add_error("side", "Tell us which leg hurts, or choose “I have no pain” for how it started.")
        when, weeks = data.get("onset_date"), data.get("weeks_since_onset")
        if when is not None and when > self.today:
            self.add_error("onset_date", "The pain cannot have started after today.")
        if when is not None and weeks is not None:
            self.add_error("weeks_since_onset", "Give the date or the number of weeks, not both.")
        if in_pain and when is None and weeks is None and not self.has_error("onset_date"):
            self.add_error("onset_date", "Tell us when the pain started: a date, or how many weeks ago.")
        return data

    def contract(self) -> dict[str, Any]:
        data = self.cleaned_data
        when = data["onset_date"]
        symptoms = {
            "side": data["side"],
            "onset": data["onset"],
            "onset_date": when.isoformat() if when is not None else None,
            "weeks_since_onset": data["weeks_since_onset"] if when is None else None,
            "location": data["location"] or None,
            "worse_when": list(data["worse_when"]),
        }
        symptoms |= {
            name: data[name]
            for name in ("pain_at_rest", "pain_walking", "pain_running", "previous_hamstring_injury", "not_improving")
        }
        return {"symptoms": symptoms}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        symptoms = data.get("symptoms") or {}
        days = symptoms.get("days_since_onset")
        started = answered_on - dt.timedelta(days=int(days)) if days is not None and symptoms.get("onset") else None
        raw: RawAnswers = {
            "side": symptoms.get("side", ""),
            "onset": symptoms.get("onset", ""),
            # A date stays right however long ago the last intake was; "weeks ago" would not.
            "onset_date": started.isoformat() if started is not None and symptoms.get("onset") != "none" else "",
            "weeks_since_onset": "",
            "location": symptoms.get("location") or "",
            "worse_when": [str(w) for w in symptoms.get("worse_when") or []],
            "previous_hamstring_injury": _yes_no_text(symptoms.get("previous_hamstring_injury")),
            # Whether it is improving is asked afresh: last time's answer says nothing about now.
            "not_improving": "",
        }
        raw |= {name: _number_text(symptoms.get(name)) for name in ("pain_at_rest", "pain_walking", "pain_running")}
        return raw


class SafetyForm(IntakeStepForm):
    """Every red flag as its own yes/no question: silence is not a no, so each needs an answer."""

    contract_fields: ClassVar[dict[str, str | None]] = {f"symptoms.{name}": name for name, _q in RED_FLAG_QUESTIONS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, question in RED_FLAG_QUESTIONS:
            self.fields[name] = _yes_no(question)

    def contract(self) -> dict[str, Any]:
        return {"symptoms": {name: self.cleaned_data[name] for name, _q in RED_FLAG_QUESTIONS}}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        # Never carried over: each safety answer is about today, and a pre-ticked "no" would be silence.
        return {}


class EquipmentDaysForm(IntakeStepForm):
    equipment = _ticks(
        "What do you have?",
        tuple((slug, EQUIPMENT_NAMES.get(slug, slug.replace("_", " ").capitalize())) for slug in EQUIPMENT_SLUGS),
        required=False,
        help_text="Tick everything you can use. Nothing ticked is fine: the plan then uses your body weight.",
    )
    available_days = _ticks("Which days can you train?", DAY_CHOICES, required=True)
    minutes_per_session = _whole(
        "How many minutes can you give each session?", 10, 180, help_text="Most people manage 20 to 45 minutes."
    )
    plan_weeks = _whole(
        "How many weeks should your plan last?",
        PLAN_WEEKS_MIN,
        PLAN_WEEKS_MAX,
        help_text=f"{PLAN_WEEKS_DEFAULT} weeks suits most runners. You can answer these questions again at any time.",
        initial=PLAN_WEEKS_DEFAULT,
    )

    contract_fields: ClassVar[dict[str, str | None]] = {
        "equipment": "equipment",
        "available_days": "available_days",
        "minutes_per_session": "minutes_per_session",
    }

    def contract(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("equipment", "available_days", "minutes_per_session")}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        return {
            "equipment": [str(e) for e in data.get("equipment") or []],
            "available_days": [str(d) for d in data.get("available_days") or []],
            "minutes_per_session": _number_text(data.get("minutes_per_session")),
            "plan_weeks": str(PLAN_WEEKS_DEFAULT),
        }


def merge_contract(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The steps' parts as one intake: nested parts (symptoms come from two steps) are merged, not replaced."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def error_paths(errors: Any, prefix: str = "") -> list[tuple[str, str]]:
    """IntakeSerializer's nested errors as (dotted path, message); a non-field error belongs to its parent's path."""
    if isinstance(errors, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, value in errors.items():
            path = prefix if key in ("non_field_errors", "__all__") else f"{prefix}.{key}".lstrip(".")
            pairs += error_paths(value, path)
        return pairs
    if isinstance(errors, list | tuple):
        return [pair for error in errors for pair in error_paths(error, prefix)]
    return [(prefix, str(errors))]
