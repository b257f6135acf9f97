"""The forms of a runner's plan pages: swapping an exercise for one its pathway item lists.

The choices come from `programs.services.swaps.swap_choices_for`; the form only checks that one of them was chosen.
"""

from __future__ import annotations

from typing import Any

from django import forms


class SwapForm(forms.Form):
    exercise = forms.ChoiceField(
        label="Do this instead",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the exercise you want to do instead.",
            "invalid_choice": "Choose one of the exercises listed.",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exercise"].choices = choices  # type: ignore[attr-defined]
