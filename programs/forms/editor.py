"""The program editor's forms, shared by assigning a plan, adjusting an active one and editing a template.

The whole edit state travels in the form's fields (the program's exercises, the added ones, the limits), so a
re-render after a mistake or a preview loses nothing the physio typed. `EditorForm.program_edits` turns the answers
into `ProgramEdits`; the services then check them as the generator does, and `add_service_errors` puts their
messages next to the field they are about (or at the top, naming the exercise).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from exercises.catalogue import Catalogue, Dose, dose_from_dict, dose_to_dict
from programs.clinical import types as domain
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.dosing import describe
from programs.clinical.edits import NO_EDITS, AddedExercise, ProgramEdits
from programs.clinical.pathways import Pathway
from programs.clinical.start_window import start_window
from programs.clinical.words import session_kind_label

EDITABLE_KINDS: tuple[str, ...] = ("strength", "mobility", "cross_training")  # what a physio edits exercise by exercise
DOSE_LABELS = {
    "sets": "Sets",
    "reps": "Reps",
    "hold_seconds": "Hold (s)",
    "minutes": "Minutes",
    "laps": "Laps",
    "metres": "Metres",
    "intervals": "Intervals",
}
# What a physio may fix for each dosing kind: the numbers the catalogue lets that kind carry (exercises.catalogue).
DOSE_FIELDS_OF: dict[str, tuple[str, ...]] = {
    "sets_reps": ("sets", "reps"),
    "sets_hold": ("sets", "reps", "hold_seconds"),
    "minutes": ("sets", "minutes"),
    "laps": ("laps",),
    "metres": ("sets", "metres"),
    "intervals": ("intervals", "metres"),
    "run": (),
}
REQUIRED_DOSE_FIELDS: dict[str, tuple[str, ...]] = {
    "sets_reps": ("sets", "reps"),
    "sets_hold": ("sets", "hold_seconds"),
    "minutes": ("minutes",),
    "laps": ("laps",),
    "metres": ("metres",),
    "intervals": ("intervals", "metres"),
    "run": (),
}
ADDED_DOSE_FIELDS: tuple[str, ...] = ("sets", "reps", "hold_seconds", "minutes", "laps", "metres")
MAX_ADDED = 20
WEEKS_MESSAGE = f"Give a length from 1 to {MAX_PLAN_WEEKS} weeks."
_REPS = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)*$")


# ---------------------------------------------------------------- the rows the editor shows


@dataclass(frozen=True)
class ProgramRow:
    """One exercise of the program as it starts, before the physio's edits."""

    exercise: str
    name: str
    kind: str
    dosing: str
    start_dose: str  # the dose it starts at, in words
    start: Dose  # the same in numbers: the dose boxes show them as placeholders


def rows_from_plan(plan: domain.Plan, catalogue: Catalogue) -> tuple[ProgramRow, ...]:
    """Each exercise of a generated plan once, grouped by session kind in the order the plan first meets them."""
    seen: dict[str, ProgramRow] = {}
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                if session.kind not in EDITABLE_KINDS:
                    continue
                for item in session.items:
                    if item.exercise not in seen and item.exercise in catalogue:
                        seen[item.exercise] = _row(item.exercise, session.kind, item.dose, catalogue)
    return _by_kind(seen.values())


def rows_from_pathway(pathway: Pathway, catalogue: Catalogue) -> tuple[ProgramRow, ...]:
    """Each exercise a pathway lists once (without a runner: no equipment or stage checks, its own starting dose)."""
    seen: dict[str, ProgramRow] = {}
    for phase in pathway.phases:
        for item in phase.items:
            if item.kind in EDITABLE_KINDS and item.exercise not in seen and item.exercise in catalogue:
                seen[item.exercise] = _row(item.exercise, item.kind, item.dose, catalogue)
    return _by_kind(seen.values())


def _row(slug: str, kind: str, dose: Dose, catalogue: Catalogue) -> ProgramRow:
    spec = catalogue[slug]
    return ProgramRow(slug, spec.name, kind, spec.dosing, describe(dose, spec.per_side), dose)


def _by_kind(rows: Iterable[ProgramRow]) -> tuple[ProgramRow, ...]:
    return tuple(sorted(rows, key=lambda row: EDITABLE_KINDS.index(row.kind)))


def exercise_choices(catalogue: Catalogue) -> list[tuple[str, str]]:
    """Every exercise a physio can add, by its name (running is set by the running caps, not exercise by exercise)."""
    named = sorted((spec.name, spec.slug) for spec in catalogue.exercises if spec.category != "running")
    return [("", "Choose an exercise…"), *((slug, name) for name, slug in named)]


