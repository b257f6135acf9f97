"""Doses along a progression rule, the plain-language reason for each, and how long a dose takes.

Pure helpers shared by the generator (which projects the progression) and the rules (which hold or step it back).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable

from exercises.catalogue import Dose, Frequency
from programs.clinical.config import RulesConfig
from programs.clinical.pathways import Rule

_UNITS = {"laps": "laps", "minutes": "min", "reps": "reps", "sets": "sets", "metres": "m", "hold_seconds": "s"}


def last_position(rule: Rule) -> int:
    """The highest position that still changes the dose (the cap, the last rung, the maintenance row)."""
    if rule.kind == "linear":
        assert rule.cap is not None
        start_cap = [
            math.ceil((getattr(rule.cap, name) - getattr(_start(rule), name)) / amount) for name, amount in rule.step
        ]
        return max(start_cap, default=0)
    if rule.kind == "table":
        return len(rule.ladder) if rule.then is not None else len(rule.ladder) - 1
    return len(rule.ladder) - 1


def _start(rule: Rule) -> Dose:
    return rule.ladder[0] if rule.ladder else Dose()


def dose_at(rule: Rule, start: Dose, position: int) -> Dose:
    """The dose at `position` (clamped to 0..last_position)."""
    position = max(0, min(position, last_position(rule) if rule.kind != "linear" else position))
    if rule.kind == "linear":
        assert rule.cap is not None
        changes = {
            name: min(getattr(start, name) + amount * position, getattr(rule.cap, name)) for name, amount in rule.step
        }
        return dataclasses.replace(start, **changes)
    if rule.kind == "table" and position >= len(rule.ladder):
        assert rule.then is not None
        return rule.then
    if rule.kind == "fixed":
        return start
    return rule.ladder[position]


def reduced_dose(dose: Dose) -> Dose:
    """Less of the same exercise when there is no easier version to step back to: one set fewer, or, with one set
    left, about 30 % fewer reps, seconds, minutes or laps (house choice, unconfirmed)."""
    if dose.sets and dose.sets > 1:
        reps = dose.reps[: dose.sets - 1] if isinstance(dose.reps, tuple) else dose.reps
        return dataclasses.replace(dose, sets=dose.sets - 1, reps=reps)
    changes = {
        name: max(1, math.floor(getattr(dose, name) * 0.7))
        for name in ("reps", "hold_seconds", "minutes", "laps", "intervals")
        if isinstance(getattr(dose, name), int)
    }
    return dataclasses.replace(dose, **changes)


def sessions_per_week(rule: Rule, position: int) -> int | None:
    """A table rule fixes sessions per week for each row (Petersen 2011); other rules leave it to the frequency."""
    if rule.kind != "table":
        return None
    if position >= len(rule.ladder):
        return rule.then_per_week
    return rule.per_week[max(0, position)]


def describe(dose: Dose, per_side: bool = False) -> str:
    """'3 × 12, 10, 8', '20 laps', '4 × 20 s each leg', '6 × 30 m at 25 % pace'."""
    reps = dose.reps
    reps_text = ", ".join(map(str, reps)) if isinstance(reps, tuple) else str(reps) if reps else ""
    if dose.hold_seconds:
        body = f"{dose.sets or 1} × {reps_text + ' × ' if reps_text else ''}{dose.hold_seconds} s"
    elif reps_text:
        body = f"{dose.sets} × {reps_text}"
    elif dose.laps:
        body = f"{dose.laps} laps"
    elif dose.minutes:
        body = f"{dose.sets} × {dose.minutes} min" if dose.sets else f"{dose.minutes} min"
    elif dose.intervals:
        body = f"{dose.intervals} × {dose.metres} m"
    elif dose.metres:
        body = f"{dose.sets or 1} × {dose.metres} m"
    elif dose.distance:
        body = f"{dose.distance:g}"
    else:
        body = "as prescribed"
    body = f"{body} each leg" if per_side else body
    return f"{body} at {dose.pace_percent} % pace" if dose.pace_percent else body


def how_often(frequency: Frequency) -> str:
    """'once a week', 'every other day', 'twice a day'."""
    n, times = frequency.value, {1: "once", 2: "twice"}.get(frequency.value, f"{frequency.value} times")
    if frequency.kind == "per_week":
        return f"{times} a week"
    if frequency.kind == "per_day":
        return "every day" if n == 1 else f"{times} a day"
    return "every other day" if n == 2 else f"every {n} days"


def progression_reason(rule: Rule, position: int, dose: Dose, safe_pain: int, per_side: bool = False) -> str:
    """Why this dose, in words a runner can read ("+2 laps this week, building to 20"). The rule's note, which
    names its source, goes to the item's `source`, never here."""
    step_word = "a week" if rule.every == "week" else "each session"
    last = last_position(rule)
    if rule.kind == "linear":
        assert rule.cap is not None
        name, amount = rule.step[0]
        unit = _UNITS.get(name, name)
        value, cap = getattr(dose, name), getattr(rule.cap, name)
        if position == 0:
            return f"start at {value} {unit}; +{amount} {unit} {step_word}, building to {cap}"
        if value >= cap:
            return f"{cap} {unit}: as far as this builds"
        return f"{value} {unit}, +{amount} {unit} {step_word}, building to {cap}"
    if rule.kind == "table":
        if position >= len(rule.ladder):
            assert rule.then_per_week is not None
            return (
                f"keep-it-up dose: {describe(dose, per_side)}, {how_often(Frequency('per_week', rule.then_per_week))}"
            )
        return f"week {position + 1} of {len(rule.ladder)}: {describe(dose, per_side)}"
    if rule.kind == "pain_gated":
        when = "next week" if rule.every == "week" else "next session"
        nxt = "the top step" if position >= last else f"it moves up {when} if your pain stays at {safe_pain}/10 or less"
        return f"step {min(position, last) + 1} of {last + 1}: {describe(dose, per_side)}; {nxt}"
    return describe(dose, per_side)


def session_parts(parts: Iterable[float]) -> float:
    """The minutes of a session's parts (warm-up first, then the items in order), added in that order: the generator
    and the read model add the same floats in the same order, so a stored plan reads back the minutes it was made
    with."""
    return sum(parts, 0.0)


def session_minutes(total: float) -> int:
    return max(1, round(total))


def estimated_minutes(dose: Dose, config: RulesConfig, per_side: bool = False) -> float:
    """Rough minutes a dose takes, both legs for a one-leg exercise; used to fit a day into minutes_per_session."""
    return _one_side_minutes(dose, config) * (2 if per_side else 1)


def _one_side_minutes(dose: Dose, config: RulesConfig) -> float:
    if dose.laps:
        return dose.laps * config.minutes_per_lap
    if dose.minutes:
        return dose.minutes * (dose.sets or 1)
    sets = dose.sets or 1
    rest = (sets - 1) * config.rest_between_sets_seconds
    if dose.hold_seconds:
        reps = dose.reps if isinstance(dose.reps, int) else 1
        return (sets * reps * (dose.hold_seconds + 2) + rest) / 60
    if dose.reps:
        total = sum(dose.reps) if isinstance(dose.reps, tuple) else dose.reps * sets
        return (total * config.seconds_per_rep + rest) / 60
    if dose.metres:
        count = dose.intervals or sets
        return (count * dose.metres / 10 * config.seconds_per_10_m + rest) / 60
    return 5.0
