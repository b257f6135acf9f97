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

from accounts.forms import browser_timezone_field
from programs.clinical.words import UNIT_WORDS
from programs.forms.intake_fields import (
    DAY_CHOICES,
    EQUIPMENT_CHOICES,
    GOAL_CHOICES,
    LOCATION_CHOICES,
    ONSET_CHOICES,
    RACE_DISTANCE_CHOICES,
    RED_FLAG_QUESTIONS,
    SEXES,
    SIDE_CHOICES,
    UNITS,
    WORSE_WHEN_CHOICES,
    DecimalCommaFloatField,
    distance_field,
    number_text,
    pain_field,
    radios_field,
    strains_error,
    strains_field,
    strains_text,
    ticks_field,
    whole_field,
    yes_no_field,
    yes_no_text,
)

RawAnswers = dict[str, str | list[str]]

PLAN_WEEKS_DEFAULT, PLAN_WEEKS_MIN, PLAN_WEEKS_MAX = 8, 4, 26


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
        """This step's part of the intake contract, from valid answers: a flat step's are its contract fields."""
        return {field: self.cleaned_data[field] for field in self.contract_fields.values() if field is not None}

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
    age = whole_field("Your age", 12, 100, help_text="In years.")
    sex = radios_field("Sex", SEXES)
    units = radios_field("Distances in", UNITS)
    timezone = browser_timezone_field()

    contract_fields: ClassVar[dict[str, str | None]] = {"age": "age", "sex": "sex", "units": "units"}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        return {"age": number_text(data.get("age")), "sex": data.get("sex", ""), "units": data.get("units", "")}


RUNNING_ANSWERS = (
    *("weekly_distance", "runs_per_week", "longest_run", "months_running", "races_per_year", "does_speed_work"),
    "keep_walk_run",
)


class RunningForm(IntakeStepForm):
    weekly_distance = distance_field(
        "How far do you usually run in a week?", 400, help_text="Before the pain started. Enter 0 if you do not run."
    )
    runs_per_week = whole_field("How many runs in a usual week?", 0, 14)
    longest_run = distance_field("Your longest run in the last month", 250)
    months_running = whole_field(
        "How long have you been running, in months?", 0, 1200, help_text="A year is 12 months."
    )
    races_per_year = whole_field("How many races do you run in a year?", 0, 100)
    does_speed_work = yes_no_field("Do you do speed work (intervals, tempo runs or sprints)?")
    keep_walk_run = yes_no_field(
        "Do you walk–run and want to keep walk breaks?",
        help_text="Walk–run: running with short walks in between.",
        required=False,
    )
    goal = radios_field("What do you most want from your plan?", GOAL_CHOICES)
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
        "running.keep_walk_run": "keep_walk_run",
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
        running = {name: data[name] for name in RUNNING_ANSWERS} | {"keep_walk_run": bool(data["keep_walk_run"])}
        running["goal_race"] = (
            {"date": race.isoformat(), "distance": data["goal_race_distance"]} if race is not None else None
        )
        return {"running": running, "goal": data["goal"]}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        running = data.get("running") or {}
        race = running.get("goal_race") or {}
        raw: RawAnswers = {
            name: number_text(running.get(name))
            for name in ("weekly_distance", "runs_per_week", "longest_run", "months_running", "races_per_year")
        }
        raw["does_speed_work"] = yes_no_text(running.get("does_speed_work"))
        raw["keep_walk_run"] = yes_no_text(running.get("keep_walk_run"))
        raw["goal"] = data.get("goal", "")
        # A race that has been run is not a goal any more.
        upcoming = bool(race.get("date")) and str(race["date"]) >= answered_on.isoformat()
        raw["goal_race_date"] = str(race["date"]) if upcoming else ""
        raw["goal_race_distance"] = str(race.get("distance", "")) if upcoming else ""
        if raw["goal"] == "race" and not upcoming:
            raw["goal"] = ""
        return raw


class HamstringForm(IntakeStepForm):
    side = radios_field("Which leg hurts?", SIDE_CHOICES)
    onset = radios_field("How did the pain start?", ONSET_CHOICES)
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
    pain_at_rest = pain_field("Pain when resting (0–10)")
    pain_walking = pain_field("Pain when walking (0–10)")
    pain_running = pain_field("Pain when running, or when you last ran (0–10)")
    location = radios_field("Where is the pain?", LOCATION_CHOICES, required=False)
    worse_when = ticks_field(
        "What makes it worse?", WORSE_WHEN_CHOICES, required=False, help_text="Tick any that apply."
    )
    previous_hamstring_injury = yes_no_field("Have you hurt a hamstring before?")
    previous_strains = strains_field()
    not_improving = yes_no_field(
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
                "previous_strains",
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
        strains = strains_error(data.get("previous_hamstring_injury"), data.get("previous_strains"))
        if strains is not None and "previous_strains" not in self.errors:
            self.add_error("previous_strains", strains)
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
        symptoms["previous_strains"] = data["previous_strains"] or 0
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
            "previous_hamstring_injury": yes_no_text(symptoms.get("previous_hamstring_injury")),
            "previous_strains": strains_text(symptoms),
            # Whether it is improving is asked afresh: last time's answer says nothing about now.
            "not_improving": "",
        }
        raw |= {name: number_text(symptoms.get(name)) for name in ("pain_at_rest", "pain_walking", "pain_running")}
        return raw


class SafetyForm(IntakeStepForm):
    """Every red flag as its own yes/no question: silence is not a no, so each needs an answer."""

    contract_fields: ClassVar[dict[str, str | None]] = {f"symptoms.{name}": name for name, _q in RED_FLAG_QUESTIONS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, question in RED_FLAG_QUESTIONS:
            self.fields[name] = yes_no_field(question)

    def contract(self) -> dict[str, Any]:
        return {"symptoms": {name: self.cleaned_data[name] for name, _q in RED_FLAG_QUESTIONS}}

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        # Never carried over: each safety answer is about today, and a pre-ticked "no" would be silence.
        return {}


class EquipmentDaysForm(IntakeStepForm):
    equipment = ticks_field(
        "What do you have?",
        EQUIPMENT_CHOICES,
        required=False,
        help_text="Tick everything you can use. Nothing ticked is fine: the plan then uses your body weight.",
    )
    available_days = ticks_field("Which days can you train?", DAY_CHOICES, required=True)
    minutes_per_session = whole_field(
        "How many minutes can you give each session?", 10, 180, help_text="Most people manage 20 to 45 minutes."
    )
    plan_weeks = whole_field(
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

    @classmethod
    def raw_from_intake(cls, data: Mapping[str, Any], *, answered_on: dt.date) -> RawAnswers:
        return {
            "equipment": [str(e) for e in data.get("equipment") or []],
            "available_days": [str(d) for d in data.get("available_days") or []],
            "minutes_per_session": number_text(data.get("minutes_per_session")),
            "plan_weeks": str(PLAN_WEEKS_DEFAULT),
        }