# ---------------------------------------------------------------- the editor


@dataclass
class EditorRow:
    row: ProgramRow
    keep: forms.BoundField
    position: forms.BoundField
    dose: list[forms.BoundField]

    @property
    def errors(self) -> list[str]:
        return [str(e) for field in (self.keep, self.position, *self.dose) for e in field.errors]


@dataclass
class AddedRow:
    index: int
    exercise: forms.BoundField
    kind: forms.BoundField
    position: forms.BoundField
    dose: list[forms.BoundField]
    override: forms.BoundField

    @property
    def errors(self) -> list[str]:
        fields = (self.exercise, self.kind, self.position, *self.dose, self.override)
        return [str(e) for field in fields for e in field.errors]


def _number(label: str, *, low: int, high: int | None = None) -> forms.IntegerField:
    message = f"A whole number from {low} to {high}." if high is not None else f"A whole number, {low} or more."
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=low,
        max_value=high,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _dose_field(name: str, placeholder: str = "") -> forms.Field:
    attrs = {"placeholder": placeholder} if placeholder else {}
    if name == "reps":
        return forms.CharField(
            label=DOSE_LABELS[name], required=False, max_length=60, widget=forms.TextInput(attrs=attrs)
        )
    field = _number(DOSE_LABELS[name], low=1, high=999)
    field.widget.attrs.update(attrs)
    return field


