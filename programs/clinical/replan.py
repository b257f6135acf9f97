"""One replan, pure: evaluate the rules on everything logged up to a day, then regenerate the plan from the new state.

The services (`programs.services.plans.plan_replan`, which then writes the future to the database) and the command
line's log replay (`replay`, which keeps the plan in memory) both call `replan`, so a replayed history changes a
plan exactly as the same logs entered in the app would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from exercises.catalogue import Catalogue
from programs.clinical.config import RulesConfig
from programs.clinical.edits import NO_EDITS, ProgramEdits, physio_kept
from programs.clinical.generator import generate_plan
from programs.clinical.pathways import Pathway
from programs.clinical.rules import evaluate
from programs.clinical.rules_types import Decision
from programs.clinical.types import SESSION_KINDS, Day, DayLog, ExerciseLog, Intake, Plan, PlanState


@dataclass(frozen=True)
class Replanned:
    state: PlanState
    decisions: tuple[Decision, ...]
    plan: Plan  # regenerated from the new state; only its days after the evaluation day are new


def replan(
    *,
    current: Plan,
    weeks: int,
    state: PlanState,
    intake: Intake,
    exercise_logs: Sequence[ExerciseLog],
    day_logs: Sequence[DayLog],
    answers: Mapping[str, Mapping[str, bool]],
    as_of: dt.date,
    catalogue: Catalogue,
    pathways: Mapping[str, Pathway],
    config: RulesConfig,
    edits: ProgramEdits = NO_EDITS,
    red_flags_answered: bool = False,
) -> Replanned | None:
    """The rules' verdict on `current` (the plan as it stands, history included) and the plan regenerated from it
    with the physio's `edits`; None when nothing changed. `red_flags_answered`: this replan follows an answer to the
    red-flag questions (a morning check), which ends a pending re-check."""
    if current.pathway is None:
        return None
    pathway = pathways[current.pathway]
    new_state, decisions = evaluate(
        plan=current,
        state=state,
        exercise_logs=exercise_logs,
        day_logs=day_logs,
        as_of=as_of,
        pathway=pathway,
        pain_limits=current.pain_limits,
        config=config,
        criteria_answers=answers,
        catalogue=catalogue,
        equipment=intake.equipment,
        red_flags_answered=red_flags_answered,
    )
    if new_state == state:
        return None
    decisions = physio_kept(decisions, edits, current, new_state)
    regenerated = generate_plan(
        intake,
        start=current.start,
        weeks=weeks,
        catalogue=catalogue,
        pathways=pathways,
        config=config,
        state=new_state,
        pain_limits=current.pain_limits,
        pathway=current.pathway,  # a physio's choice of pathway holds on every replan
        edits=edits,  # and so do their program edits
    )
    return Replanned(new_state, decisions, regenerated)


def merge_future(current: Plan, regenerated: Plan, *, after: dt.date, logged: frozenset[tuple[dt.date, str]]) -> Plan:
    """`current` up to `after` and its logged sessions (history is never rewritten), `regenerated` for the rest: what
    `programs.services.plan_sync.sync_future` does to the stored rows. A plan stopped by a red flag keeps only its history.
    `logged` holds (date, session kind) of every logged session."""
    fresh_weeks = {week.number: week for week in regenerated.weeks}
    weeks = []
    for week in current.weeks:
        fresh = fresh_weeks.get(week.number)
        days = tuple(
            _merge_day(day, fresh.days[i] if fresh else None, after, logged) for i, day in enumerate(week.days)
        )
        open_week = fresh is not None and week.days[-1].date > after
        base = replace(week, phase=fresh.phase, running=fresh.running) if open_week and fresh else week
        weeks.append(replace(base, days=days))
    return replace(current, status=regenerated.status, referral=regenerated.referral, weeks=tuple(weeks))


def _merge_day(day: Day, fresh: Day | None, after: dt.date, logged: frozenset[tuple[dt.date, str]]) -> Day:
    if day.date <= after:
        return day
    kept = [s for s in day.sessions if (day.date, s.kind) in logged]
    kinds = {s.kind for s in kept}
    new = [s for s in (fresh.sessions if fresh else ()) if s.kind not in kinds]
    return replace(day, sessions=tuple(sorted([*kept, *new], key=lambda s: SESSION_KINDS.index(s.kind))))
