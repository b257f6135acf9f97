"""A service's refusal put next to the field it is about, in whichever of a page's forms has it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError

from programs.forms.editor import DOSE_FIELDS_OF, EditorForm


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