class EditorForm(forms.Form):
    """The physio's changes to a program: keep or leave out, order, fixed doses, added exercises, limits.

    Field names: `keep__<slug>`, `position__<slug>`, `dose__<slug>__<number>` for the program's rows;
    `added-<i>-<what>` for added exercises (one blank row more than were filled, so one more can always be added).
    """

    pain_limit = _number("Pain limit (0–10)", low=0, high=10)
    weekly_distance_cap = forms.FloatField(
        label="Most running a week",
        required=False,
        min_value=0.1,
        max_value=500,
        error_messages={
            "invalid": "A distance such as 20 or 12.5.",
            "min_value": "A distance above 0, or blank for no cap.",
            "max_value": "A distance of at most 500.",
        },
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    max_runs = _number("Most runs a week (0–7)", low=0, high=7)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        rows: Sequence[ProgramRow],
        catalogue: Catalogue,
        edits: ProgramEdits = NO_EDITS,
        unit: str = "km",
        default_pain_limit: int | None = None,
    ) -> None:
        self.rows = tuple(rows)
        self.catalogue = catalogue
        if data is not None:
            data = self._with_new_rows(data, edits)
        super().__init__(data)
        self.program_edits: ProgramEdits = NO_EDITS
        self.unit = unit
        cast(forms.FloatField, self.fields["weekly_distance_cap"]).label = f"Most running a week ({unit})"
        if default_pain_limit is not None:
            self.fields["pain_limit"].help_text = f"Blank: the program's own, {default_pain_limit}/10."
        self.fields["weekly_distance_cap"].help_text = "Blank: the rules' own running targets."
        self.fields["max_runs"].help_text = "Blank: as many as the rules plan."
        self.shown_value = ",".join(row.exercise for row in self.rows)
        self.initial.update(
            pain_limit=edits.pain_limit, weekly_distance_cap=edits.weekly_distance_cap, max_runs=edits.max_runs
        )
        positions = _positions([row.exercise for row in self.rows] + [a.exercise for a in edits.added], edits.order)
        for row in self.rows:
            slug = row.exercise
            self.fields[f"keep__{slug}"] = forms.BooleanField(label=f"Keep {row.name}", required=False)
            self.initial[f"keep__{slug}"] = slug not in edits.removed
            self.fields[f"position__{slug}"] = _number(f"Position of {row.name}", low=1, high=99)
            self.initial[f"position__{slug}"] = positions[slug]
            fixed = dose_to_dict(edits.doses[slug]) if slug in edits.doses else {}
            start = dose_to_dict(row.start)
            for name in DOSE_FIELDS_OF[row.dosing]:
                key = f"dose__{slug}__{name}"
                self.fields[key] = _dose_field(name, placeholder=str(_dose_text(start.get(name)) or ""))
                self.initial[key] = _dose_text(fixed.get(name))
        self.added_total = self._added_total(data, edits)
        kinds = [(kind, session_kind_label(kind)) for kind in EDITABLE_KINDS]
        for i in range(self.added_total):
            added = edits.added[i] if data is None and i < len(edits.added) else None
            self.fields[f"added-{i}-exercise"] = forms.ChoiceField(
                label="Exercise", required=False, choices=exercise_choices(catalogue)
            )
            self.fields[f"added-{i}-kind"] = forms.ChoiceField(label="In which sessions", choices=kinds, required=False)
            self.fields[f"added-{i}-position"] = _number("Position", low=1, high=99)
            self.fields[f"added-{i}-override"] = forms.CharField(
                label="Reason to prescribe it where a stage leaves it out",
                required=False,
                max_length=500,
                help_text="Only needed when the program's stage leaves this exercise out; it is recorded.",
            )
            for name in ADDED_DOSE_FIELDS:
                self.fields[f"added-{i}-{name}"] = _dose_field(name)
            if added is not None:
                dose = dose_to_dict(added.dose)
                self.initial.update(
                    {
                        f"added-{i}-exercise": added.exercise,
                        f"added-{i}-kind": added.kind,
                        f"added-{i}-position": positions.get(added.exercise),
                        f"added-{i}-override": edits.overrides.get(added.exercise, ""),
                        **{f"added-{i}-{name}": _dose_text(dose.get(name)) for name in ADDED_DOSE_FIELDS},
                    }
                )

    def _with_new_rows(self, data: Mapping[str, Any], edits: ProgramEdits) -> Mapping[str, Any]:
        """Rows the physio has not seen yet (a longer program reaches more stages) start as kept, not as the
        unticked box an absent checkbox reads as."""
        shown = set(str(data.get("shown") or "").split(","))
        new = [row.exercise for row in self.rows if row.exercise not in shown]
        if not new:
            return data
        copied = data.copy() if hasattr(data, "copy") else dict(data)
        for slug in new:
            if slug not in edits.removed:
                copied[f"keep__{slug}"] = "on"
        return cast(Mapping[str, Any], copied)

    @staticmethod
    def _added_total(data: Mapping[str, Any] | None, edits: ProgramEdits) -> int:
        if data is None:
            return min(len(edits.added), MAX_ADDED) + 1
        try:
            submitted = max(0, min(int(str(data.get("added_total", "0"))), MAX_ADDED))
        except ValueError:
            submitted = 0
        filled = sum(1 for i in range(submitted) if data.get(f"added-{i}-exercise"))
        return submitted + 1 if filled == submitted and submitted < MAX_ADDED else submitted

    # ------------------------------------------------------------ for the template

    @property
    def editor_rows(self) -> list[tuple[str, list[EditorRow]]]:
        groups: dict[str, list[EditorRow]] = {}
        for row in self.rows:
            slug = row.exercise
            groups.setdefault(session_kind_label(row.kind), []).append(
                EditorRow(
                    row=row,
                    keep=self[f"keep__{slug}"],
                    position=self[f"position__{slug}"],
                    dose=[self[f"dose__{slug}__{name}"] for name in DOSE_FIELDS_OF[row.dosing]],
                )
            )
        return list(groups.items())

    @property
    def added_rows(self) -> list[AddedRow]:
        return [
            AddedRow(
                index=i,
                exercise=self[f"added-{i}-exercise"],
                kind=self[f"added-{i}-kind"],
                position=self[f"added-{i}-position"],
                dose=[self[f"added-{i}-{name}"] for name in ADDED_DOSE_FIELDS],
                override=self[f"added-{i}-override"],
            )
            for i in range(self.added_total)
        ]

    @property
    def limit_fields(self) -> list[forms.BoundField]:
        return [self["pain_limit"], self["weekly_distance_cap"], self["max_runs"]]

    # ------------------------------------------------------------ cleaning

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        removed = frozenset(row.exercise for row in self.rows if not cleaned.get(f"keep__{row.exercise}"))
        doses: dict[str, Dose] = {}
        for row in self.rows:
            names = DOSE_FIELDS_OF[row.dosing]
            dose = self._dose(f"dose__{row.exercise}__", names, row.dosing, row.name, cleaned)
            if dose is not None:
                doses[row.exercise] = dose
        added: list[AddedExercise] = []
        overrides: dict[str, str] = {}
        placed: list[tuple[str, int | None]] = [
            (row.exercise, cleaned.get(f"position__{row.exercise}")) for row in self.rows
        ]
        for i in range(self.added_total):
            slug = cleaned.get(f"added-{i}-exercise") or ""
            if not slug:
                continue
            spec = self.catalogue[slug]
            if slug in {row.exercise for row in self.rows} or slug in {a.exercise for a in added}:
                self.add_error(f"added-{i}-exercise", f"{spec.name} is already in the program.")
                continue
            dose = self._dose(f"added-{i}-", ADDED_DOSE_FIELDS, spec.dosing, spec.name, cleaned, given_only=True)
            added.append(
                AddedExercise(
                    exercise=slug, kind=cleaned.get(f"added-{i}-kind") or "strength", dose=dose or spec.default_dose
                )
            )
            reason = (cleaned.get(f"added-{i}-override") or "").strip()
            if reason:
                overrides[slug] = reason
            placed.append((slug, cleaned.get(f"added-{i}-position")))
        self.program_edits = ProgramEdits(
            removed=removed,
            doses=doses,
            added=tuple(added),
            order=_order(placed, removed),
            overrides=overrides,
            pain_limit=cleaned.get("pain_limit"),
            weekly_distance_cap=cleaned.get("weekly_distance_cap"),
            max_runs=cleaned.get("max_runs"),
        )
        return cleaned

    def _dose(
        self,
        prefix: str,
        names: Sequence[str],
        dosing: str,
        exercise: str,
        cleaned: Mapping[str, Any],
        *,
        given_only: bool = False,
    ) -> Dose | None:
        """The fixed dose typed for one exercise, or None when every box is blank (the rules set it)."""
        values: dict[str, Any] = {}
        for name in names:
            value = cleaned.get(f"{prefix}{name}")
            if name == "reps" and value:
                if not _REPS.match(value):
                    self.add_error(f"{prefix}reps", "Reps: a whole number, or one per set such as 12, 10, 8.")
                    return None
                numbers = [int(part) for part in value.split(",")]
                value = numbers[0] if len(numbers) == 1 else numbers
            if value not in (None, ""):
                values[name] = value
        if not values:
            return None
        wanted = DOSE_FIELDS_OF.get(dosing, ())
        needed = REQUIRED_DOSE_FIELDS.get(dosing, ())
        first = f"{prefix}{next(iter(values))}"
        if given_only and set(values) - set(wanted):
            words = " and ".join(DOSE_LABELS[n].lower() for n in wanted) or "no numbers"
            self.add_error(first, f"{exercise} is dosed by {words}: leave the other boxes blank.")
            return None
        missing = [n for n in needed if n not in values]
        if missing:
            words = " and ".join(DOSE_LABELS[n].lower() for n in needed)
            self.add_error(
                first, f"Give {exercise} its {words} together, or leave them all blank for the rules to set."
            )
            return None
        try:
            return dose_from_dict(values, dosing)
        except ValueError:
            self.add_error(first, f"This dose does not fit {exercise}: check the numbers (reps need one per set).")
            return None


