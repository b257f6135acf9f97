"""The forms a runner fills in on Today: what they did in a session (or run) and the morning check.

Each form turns its answers into the arguments of `programs.services.logs.session_log_record` / `day_log_record`;
the services and the rules decide what the answers mean.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from programs.clinical.types import REHAB_KINDS
from programs.clinical.units import Distances
from programs.selectors.plans import ItemRow, SessionRow
from programs.services.logs import reached

PAIN_CHOICES = [("", "Choose…")] + [
    (str(n), label)
    for n, label in [(0, "0 – no pain"), *((n, str(n)) for n in range(1, 10)), (10, "10 – worst imaginable")]
]
YES_NO = [("no", "No"), ("yes", "Yes")]

# The short red-flag questions of the morning check, in the runner's words (the intake asks them all); the
# emergencies first (programs.clinical.screening), so a runner who reads only the top of the list meets them.
MORNING_RED_FLAGS: tuple[tuple[str, str], ...] = (
    ("bladder_or_bowel_change", "A change in bladder or bowel control"),
    ("saddle_numbness", "Numbness around the groin or buttocks"),
    ("unable_to_walk_normally", "You cannot walk normally"),
    ("felt_pop", "A sudden sharp pain or a pop at the back of the thigh"),
    ("bruising", "New bruising at the back of the thigh"),
    ("swelling", "New swelling at the back of the thigh"),
    ("fever_or_unwell", "A fever, or feeling unwell with the pain"),
    ("night_pain", "Pain at rest or at night that wakes you"),
    ("numbness_or_tingling", "Numbness or tingling in the leg"),
)


SCALE_MESSAGE = "Enter a whole number from 0 to 10."
PAIN_MISSING = "Enter how much it hurt, from 0 to 10, or untick what you did not do."


def _scale_field(label: str, *, required: bool) -> forms.IntegerField:
    """A 0–10 answer typed on the phone's number pad, the same control for every pain, stiffness and effort on Today
    (a 0–10 list per exercise would double Today's weight)."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=10,
        error_messages={"invalid": SCALE_MESSAGE, "min_value": SCALE_MESSAGE, "max_value": SCALE_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10, "step": 1}),
    )


def _count(dose: dict[str, Any]) -> int:
    """How many ticks an item gets: its sets, or its intervals (rounds) when it has no sets."""
    return int(dose.get("sets") or dose.get("intervals") or 0)


_MEASURES: tuple[tuple[str, str], ...] = (("minutes", "Minutes done"), ("laps", "Laps done"))


