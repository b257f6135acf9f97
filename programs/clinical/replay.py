"""Replay a runner's logs against a generated plan, in memory, through the same `replan` the services use.

Used by `manage.py generate_plan --logs FILE [--today DAY]`: each day's entries are applied in date order (exercise
logs against the item planned that day, runs, mornings, red flags, a stage's checklist answers), the rules run after
each day as they do after each log in the app, and once more on `today` (sessions before it without a log count as
missed). As in the app, a day's reaction applies from that day's sessions still to do. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any

from exercises.catalogue import Catalogue
from programs.clinical.config import RulesConfig
from programs.clinical.decisions import RUNNING, kind_of
from programs.clinical.generator import generate_plan
from programs.clinical.pathways import Pathway
from programs.clinical.replan import merge_future, replan
from programs.clinical.types import INITIAL_STATE, DayLog, ExerciseLog, Intake, Item, Plan, PlanState

# The words a replayed change's "action" can take (the decision kinds of docs/plan-changes.md).
ACTIONS = ("progress", "hold", "regress", "pause", "resume", "running", "stage_hold", "stage_advance", "red_flag")


class ReplayError(ValueError):
    """An entry that cannot be replayed; names the entry (0-based) and the field."""

    def __init__(self, index: int, field_name: str, problem: str) -> None:
        super().__init__(f"logs[{index}].{field_name}: {problem}")


@dataclass(frozen=True)
class Entry:
    """One validated log entry: `kind` is exercise, run, morning, red_flags or stage_check; `values` its fields
    (a stage_check's: `phase` and `answers`, each question's text with true or false)."""

    index: int
    date: dt.date
    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _Replay:
    plan: Plan
    state: PlanState = INITIAL_STATE
    exercise_logs: list[ExerciseLog] = field(default_factory=list)
    day_logs: dict[dt.date, DayLog] = field(default_factory=dict)
    logged: set[tuple[dt.date, str]] = field(default_factory=set)
    answers: dict[str, dict[str, bool]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)


def _planned(plan: Plan, date: dt.date, exercise: str) -> tuple[str, Item] | None:
    for week in plan.weeks:
        for day in week.days:
            if day.date == date:
                return next(((s.kind, i) for s in day.sessions for i in s.items if i.exercise == exercise), None)
    return None


def _day_values(entry: Entry) -> dict[str, Any]:
    v = entry.values
    if entry.kind == "run":
        return {
            "ran_distance": v["distance"],
            "run_pain": v.get("pain_during"),
            "tightness_after_running": v.get("tightness_after"),
        }
    if entry.kind == "morning":
        return {
            "next_morning_pain": v.get("pain"),
            "stiffness": v.get("stiffness"),
            "pain_free_check": v.get("pain_free_check"),
        }
    return {"red_flags": frozenset(v["red_flags"])}


def _apply(replay: _Replay, entry: Entry) -> None:
    if entry.kind == "stage_check":
        phase = entry.values["phase"]
        replay.answers[phase] = {**replay.answers.get(phase, {}), **entry.values["answers"]}
        return
    if entry.kind == "exercise":
        found = _planned(replay.plan, entry.date, entry.values["exercise"])
        if found is None:
            raise ReplayError(entry.index, "exercise", f"{entry.values['exercise']} is not planned on {entry.date}.")
        kind, item = found
        replay.exercise_logs.append(
            ExerciseLog(
                date=entry.date,
                exercise=item.exercise,
                completed_as_prescribed=entry.values["completed"],
                pain_during=entry.values.get("pain_during"),
                pain_after=entry.values.get("pain_after"),
                slot=item.slot,
            )
        )
        replay.logged.add((entry.date, kind))
        return
    day = replay.day_logs.get(entry.date, DayLog(entry.date))
    updates = {k: v for k, v in _day_values(entry).items() if v is not None}
    if "red_flags" in updates:
        updates["red_flags"] = day.red_flags | updates["red_flags"]
    replay.day_logs[entry.date] = replace(day, **updates)


def _evaluate(
    replay: _Replay,
    intake: Intake,
    as_of: dt.date,
    weeks: int,
    inputs: Mapping[str, Any],
    *,
    red_flags_answered: bool = False,
) -> None:
    result = replan(
        current=replay.plan,
        weeks=weeks,
        state=replay.state,
        intake=intake,
        exercise_logs=replay.exercise_logs,
        day_logs=sorted(replay.day_logs.values(), key=lambda d: d.date),
        answers=replay.answers,
        as_of=as_of,
        red_flags_answered=red_flags_answered,
        **inputs,
    )
    if result is None:
        return
    after = as_of - dt.timedelta(days=1)  # the day's own sessions still to do take the reaction, as in the app
    replay.plan = merge_future(replay.plan, result.plan, after=after, logged=frozenset(replay.logged))
    replay.state = result.state
    for decision in result.decisions:
        kind = kind_of(decision.action)
        subject = decision.exercise or (RUNNING if kind == "running" else None)
        replay.changes.append(
            {"date": as_of.isoformat(), "exercise": subject, "action": kind, "reason": decision.reason}
        )


def replay(
    intake: Intake,
    *,
    start: dt.date,
    weeks: int,
    entries: Sequence[Entry],
    today: dt.date | None,
    catalogue: Catalogue,
    pathways: Mapping[str, Pathway],
    config: RulesConfig,
) -> tuple[Plan, list[dict[str, Any]]]:
    """The plan after replaying `entries` in date order, then evaluating on `today` (default: the day after the
    last entry, or `start`), with every change as {date, exercise, action, reason}."""
    inputs = {"catalogue": catalogue, "pathways": pathways, "config": config}
    plan = generate_plan(intake, start=start, weeks=weeks, catalogue=catalogue, pathways=pathways, config=config)
    state = _Replay(plan)
    ordered = sorted(entries, key=lambda e: (e.date, e.index))
    for date, group in groupby(ordered, key=lambda e: e.date):
        kinds = set()
        for entry in group:
            _apply(state, entry)
            kinds.add(entry.kind)
        _evaluate(state, intake, date, weeks, inputs, red_flags_answered="red_flags" in kinds)
    last = ordered[-1].date + dt.timedelta(days=1) if ordered else start
    _evaluate(state, intake, today or last, weeks, inputs)
    return state.plan, state.changes