def _dose_text(value: object) -> str | int | float | None:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return cast(int | float | None, value)


def _positions(slugs: Sequence[str], order: Sequence[str]) -> dict[str, int]:
    """1-based positions: the physio's order first, the others after it in their own order."""
    ordered = [s for s in order if s in slugs] + [s for s in slugs if s not in order]
    return {slug: i + 1 for i, slug in enumerate(ordered)}


def _order(placed: Sequence[tuple[str, int | None]], removed: frozenset[str]) -> tuple[str, ...]:
    """The physio's order, or () when the positions leave every exercise where it was (nothing to record)."""
    ranked = sorted(
        ((position if position is not None else 1000 + i, i, slug) for i, (slug, position) in enumerate(placed)),
    )
    order = tuple(slug for _pos, _i, slug in ranked if slug not in removed)
    default = tuple(slug for slug, _position in placed if slug not in removed)
    return () if order == default else order


def add_service_errors(exc: ValidationError, *forms_: forms.Form) -> None:
    """A service's refusal, next to the field it names in whichever form has it; anything else goes at the top of
    the first form (the messages are plain words that name the exercise or stage)."""
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        target = _field_for(key, forms_)
        if target is None:
            forms_[0].add_error(None, messages)
        else:
            form, field = target
            form.add_error(field, messages)


def _field_for(key: str, forms_: Sequence[forms.Form]) -> tuple[forms.Form, str] | None:
    for form in forms_:
        if key in form.fields:
            return form, key
    editor = next((f for f in forms_ if isinstance(f, EditorForm)), None)
    if editor is None:
        return None
    # Nested keys ("added", "added.0.dose", "overrides.nordic_curl", "doses.single_leg_bridge"): the row they name.
    parts = [p for p in re.split(r"[.\[\]]+", key) if p]
    if parts[:1] == ["edits"]:  # the services name problems inside the edits after the field they arrive in
        parts = parts[1:]
        if len(parts) == 1 and parts[0] in editor.fields:
            return editor, parts[0]
    if not parts:
        return None
    if parts[0] == "added" and len(parts) > 1 and parts[1].isdigit():
        index = _added_index_of_position(editor, int(parts[1]))
        if index is not None:
            return editor, f"added-{index}-exercise"
    if len(parts) > 1 and parts[0] in {"doses", "overrides", "added", "removed", "order"}:
        slug = parts[1]
        for name in editor.fields:
            if name == f"keep__{slug}":
                field = (
                    f"dose__{slug}__{DOSE_FIELDS_OF[editor.catalogue[slug].dosing][0]}" if parts[0] == "doses" else name
                )
                return editor, field if field in editor.fields else name
        for i in range(editor.added_total):
            if editor.data.get(f"added-{i}-exercise") == slug:
                return editor, f"added-{i}-override" if parts[0] == "overrides" else f"added-{i}-exercise"
    return None