class SessionLogForm(forms.Form):
    """One session on Today: per-set ticks and pain for each exercise, or distance and pain for a run.

    Field names are `item-<prescription id>-<what>`, so one form holds a whole session and a log queued offline
    replays as the same POST.
    """

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, session: SessionRow, distances: Distances, *args: Any, **kwargs: Any) -> None:
        """`session` as the runner reads it (`programs.selectors.units`): a run's distance is typed in their unit
        and stored in the plan's."""
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        # Today holds one form per session: ids carry the session so each label finds its own box. The names stay
        # as they are, so the API's and the offline queue's bodies do not change.
        kwargs.setdefault("auto_id", f"s{session.id}-%s")
        super().__init__(*args, **kwargs)
        self.session, self.distances = session, distances
        self.is_run = session.kind == "run"
        for item in session.items:
            self._add_item_fields(item)
        if self.is_run:
            self.fields["tightness_after"] = forms.ChoiceField(
                label="Tight at the back of the thigh after the run?",
                choices=YES_NO,
                required=False,
                widget=forms.RadioSelect,
            )

    def _name(self, item: ItemRow, what: str) -> str:
        return f"item-{item.id}-{what}"

    def _add_item_fields(self, item: ItemRow) -> None:
        name = item.spec.name if item.spec else "this exercise"
        if self.is_run:
            prescribed = item.dose.get("distance")
            self.fields[self._name(item, "distance")] = forms.DecimalField(
                label=f"Distance run ({self.distances.words})",
                min_value=0,
                max_value=200,
                decimal_places=1,
                required=True,
                initial=prescribed,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
            )
            self.fields[self._name(item, "pain_during")] = _scale_field("Pain (0–10)", required=False)
            return
        count = _count(item.dose)
        if count:
            self.fields[self._name(item, "sets")] = forms.TypedMultipleChoiceField(
                label="Tick each set you finished",
                choices=[(str(n), f"Set {n}") for n in range(1, count + 1)],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for what, label in _MEASURES:
            if item.dose.get(what) and not count:
                self.fields[self._name(item, what)] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=600,
                    initial=item.dose[what],
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
        if not count and not any(item.dose.get(what) for what, _ in _MEASURES):
            self.fields[self._name(item, "done")] = forms.BooleanField(
                label=f"I did {name} as planned", required=False, initial=True
            )
        self.fields[self._name(item, "pain_during")] = _scale_field("Pain (0–10)", required=False)
        self.fields[self._name(item, "pain_after")] = _scale_field("Pain later that day (optional)", required=False)
        self.fields[self._name(item, "rpe")] = _scale_field("Effort (optional)", required=False)

    def clean(self) -> dict[str, Any]:
        """Pain is asked of what was done: an exercise left unticked (or a run of 0) is logged as not done."""
        data = super().clean() or {}
        for item in self.session.items:
            pain = self._name(item, "pain_during")
            if data.get(pain) is None and pain not in self.errors and self._did(item):
                self.add_error(pain, PAIN_MISSING)
        return data

    def _did(self, item: ItemRow) -> bool:
        """Whether any of the item was done; an answer that did not validate counts as done (its error shows)."""
        data, name = self.cleaned_data, lambda what: self._name(item, what)
        answers = [name(what) for what in ("distance", "sets", "minutes", "laps", "done") if name(what) in self.fields]
        return any(answer not in data or bool(data[answer]) for answer in answers)

    def bound_fields_of(self, item: ItemRow) -> list[forms.BoundField]:
        prefix = f"item-{item.id}-"
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def entries(self) -> list[dict[str, Any]]:
        """One entry per exercise for `session_log_record`, with whether it was done as prescribed."""
        return [self._entry(item) for item in self.session.items]

    def _entry(self, item: ItemRow) -> dict[str, Any]:
        data, name = self.cleaned_data, lambda what: self._name(item, what)
        entry: dict[str, Any] = {"prescription": item.id, "pain_during": data.get(name("pain_during"))}
        if self.is_run:
            distance = data.get(name("distance"))
            entry["distance"] = self.distances.store(distance) if distance is not None else None
            # Both in the runner's unit, to the tenth they read: the prescribed distance typed back is all of it.
            entry["completed_as_prescribed"] = distance is not None and reached(distance, item.dose.get("distance"))
            return entry
        entry |= {"pain_after": data.get(name("pain_after")), "rpe": data.get(name("rpe"))}
        count = _count(item.dose)
        done = True
        if count:
            entry["sets_done"] = len(data.get(name("sets")) or [])
            done = entry["sets_done"] >= count
        for what, _ in _MEASURES:
            if name(what) in self.fields:
                entry[what] = data.get(name(what))
                done = done and reached(entry[what] or 0, item.dose[what])
        if name("done") in self.fields:
            done = bool(data.get(name("done")))
        entry["completed_as_prescribed"] = done
        return entry

    def day_values(self) -> dict[str, Any] | None:
        """For a run: the day's run distance, pain and tightness, which the running rules read."""
        if not self.is_run or not self.session.items:
            return None
        entry = self.entries()[0]
        tightness = self.cleaned_data.get("tightness_after")
        return {
            "ran_distance": entry["distance"],
            "run_pain": entry["pain_during"],
            "tightness_after_running": None if not tightness else tightness == "yes",
        }


class MorningCheckForm(forms.Form):
    """Next-morning pain and stiffness after a session day, and the short red-flag questions."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # Short labels side by side: the check's heading and question say where and when.
    next_morning_pain = _scale_field("Pain (0–10)", required=True)
    stiffness = _scale_field("Stiffness (0–10)", required=False)
    any_red_flags = forms.ChoiceField(label="Anything new since yesterday?", choices=YES_NO, widget=forms.RadioSelect)
    red_flags = forms.MultipleChoiceField(
        label="Tick each one you noticed",
        choices=MORNING_RED_FLAGS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, ask_pain_free_check: bool = False, after_severe_pain: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"client_id": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        if after_severe_pain:  # asked the same day, right after the session that hurt
            self.fields["any_red_flags"].label = "Anything new since that session?"
        if ask_pain_free_check:
            self.fields["pain_free_check"] = forms.ChoiceField(
                label="Could you try the paused exercise gently today without pain?",
                choices=[("", "I did not try"), ("yes", "Yes, no pain"), ("no", "No, it hurt")],
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("any_red_flags") == "yes" and not data.get("red_flags"):
            self.add_error("red_flags", "Tick what you noticed, so we can tell you what to do.")
        if data.get("any_red_flags") == "no" and data.get("red_flags"):
            self.add_error("any_red_flags", "You ticked something below: choose Yes, or untick it.")
        return data

    def day_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "next_morning_pain": data["next_morning_pain"],
            "stiffness": data.get("stiffness"),
            "red_flags": list(data.get("red_flags") or []),
        }
        if data.get("pain_free_check"):
            values["pain_free_check"] = data["pain_free_check"] == "yes"
        return values


def is_loggable(session: SessionRow) -> bool:
    return (session.kind in REHAB_KINDS or session.kind == "run") and bool(session.items)
