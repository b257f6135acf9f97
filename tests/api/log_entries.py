"""A log's entry done in full: plain data, no Django, so the load benchmark's phones (bench/load_api.py) build their
logs as the API tests do."""

from __future__ import annotations

from typing import Any


def entry_done(dose: dict[str, Any], pain: int) -> dict[str, Any]:
    """Every prescribed number reached, at this pain."""
    entry: dict[str, Any] = {"pain_during": pain, "pain_after": pain, "rpe": 5}
    sets = dose.get("sets")
    if sets:
        entry["sets_done"] = sets
    reps = dose.get("reps")
    if reps is not None:
        entry["reps_done"] = reps if isinstance(reps, list) else [reps] * (sets or 1)
    for field in ("hold_seconds", "minutes", "laps"):
        if dose.get(field) is not None:
            entry[field] = dose[field]
    if dose.get("distance") is not None:
        entry["distance"] = str(dose["distance"])
    return entry