def _added_index_of_position(editor: EditorForm, position: int) -> int | None:
    """The form row of the n-th added exercise (blank rows are not in the edits)."""
    filled = [i for i in range(editor.added_total) if editor.data.get(f"added-{i}-exercise")]
    return filled[position] if position < len(filled) else None


# ---------------------------------------------------------------- the forms around the editor


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
    weeks = _number(f"Weeks (1–{MAX_PLAN_WEEKS})", low=1, high=MAX_PLAN_WEEKS)

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

    def __init__(self, data: Mapping[str, Any] | None = None, *, today: dt.date) -> None:
        super().__init__(data, initial={"start": today})
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


# ---------------------------------------------------------------- the preview


@dataclass(frozen=True)
class PreviewDay:
    date: dt.date
    sessions: tuple[tuple[str, tuple[str, ...]], ...]  # (session label, the items in words)


@dataclass(frozen=True)
class PreviewWeek:
    number: int
    phase: str
    running: str
    days: tuple[PreviewDay, ...]


def preview_weeks(
    plan: domain.Plan, catalogue: Catalogue, pathway: Pathway | None, *, weeks: int = 2
) -> tuple[PreviewWeek, ...]:
    """The first weeks of a previewed plan in words: each day's sessions and their exercises with their doses."""
    phases = {phase.slug: phase.name for phase in pathway.phases} if pathway is not None else {}
    out = []
    for week in plan.weeks[:weeks]:
        days = []
        for day in week.days:
            sessions = []
            for session in day.sessions:
                if session.kind == "rest":
                    continue
                items = tuple(_item_text(item, catalogue, week.running.unit) for item in session.items)
                sessions.append((session_kind_label(session.kind), items))
            if sessions:
                days.append(PreviewDay(day.date, tuple(sessions)))
        running = week.running
        words = (
            f"Running up to {running.target_distance:g} {running.unit} in at most {running.max_runs} runs"
            if running.max_runs
            else "No running"
        )
        out.append(PreviewWeek(week.number, phases.get(week.phase, ""), words, tuple(days)))
    return tuple(out)


def _item_text(item: domain.Item, catalogue: Catalogue, unit: str) -> str:
    spec = catalogue.by_slug.get(item.exercise)
    name = spec.name if spec is not None else item.exercise.replace("_", " ")
    if item.dose.distance:
        return f"{name}: {item.dose.distance:g} {unit}"
    return f"{name}: {describe(item.dose, spec is not None and spec.per_side)}"


def edits_summary(edits: ProgramEdits, catalogue: Catalogue) -> list[str]:
    """What a template or plan changes, one plain line per kind of change (for the physio's lists)."""

    def name(slug: str) -> str:
        spec = catalogue.by_slug.get(slug)
        return spec.name if spec is not None else slug.replace("_", " ")

    lines = []
    if edits.removed:
        lines.append("Leaves out " + ", ".join(sorted(map(name, edits.removed))))
    if edits.doses:
        fixed = (
            f"{name(slug)} {describe(dose, slug in catalogue and catalogue[slug].per_side)}"
            for slug, dose in sorted(edits.doses.items())
        )
        lines.append("Fixed doses: " + "; ".join(fixed))
    if edits.added:
        added = (
            f"{name(a.exercise)} ({session_kind_label(a.kind).lower()}"
            f"{', stage restriction overridden' if a.exercise in edits.overrides else ''})"
            for a in edits.added
        )
        lines.append("Adds " + ", ".join(added))
    if edits.order:
        lines.append("Own order: " + ", ".join(map(name, edits.order)))
    if edits.weekly_distance_cap is not None:
        lines.append(f"Running capped at {edits.weekly_distance_cap:g} a week")
    if edits.max_runs is not None:
        lines.append(f"At most {edits.max_runs} run{'s' if edits.max_runs != 1 else ''} a week")
    return lines
