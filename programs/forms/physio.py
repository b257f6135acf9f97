"""The physio's small forms: filtering the patient list, the weekly digest switch, and a red-flag clearance."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms

from programs.clinical.start_window import start_window
from programs.forms.plans import PlanRevisionField
from programs.selectors import patients
from programs.services.generation import pathways

# The list's table headers sort both ways (programs.views.patients), so each order has its reverse here.
SORT_CHOICES = [
    ("", "Needs attention first"),
    ("flags", "Fewest attention flags first"),
    ("name", "Name, A to Z"),
    ("-name", "Name, Z to A"),
    ("adherence_7", "Lowest adherence (7 days)"),
    ("-adherence_7", "Highest adherence (7 days)"),
    ("adherence_28", "Lowest adherence (28 days)"),
    ("-adherence_28", "Highest adherence (28 days)"),
    ("-days_since_last_log", "Longest since last log"),
    ("days_since_last_log", "Most recent log"),
    ("-last_pain", "Highest last pain"),
    ("last_pain", "Lowest last pain"),
    ("-last_morning_pain", "Highest morning pain"),
    ("last_morning_pain", "Lowest morning pain"),
]


class PatientFilterForm(forms.Form):
    flag = forms.ChoiceField(label="Show", required=False)
    pathway = forms.ChoiceField(label="Program", required=False)
    ordering = forms.ChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["flag"]).choices = [("", "Every patient"), *patients.FLAG_LABELS.items()]
        programs = sorted(((slug, p.name) for slug, p in pathways().items()), key=lambda choice: choice[1])
        cast(forms.ChoiceField, self.fields["pathway"]).choices = [("", "Every program"), *programs]


class DigestSwitchForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("on", "On"), ("off", "Off")],
        coerce=lambda value: value == "on",
        error_messages={"required": "Choose on or off.", "invalid_choice": "Choose on or off."},
    )


class ClearanceForm(forms.Form):
    note = forms.CharField(
        label="What your assessment found",
        max_length=2000,
        help_text="The runner reads this beside their plan: plain words, no abbreviations.",
        error_messages={
            "required": "Record what the assessment found.",
            "max_length": "Keep it to 2000 characters or fewer.",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    start = forms.DateField(
        label="The plan starts (or continues in full) from",
        help_text="The runner's today at the earliest: what is past stays as it was.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Choose a start date.", "invalid": "Enter a date such as 2026-01-05."},
    )
    confirm = forms.BooleanField(
        label="I have assessed this runner and it is safe for their plan to go ahead",
        error_messages={"required": "Tick the box to confirm you assessed the runner."},
    )
    revision = PlanRevisionField()

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        if problem := start_window(self.today).problem(start):
            raise forms.ValidationError(problem)
        return start
