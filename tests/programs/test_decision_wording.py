"""A decision about an exercise says what it changed, from what to what: the rules' reason, then the first coming dose
it changed ("Nordic hamstring curl: 2 × 5 → 3 × 5"). Pure: `programs.clinical.decisions.decision_rows`."""

from __future__ import annotations

from typing import Any

from programs.clinical.decisions import ItemChange, SlotChange, decision_rows
from programs.clinical.rules_types import Action, Decision
from programs.clinical.types import INITIAL_STATE

NAMES = {"nordic_curl": "Nordic hamstring curl", "assisted_nordic": "Assisted nordic curl", "bridge": "Bridge"}
REASON = "on track: done as prescribed with pain at 3/10 or less"


def _item(exercise: str, dose: dict[str, Any], pain_limit: int = 3) -> dict[str, Any]:
    return {"exercise": exercise, "dose": dose, "pain_limit": pain_limit}


def _change(date: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> SlotChange:
    exercise = (after or before or {})["exercise"]
    change: ItemChange = {"date": date, "session": "strength", "exercise": exercise, "before": before, "after": after}
    return SlotChange("nordic_curl", change)


def _reason(action: Action, *changes: SlotChange) -> str:
    decision = Decision("nordic_curl", action, REASON)
    (row,) = decision_rows((decision,), INITIAL_STATE, INITIAL_STATE, list(changes), NAMES)
    return row.reason


def test_progress_names_the_first_coming_dose_it_changed_from_and_to() -> None:
    later = _change(
        "2026-12-03", _item("nordic_curl", {"sets": 3, "reps": 5}), _item("nordic_curl", {"sets": 3, "reps": 6})
    )
    first = _change(
        "2026-11-30", _item("nordic_curl", {"sets": 2, "reps": 5}), _item("nordic_curl", {"sets": 3, "reps": 5})
    )

    assert _reason("progress", later, first) == f"{REASON}; Nordic hamstring curl: 2 × 5 → 3 × 5"


def test_a_step_back_to_the_easier_variant_names_both_exercises() -> None:
    swap = _change(
        "2026-11-30", _item("nordic_curl", {"sets": 2, "reps": 5}), _item("assisted_nordic", {"sets": 2, "reps": 6})
    )

    assert _reason("regress", swap).endswith("; Nordic hamstring curl 2 × 5 → Assisted nordic curl 2 × 6")


def test_no_dose_changed_leaves_the_reason_as_the_rules_wrote_it() -> None:
    limit_only = _change(
        "2026-11-30", _item("nordic_curl", {"sets": 2, "reps": 5}), _item("nordic_curl", {"sets": 2, "reps": 5}, 4)
    )
    removed = _change("2026-12-01", _item("nordic_curl", {"sets": 2, "reps": 5}), None)

    assert _reason("hold", limit_only, removed) == REASON
    assert _reason("progress") == REASON
