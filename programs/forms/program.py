"""The forms around the program editor: where a program starts from, the change to an active plan, a template's
name and fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.pathways import Pathway
from programs.clinical.start_window import start_window
from programs.forms.editor import WEEKS_MESSAGE, number_field
from programs.forms.plans import PlanRevisionField


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "A date such as 2026-11-23.", "required": "Give a date."},
    )


class AssignStartForm(forms.Form):
    """Step 1 of assigning: where the program starts from, when, and for how long."""

    source = forms.ChoiceField(label="Start from", widget=forms.RadioSelect)
    start = _date_field("First day")
    weeks = number_field(f"Weeks (1–{MAX_PLAN_WEEKS})", low=1, high=MAX_PLAN_WEEKS)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        own_choice: str,
        pathways: Mapping[str, Pathway],
        templates: Sequence[Any],
        today: dt.date,
    ) -> None:
        super().__init__(data, initial={"source": "intake", "start": today})
        self.today = today
        self.pathways = pathways
        self.templates = {str(t.pk): t for t in templates}
        choices = [("intake", f"What the runner's answers choose: {own_choice}")]
        choices += [
            (f"pathway:{slug}", f"{p.name}. {p.summary}")
            for slug, p in sorted(pathways.items(), key=lambda item: item[1].name)
        ]
        choices += [
            (
                f"template:{t.pk}",
                f"Your template “{t.name}”: {pathways[t.pathway].name if t.pathway in pathways else t.pathway}, {t.weeks} weeks",
            )
            for t in templates
        ]
        cast(forms.ChoiceField, self.fields["source"]).choices = choices
        self.fields["source"].error_messages["invalid_choice"] = "Choose where the program starts from."
        self.fields["weeks"].help_text = "Blank: the template's length, or 8 weeks."
        for key in ("min_value", "max_value", "invalid"):
            self.fields["weeks"].error_messages[key] = WEEKS_MESSAGE

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        if problem := start_window(self.today).problem(start):
            raise ValidationError(problem)
        return start

    @property
    def pathway(self) -> str | None:
        source = self.cleaned_data.get("source", "")
        return source.removeprefix("pathway:") if source.startswith("pathway:") else None

    @property
    def template(self) -> Any:
        source = self.cleaned_data.get("source", "")
        return self.templates.get(source.removeprefix("template:")) if source.startswith("template:") else None

    def chosen_weeks(self, default: int = 8) -> int:
        weeks = self.cleaned_data.get("weeks")
        if weeks:
            return int(weeks)
        template = self.template
        return int(template.weeks) if template is not None else default


class PlanEditForm(forms.Form):
    """What an adjustment of an active plan needs besides the edits: why, and from which day."""

    note = forms.CharField(
        label="Why (your patient reads this)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, in a sentence your patient will read."},
    )
    start = _date_field("From")
    revision = PlanRevisionField()

    def __init__(self, data: Mapping[str, Any] | None = None, *, today: dt.date, revision: int) -> None:
        super().__init__(data, initial={"start": today, "revision": revision})
        self.today = today
        self.fields["start"].help_text = "Sessions before this day, and everything already logged, stay as they were."

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        if problem := start_window(self.today).problem(start):
            raise ValidationError(problem)
        return start

    def clean_note(self) -> str:
        note = str(self.cleaned_data["note"]).strip()
        if not note:
            raise ValidationError("Say why, in a sentence your patient will read.")
        return note


def pathway_choices(pathways: Mapping[str, Pathway]) -> list[tuple[str, str]]:
    return sorted(((slug, p.name) for slug, p in pathways.items()), key=lambda choice: choice[1])


class TemplateForm(forms.Form):
    """A template's own fields: its name and description, the program it starts from and its length."""

    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Give the template a name."})
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pathway = forms.ChoiceField(label="Program")
    weeks = forms.IntegerField(
        label=f"Weeks (1–{MAX_PLAN_WEEKS})",
        min_value=1,
        max_value=MAX_PLAN_WEEKS,
        initial=8,
        error_messages={k: WEEKS_MESSAGE for k in ("min_value", "max_value", "invalid", "required")},
    )

    def __init__(self, *args: Any, pathways: Mapping[str, Pathway], with_description: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["pathway"]).choices = pathway_choices(pathways)
        self.fields["pathway"].error_messages["invalid_choice"] = "Choose one of the programs."
        if not with_description:
            del self.fields["description"]


class TemplateNameForm(forms.Form):
    """Save a program as a template: the name is all it needs."""

    name = forms.CharField(
        label="Template name", max_length=120, error_messages={"required": "Give the template a name."}
    )
