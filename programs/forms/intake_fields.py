"""The intake's choices and field kinds, each asked in the runner's words: numbers that take a decimal comma,
yes/no, ticks, pain from 0 to 10."""

from __future__ import annotations

from typing import Any

from django import forms

from exercises.catalogue import EQUIPMENT_SLUGS
from exercises.services import EQUIPMENT_NAMES
from programs.forms.logs import PAIN_CHOICES

YES_NO = (("yes", "Yes"), ("no", "No"))
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
EQUIPMENT_CHOICES = tuple(
    (slug, EQUIPMENT_NAMES.get(slug, slug.replace("_", " ").capitalize())) for slug in EQUIPMENT_SLUGS
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


def whole_field(label: str, low: int, high: int, help_text: str = "", initial: int | None = None) -> forms.IntegerField:
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


def distance_field(label: str, high: int, help_text: str = "") -> DecimalCommaFloatField:
    between = f"Enter a number from 0 to {high}, like 12 or 12.5."
    return DecimalCommaFloatField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=high,
        error_messages={"required": REQUIRED, "invalid": between, "min_value": between, "max_value": between},
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1", "autocomplete": "off"}),
    )


def yes_no_field(label: str, help_text: str = "", *, required: bool = True) -> forms.TypedChoiceField:
    """A yes/no question. `required=False` is for a preference, not a safety question: no answer (None) reads as no."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": "Please answer yes or no."},
    )


def strains_field() -> forms.IntegerField:
    """How many earlier strains: asked as a count because two or more change the advice (docs/clinical-sources.md §13)."""
    between = "Enter a whole number from 0 to 20: 0 if never."
    return forms.IntegerField(
        label="How many times have you strained a hamstring before?",
        help_text="A strain is a pulled or torn muscle at the back of the thigh. Enter 0 if never.",
        min_value=0,
        max_value=20,
        required=False,
        error_messages={"invalid": between, "min_value": between, "max_value": between},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def strains_error(injured: bool | None, strains: int | None) -> str | None:
    """What is wrong between "Have you hurt a hamstring before?" and the count of earlier strains, if anything."""
    if injured and strains is None:
        return "Tell us how many times you have strained a hamstring before (1 or more), or 0 if it was not a strain."
    if injured is False and strains:
        return "You have not hurt a hamstring before, so this is 0 (or change that answer to Yes)."
    return None


def strains_text(symptoms: Any) -> str:
    """The stored count as the runner would type it; blank when only a yes was stored (the count was not asked)."""
    count = symptoms.get("previous_strains")
    if count is not None:
        return number_text(count)
    return "0" if symptoms.get("previous_hamstring_injury") is False else ""


def radios_field(label: str, choices: tuple[tuple[str, str], ...], *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose one."},
    )


def ticks_field(label: str, choices: tuple[tuple[str, str], ...], *, required: bool, help_text: str = "") -> Any:
    return forms.MultipleChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        required=required,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one."},
    )


def pain_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        error_messages={"required": "Please choose a number from 0 to 10."},
    )


def number_text(value: Any) -> str:
    """A stored number as the runner would type it: 48.0 → "48"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def yes_no_text(value: Any) -> str:
    return "" if value is None else ("yes" if value else "no")
