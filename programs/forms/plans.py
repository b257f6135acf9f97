"""The forms of a runner's plan pages: swapping an exercise for one its pathway item lists; and the plan's revision
that every form changing a plan carries.

The choices come from `programs.services.swaps.swap_choices_for`; the form only checks that one of them was chosen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

# No plan is ever at revision 0: a form that lost its revision (a page from before forms carried one) is refused as
# written from an older plan, with the same plain message, rather than saved over a change its sender never saw.
UNKNOWN_REVISION = 0


class PlanRevisionField(forms.CharField):
    """The plan's revision the page was read at (hidden), sent back with the change so the service can refuse it if
    the plan changed since (`services.revisions.PlanChanged`)."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, max_length=None)

    def clean(self, value: Any) -> int:  # an int, never a form error: see UNKNOWN_REVISION
        text = str(value or "")
        return int(text) if text.isdigit() and len(text) <= 9 else UNKNOWN_REVISION


def with_revision(data: QueryDict, revision: int) -> QueryDict:
    """The answers as they were sent, carrying the plan's revision now: the form shown again after a refused change."""
    copy = data.copy()
    copy["revision"] = str(revision)
    return copy


class SwapForm(forms.Form):
    exercise = forms.ChoiceField(
        label="Do this instead",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the exercise you want to do instead.",
            "invalid_choice": "Choose one of the exercises listed.",
        },
    )
    revision = PlanRevisionField()

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = choices  # type: ignore[attr-defined]
