"""Running cut back by what the logs showed: a pause of the rest of a week's runs, and a lowered week that builds back
from there. Pure. The rule side (`missed_runs_rule`) sets the state; the generator applies it after the weekly targets
(`cut_targets`) and after the runs are placed (`pause_runs`), so the running load's own ramp is left as it is.

Sources (docs/clinical-sources.md §16.2): a run at severe pain pauses running for the rest of its week and lowers the
next one (house choice, conservative); a week or more without a logged run while runs were planned lowers running to
about half (§7.2: 1-2 weeks off → about half, unconfirmed); after a cut the running builds back by the weekly step
(Buist 2008, §7.3).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from exercises.catalogue import Dose
from programs.clinical.config import RulesConfig
from programs.clinical.rules_types import Decision, day_text, iso_date
from programs.clinical.running_start import floor_tenth as _floor
from programs.clinical.types import DayLog, Item, Plan, PlanState, RunningTarget

RUN_ITEMS = frozenset({"easy_run", "long_run", "race"})
WALK = "brisk_walk"
CUT_SOURCE = (
    "Severe pain in a run: the rest of the week off running and the next week lowered (house choice, conservative); "
    "1-2 weeks off running → about half (§7.2, unconfirmed); then about 10 % a week (Buist 2008, §7.3)"
)


def missed_runs_rule(
    plan: Plan, state: PlanState, days: Sequence[DayLog], as_of: dt.date, config: RulesConfig
) -> tuple[PlanState, list[Decision]]:
    """`config.missed_runs_days` or more since the first planned run without a logged run after it: this week's
    running comes down to `config.missed_runs_fraction` of its target, once per gap."""
    logged = [d.date for d in days if d.ran_distance is not None and d.date <= as_of]
    last = max(logged, default=None)
    planned = [
        day.date
        for week in plan.weeks
        for day in week.days
        if (last is None or day.date > last)
        and day.date < as_of
        and any(item.exercise in RUN_ITEMS for session in day.sessions for item in session.items)
    ]
    if not planned or (as_of - planned[0]).days < config.missed_runs_days:
        return state, []
    cut_from = iso_date(state.running_cut_from)
    if cut_from is not None and cut_from + dt.timedelta(days=7) > planned[0]:
        return state, []  # already cut during this gap
    week = (as_of - plan.start).days // 7
    if not 0 <= week < len(plan.weeks) or plan.weeks[week].running.target_distance <= 0:
        return state, []
    running = plan.weeks[week].running
    lowered = _floor(running.target_distance * config.missed_runs_fraction)
    why = f"no run logged since {day_text(planned[0])}"
    state = dataclasses.replace(
        state,
        running_cut_from=(plan.start + dt.timedelta(weeks=week)).isoformat(),
        running_cut_to=lowered,
        running_cut_reason=why,
    )
    reason = (
        f"{why}: after a week or more without running, this week's running comes down to {lowered:g} "
        f"{running.unit} (about half) and builds back from there"
    )
    return state, [Decision(None, "running_hold", reason)]


def cut_targets(
    targets: Sequence[RunningTarget], *, start: dt.date, state: PlanState, config: RulesConfig
) -> tuple[RunningTarget, ...]:
    """The paused week says so (`state.run_pause_from`). The week of `state.running_cut_from` runs at most
    `running_cut_to`; each later running week at most the weekly step above the one before it, and only where the
    plan's own running makes a new high (a held week stays held), until the plan's own targets are lower."""
    out = list(_note_pause(targets, start=start, state=state))
    cut_from, cut_to = iso_date(state.running_cut_from), state.running_cut_to
    if cut_from is None or cut_to is None:
        return tuple(out)
    first = (cut_from - start).days // 7
    cap: float | None = None
    highest = 0.0  # the plan's own highest week so far: the cut builds only when the plan makes a new high
    before = [t.level for t in out[: max(first, 0)] if t.target_distance > 0]
    previous = before[-1] if before else 0.0  # the level of the last week that ran
    for w in range(max(first, 0), len(out)):
        target = out[w]
        if target.target_distance <= 0:
            continue
        if cap is None:
            cap = cut_to
        elif target.target_distance > highest:
            cap = _floor(cap * (1 + config.weekly_distance_step))
        if previous > 0:  # never more than the weekly step above the week before, whatever that week ran
            cap = min(cap, _floor(previous * (1 + config.weekly_distance_step)))
        highest = max(highest, target.target_distance)
        previous = min(target.level, cap) if target.level > 0 else target.target_distance
        if target.target_distance <= cap:
            if target.level > cap:  # a lighter week under the cut: the level it returns to is the cut's
                out[w] = dataclasses.replace(target, level=cap)
            continue
        unit = target.unit
        why = (
            f"Lowered to {cap:g} {unit} (from {target.target_distance:g}): {state.running_cut_reason}; it builds "
            f"back by about {config.weekly_distance_step:.0%} a week"
            if w == first
            else f"Building back after the cut: {cap:g} {unit}, about {config.weekly_distance_step:.0%} more than "
            "the week before"
        )
        if not target.speed_work_allowed:
            why += "; no speed work this week"
        source = f"{target.source}; {CUT_SOURCE}" if target.source else CUT_SOURCE
        out[w] = dataclasses.replace(target, target_distance=cap, reason=why, source=source, level=cap)
    return tuple(out)


def _note_pause(targets: Sequence[RunningTarget], *, start: dt.date, state: PlanState) -> list[RunningTarget]:
    """The paused week says so: its remaining runs are a walk or cross-training instead."""
    since = iso_date(state.run_pause_from)
    out = list(targets)
    week = (since - start).days // 7 if since is not None else -1
    if 0 <= week < len(out) and out[week].target_distance > 0:
        assert since is not None
        note = f"; no running from {day_text(since)} to the end of this week because {_because(state.run_pause_reason)}"
        out[week] = dataclasses.replace(out[week], reason=out[week].reason + note)
    return out


def pause_runs(
    runs: Mapping[dt.date, list[Item]], *, state: PlanState, config: RulesConfig
) -> tuple[dict[dt.date, list[Item]], dict[dt.date, Item]]:
    """The runs without those on paused days, and a walk (or cross-training) for each paused run day."""
    since, until = iso_date(state.run_pause_from), iso_date(state.run_pause_until)
    if since is None or until is None:
        return dict(runs), {}
    kept: dict[dt.date, list[Item]] = {}
    walks: dict[dt.date, Item] = {}
    for date, items in runs.items():
        paused = since <= date < until
        left = [item for item in items if not (paused and item.exercise in RUN_ITEMS)]
        if left:
            kept[date] = left
        if paused and len(left) < len(items):
            walks[date] = _walk(state, config, min(item.pain_limit for item in items))
    return kept, walks


def _walk(state: PlanState, config: RulesConfig, pain_limit: int) -> Item:
    minutes = config.paused_run_walk_minutes
    reason = (
        f"Instead of your run: an easy {minutes}-minute walk, or the same time on a bike or in the pool, only if it "
        f"does not hurt. Running is paused for the rest of this week because {_because(state.run_pause_reason)}"
    )
    return Item(
        WALK,
        Dose(minutes=minutes),
        pain_limit,
        reason,
        slot=WALK,
        source="Severe pain: no running for the rest of the week, walking or cross-training instead (house choice, "
        "docs/clinical-sources.md §16.2)",
    )


def _because(reason: str) -> str:
    """The first clause of the pause's reason ("your run on Mon 5 Jan hurt 8/10, far above your limit of 5")."""
    return reason.split(": ", 1)[0] if reason else "it hurt a lot"


def walk_minutes(item: Item) -> float:
    return float(item.dose.minutes or 0)
