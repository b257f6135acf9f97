"""The program editor's forms, shared by assigning a plan, adjusting an active one and editing a template.

The whole edit state travels in the form's fields (the program's exercises, the added ones, the limits), so a
re-render after a mistake or a preview loses nothing the physio typed. `EditorForm.program_edits` turns the answers
into `ProgramEdits`; the services then check them as the generator does, and `add_service_errors` puts their
messages next to the field they are about (or at the top, naming the exercise).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms

from exercises.catalogue import Catalogue, Dose, dose_from_dict, dose_to_dict
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.edits import NO_EDITS, AddedExercise, ProgramEdits
from programs.clinical.words import session_kind_label
from programs.forms.editor_rows import EDITABLE_KINDS, ProgramRow, exercise_choices

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


def number_field(label: str, *, low: int, high: int | None = None) -> forms.IntegerField:
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
    field = number_field(DOSE_LABELS[name], low=1, high=999)
    field.widget.attrs.update(attrs)
    return field


class EditorForm(forms.Form):
    """The physio's changes to a program: keep or leave out, order, fixed doses, added exercises, limits.

    Field names: `keep__<slug>`, `position__<slug>`, `dose__<slug>__<number>` for the program's rows;
    `added-<i>-<what>` for added exercises (one blank row more than were filled, so one more can always be added).
    """

    pain_limit = number_field("Pain limit (0–10)", low=0, high=10)
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
    max_runs = number_field("Most runs a week (0–7)", low=0, high=7)

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
            self.fields[f"position__{slug}"] = number_field(f"Position of {row.name}", low=1, high=99)
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
            self.fields[f"added-{i}-position"] = number_field("Position", low=1, high=99)
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
