"""Weekly running targets (docs/clinical-sources.md §7, §16.3, seeds 000 and 004). Pure; one target per plan week.

The chain: the first week follows how much running hurts (programs.clinical.running_start); after that the distance
rises by at most the weekly step up to the runner's usual distance, within the most their days hold without a run
longer than their longest; every Nth week is lighter; a goal race the plan advises gets a taper and a return over
weeks. Any week, a return to the level included, is at most the rebound limit above the week before and the two-week
limit above the week two before. Running again after a strain or weeks without running follows the §7.2 return steps
(the one documented exception to those limits); a runner who does not run yet returns by walk–run.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.pathways import WeekSlot
from programs.clinical.run_days import easy_days_before_race, race_distance
from programs.clinical.running_gates import (
    always_spaced,
    gate_note,
    hold_weeks,
    no_build_week,
    no_speed_why,
    race_advice,
    speed_allowed,
    walk_run_note,
)
from programs.clinical.running_start import (
    SOURCES,
    first_week,
    interval_words,
    longest_run_allowed,
    novice_limit,
    return_step,
    spaced_runs,
    walk_run_return,
    walk_run_return_week,
)
from programs.clinical.running_start import floor_tenth as _floor
from programs.clinical.running_start import fmt as _fmt
from programs.clinical.types import Intake, PlanState, RunningTarget, Units


@dataclass
class _Ramp:
    """What every week of the plan's running shares, and the ramp's state as it goes from week to week.

    The ramp has a *level*: what a week runs unless it is a dip. A lighter week, a taper, a race's recovery or a hold
    runs less than the level without lowering it, and the week after returns towards the level."""

    intake: Intake
    config: RulesConfig
    state: PlanState
    unit: Units
    usual: float
    cap: float
    max_runs: int
    spaced_max: int  # runs that fit with none on consecutive days
    run_cap: float  # the longest run the plan may book
    ceiling: float  # what the ramp builds up to: the usual week within the runner's days, runs and experience
    race_length: float | None
    race_week: int | None
    race_left_out: str | None  # why the goal race is not planned ("until …"), or None
    taper: int
    held: range
    load_hold: dt.date | None
    speed_ok: bool
    lighter_every: int
    novice_cap: float | None
    pain_limit: int
    step: float
    levels: list[float] = field(default_factory=list)  # the ramp level of each week that ran
    actuals: list[float] = field(default_factory=list)  # every build week's distance
    level: float = 0.0
    previous: float = 0.0  # last week's distance
    normal_weeks: int = 0  # build weeks at their level since the last dip
    return_step: int | None = None  # the next §7.2 return step while running comes back
    walk_run_weeks: int = 0  # walk–run weeks booked so far
    noted: bool = False  # the plan-wide notes have been said (in the first running week)
    after_dip: bool = False  # last week was a lighter week, a taper or a race's recovery
    first_running_week: int | None = None


def running_targets(
    intake: Intake,
    slots: Sequence[WeekSlot],
    *,
    start: dt.date,
    config: RulesConfig,
    state: PlanState,
    walk_jog_sessions: Sequence[int],
    race_left_out: str | None,
    pain_limit: int = 10,
) -> tuple[RunningTarget, ...]:
    """One RunningTarget per week. `walk_jog_sessions[w]` counts week w's walk–jog sessions (acute strain stage 2);
    `race_left_out` is why the goal race is not planned (`running_gates.race_block`), None when it is; `pain_limit`
    is the plan's limit during exercise (PainLimits.during)."""
    ramp = _ramp_for(
        intake, start=start, config=config, state=state, pain_limit=pain_limit, race_left_out=race_left_out
    )
    out: list[RunningTarget] = []
    for w, slot in enumerate(slots):
        week_start = start + dt.timedelta(weeks=w)
        walk_run, runs = "", walk_jog_sessions[w]
        if slot.phase.running == "build" and ramp.usual == 0 and walk_run_return(intake):
            each, why, walk_run, sessions = walk_run_return_week(ramp.walk_run_weeks, intake, config)
            ramp.walk_run_weeks += 1
            runs = min(sessions, ramp.spaced_max)
            target, cites = _floor(each * runs), ["walk_run"]
        elif slot.phase.running != "build" or ramp.usual == 0:
            target, why, cites = no_build_week(slot.phase.running)
            if slot.phase.running == "build" and intake.goal == "return_to_running":
                why = "No running yet: the walk–run return starts once walking and resting no longer hurt"
        else:
            target, why, cites = _build_week(ramp, w, week_start)
            walk_run = _walk_run(ramp, target)
            runs = _runs_this_week(ramp, cites, walk_run) if target > 0 else runs
            target, why = _within_limits(ramp, w, target, why, cites, runs)
        out.append(_week_target(ramp, slot, week_start, w, target, why, cites, runs, walk_run))
    return tuple(out)


def _ramp_for(
    intake: Intake, *, start: dt.date, config: RulesConfig, state: PlanState, pain_limit: int, race_left_out: str | None
) -> _Ramp:
    unit = intake.units
    symptomatic = intake.symptoms.symptomatic
    cap = config.symptomatic_weekly_cap_miles * (1 if unit == "mi" else MILES_TO_KM)
    free_days = config.min_run_free_days if symptomatic else config.min_run_free_days_healthy
    advised, race = race_left_out is None, intake.running.goal_race
    race_week = (race.date - start).days // 7 if race is not None and race.date >= start and advised else None
    usual = _floor(intake.running.weekly_distance)
    max_runs = min(intake.running.runs_per_week, 7 - free_days, len(intake.available_days))
    spaced_max = spaced_runs(intake.available_days)
    if always_spaced(intake, config):
        max_runs = min(max_runs, spaced_max)
    run_cap = longest_run_allowed(intake, config)
    novice_cap = novice_limit(intake, config)
    ceiling = min(usual, _floor(max(max_runs, 1) * run_cap), novice_cap if novice_cap is not None else usual)
    return _Ramp(
        intake=intake,
        config=config,
        state=state,
        unit=unit,
        usual=usual,
        cap=_floor(cap) if unit == "mi" else float(int(cap)),
        max_runs=max_runs,
        spaced_max=spaced_max,
        run_cap=run_cap,
        ceiling=ceiling,
        race_length=race_distance(race if advised else None, unit, config),
        race_week=race_week,
        race_left_out=race_left_out,
        taper=config.taper_weeks_for(race.distance) if race_week is not None and race is not None else 0,
        held=hold_weeks(state, start),
        load_hold=dt.date.fromisoformat(state.load_hold_since) if state.load_hold_since else None,
        speed_ok=not symptomatic or state.speed_work_cleared,
        lighter_every=config.lighter_week_every_from(intake.age),
        novice_cap=novice_cap,
        pain_limit=pain_limit,
        step=min(config.novice_weekly_step, config.weekly_distance_step)  # a novice's: never above the weekly step
        if novice_cap is not None
        else config.weekly_distance_step,
    )


def _build_week(ramp: _Ramp, w: int, week_start: dt.date) -> tuple[float, str, list[str]]:
    """A running week: its level on the ramp, then the dip it may be (a taper, a race's recovery, a lighter week)."""
    race_week, config = ramp.race_week, ramp.config
    taper_week = race_week is not None and race_week - ramp.taper < w <= race_week
    recovery_week = race_week is not None and race_week < w <= race_week + config.race_recovery_weeks
    # every Nth week is lighter, counted from the last dip (so a race's taper and recovery restart the cycle)
    lighter = (
        bool(ramp.lighter_every)
        and ramp.levels != []
        and ramp.return_step is None
        and ramp.normal_weeks >= ramp.lighter_every - 1
    )
    if ramp.first_running_week is None:
        ramp.first_running_week = w
    why, cites = _level_week(ramp, w, week_start, dip=taper_week or recovery_week or lighter)
    ramp.after_dip = taper_week or recovery_week or lighter
    ramp.levels.append(ramp.level)
    level, unit = ramp.level, ramp.unit
    if taper_week:
        return _taper_week(ramp, w, week_start)
    if recovery_week:
        target = _floor(level * config.race_recovery_fraction)
        why = f"A lighter week after your race: {_fmt(target)} {unit}, then back up to {_fmt(level)} {unit} over the weeks after"
        return target, why, ["recovery"]
    if lighter:
        target = _floor(level * config.lighter_week_factor)
        why = f"Lighter week: {_fmt(target)} {unit}, then back to {_fmt(level)} {unit} (training in cycles)"
        return target, why, ["lighter"]
    return level, why, cites


def _level_week(ramp: _Ramp, w: int, week_start: dt.date, *, dip: bool) -> tuple[str, list[str]]:
    """Move the ramp's level for this week (first week, return step, hold, return after a dip, or a new high)."""
    intake, config, state, unit = ramp.intake, ramp.config, ramp.state, ramp.unit
    if not ramp.levels:
        if w > 0 or intake.symptoms.onset == "sudden":
            ramp.return_step = 0
            why, cites = _return_week(ramp)
        else:
            level, why, key = first_week(intake, ramp.usual, ramp.cap, config)
            ramp.level, cites = min(level, ramp.ceiling), [key]
        return why + _ceiling_note(ramp), [*cites, *(["longest"] if ramp.ceiling < ramp.usual else [])]
    if w in ramp.held or (ramp.load_hold is not None and week_start >= ramp.load_hold):
        ramp.level = min(ramp.level, ramp.previous) if ramp.previous else ramp.level
        reason = state.running_hold_reason if w in ramp.held else state.load_hold_reason
        return f"Held at {_fmt(ramp.level)} {unit}: {reason or 'tightness after running'}", ["hold"]
    if ramp.return_step is not None and not dip:  # a taper or a race's recovery runs less: the next step waits
        return _return_week(ramp)
    if ramp.previous < ramp.level or dip:  # a dip never moves the level
        after = " after the lighter week" if ramp.after_dip else ""
        return f"Back to {_fmt(ramp.level)} {unit}{after}", ["ramp"]
    grown = _floor(min(ramp.ceiling, _step_limit(ramp.level, ramp.levels, ramp.step, config)))
    why = (
        f"{_fmt(grown)} {unit}, up from {_fmt(ramp.level)}: we add about {ramp.step:.0%} a week up to "
        f"{_fmt(ramp.ceiling)}"
        if grown > ramp.level
        else f"Holding at {_fmt(ramp.level)} {unit}, " + _holding_why(ramp)
    )
    ramp.level = max(grown, ramp.level)
    return why, ["ramp", "novice"] if ramp.novice_cap is not None else ["ramp"]


def _return_week(ramp: _Ramp) -> tuple[str, list[str]]:
    """The next §7.2 step of running again, within the first week's cap and the ramp's ceiling."""
    assert ramp.return_step is not None
    level, why = return_step(ramp.usual, ramp.return_step, ramp.config, ramp.unit)
    ramp.level = min(level, ramp.ceiling, ramp.cap) if ramp.return_step == 0 else min(level, ramp.ceiling)
    ramp.return_step += 1
    if ramp.return_step > len(ramp.config.return_steps):
        ramp.return_step = None
    return why, ["restart"]


def _ceiling_note(ramp: _Ramp) -> str:
    notes = []
    unit = ramp.unit
    if ramp.novice_cap is not None and ramp.novice_cap < ramp.usual:
        months = ramp.intake.running.months_running
        notes.append(
            f"as you started running {months} months ago, more than {_fmt(ramp.novice_cap)} {unit} a week is too "
            "much too soon for now, so it builds slowly up to that"
        )
    elif ramp.novice_cap is not None:
        notes.append(f"as you started running {ramp.intake.running.months_running} months ago, it builds slowly")
    runs_cap = _floor(max(ramp.max_runs, 1) * ramp.run_cap)
    if runs_cap < ramp.usual:
        notes.append(
            f"no run is longer than {_fmt(ramp.run_cap)} {unit} (about your longest run), so "
            + ("your one run a week is" if ramp.max_runs <= 1 else f"your {ramp.max_runs} runs a week come to")
            + f" at most {_fmt(runs_cap)} {unit}"
        )
    return "".join(f"; {n}" for n in notes)


def _within_limits(ramp: _Ramp, w: int, target: float, why: str, cites: list[str], runs: int) -> tuple[float, str]:
    """Any week, a return after a dip included, is at most the rebound limit above last week and the two-week limit
    above the week two before (the rebound counts), and holds no run longer than the runner's longest plus the step.
    Return steps and the race week are the documented exceptions to the first two."""
    config, actuals = ramp.config, ramp.actuals
    exempt = "restart" in cites or w == ramp.race_week
    limit = target
    if not exempt and actuals and actuals[-1] > 0:
        limit = min(
            limit, math.ceil(actuals[-1] * (1 + config.rebound_limit) * 10 - 1e-9) / 10
        )  # a lighter week returns
    if not exempt and len(actuals) >= 2 and actuals[-2] > 0:
        limit = min(limit, actuals[-2] * (1 + config.two_week_distance_limit))
    if w != ramp.race_week:
        limit = min(limit, runs * ramp.run_cap)
    limit = _floor(limit)
    actuals.append(min(target, limit))
    if limit >= target:
        return target, why
    unit = ramp.unit
    if exempt or limit >= _floor(runs * ramp.run_cap):
        return limit, why + f"; {_fmt(limit)} {unit} this week, as no run is longer than {_fmt(ramp.run_cap)} {unit}"
    return limit, (
        f"{_fmt(limit)} {unit}, on the way back to {_fmt(ramp.level)} {unit}: at most {config.rebound_limit:.0%} more "
        f"than last week and {config.two_week_distance_limit:.0%} more than two weeks ago"
    )


def _runs_this_week(ramp: _Ramp, cites: list[str], walk_run: str) -> int:
    """Runs the week may hold: on alternate days in the first two weeks of a return (§7.2) and in walk–run weeks."""
    returning = "restart" in cites and ramp.return_step in (1, 2)
    return min(ramp.max_runs, ramp.spaced_max) if returning or walk_run else ramp.max_runs


def _painful(ramp: _Ramp) -> bool:
    """Running hurt above the plan's limit at intake, and the plan runs from its first week (after a walk–jog stage
    the runner has shown pain-free running at 70 % of full pace: the stage's exit)."""
    return ramp.intake.symptoms.pain_running > ramp.pain_limit and ramp.first_running_week == 0


def _walk_run(ramp: _Ramp, target: float) -> str:
    """This week's runs as walk–run: kept by choice, or the first weeks after running pain above the plan's limit."""
    if target <= 0:
        return ""
    if ramp.intake.running.keep_walk_run:
        return interval_words(*ramp.config.keep_walk_run_interval)
    if _painful(ramp) and len(ramp.actuals) < ramp.config.painful_running_walk_run_weeks:
        run_minutes, walk_minutes, _ = ramp.config.walk_run_return[0]
        return interval_words(run_minutes, walk_minutes)
    return ""


def _taper_week(ramp: _Ramp, w: int, week_start: dt.date) -> tuple[float, str, list[str]]:
    """A taper week before the goal race; the race's own week holds the race and, with room, easy running before it."""
    assert ramp.race_week is not None
    config, unit, intake = ramp.config, ramp.unit, ramp.intake
    k = w - (ramp.race_week - ramp.taper)
    target = _floor(ramp.level * (1 - config.taper_weekly_reduction * k))
    why = f"Taper week {k} of {ramp.taper} before your race: {_fmt(target)} {unit}"
    if w == ramp.race_week and ramp.race_length:
        assert intake.running.goal_race is not None
        easy = _floor(target * config.race_week_easy_fraction)
        shortest = config.min_run_km / (MILES_TO_KM if unit == "mi" else 1)
        race_day = intake.running.goal_race.date
        easy_days = min(ramp.max_runs - 1, easy_days_before_race(race_day, week_start, intake.available_days))
        easy = min(easy, _floor(max(0, easy_days) * ramp.run_cap))
        if easy < shortest or easy_days < 1:
            easy = 0.0
        target = _floor(ramp.race_length + easy)
        before = f" plus {_fmt(easy)} {unit} of easy running before it" if easy else ", with rest before it"
        why = f"Race week: your race ({_fmt(ramp.race_length)} {unit}){before}; taper week {k} of {ramp.taper}"
    return target, why, ["taper"]


def _week_target(
    ramp: _Ramp,
    slot: WeekSlot,
    week_start: dt.date,
    w: int,
    target: float,
    why: str,
    cites: list[str],
    runs: int,
    walk_run: str,
) -> RunningTarget:
    """The week as the plan shows it: its distance, runs, speed work and reason; the ramp moves on past it."""
    intake, config = ramp.intake, ramp.config
    walk_run_return_week = "walk_run" in cites  # a return from no running: no speed work, and nothing to say
    speed = (
        target > 0
        and not walk_run_return_week
        and speed_allowed(slot, intake, ramp.state, week_start, week=w, config=config)
    )
    if target > 0 and not speed and not walk_run_return_week:
        why += no_speed_why(intake, w, config, speed_ok=ramp.speed_ok)
        if not ramp.speed_ok:
            cites.append("speed")
    if target > 0 and walk_run and "walk_run" not in cites:
        why += walk_run_note(intake, walk_run, ramp.pain_limit)
    if target > 0 and not ramp.noted:
        ramp.noted = True
        if "mornings" in intake.symptoms.worse_when and config.space_runs_when_mornings_worse:
            why += "; as mornings are worst for you, runs are never on back-to-back days, so each has a morning after it to check"
        if "long_runs" in intake.symptoms.worse_when:
            why += "; as long runs bring on your ache, the long run is kept to about the length of your other runs"
    race = intake.running.goal_race
    if race is not None and ramp.race_left_out is not None and week_start <= race.date < week_start + dt.timedelta(7):
        why += race_advice(intake, ramp.race_left_out)
    ramp.normal_weeks = ramp.normal_weeks + 1 if target > 0 and target >= ramp.level else 0
    ramp.previous = target
    return RunningTarget(
        target_distance=target,
        unit=ramp.unit,
        max_runs=runs,
        rest_days=7 - runs,
        speed_work_allowed=speed,
        reason=why + gate_note(slot),
        source="; ".join(SOURCES[c] for c in dict.fromkeys(cites)),
        level=ramp.level if target > 0 and "walk_run" not in cites else target,
        walk_run=walk_run,
    )


def _holding_why(ramp: _Ramp) -> str:
    if ramp.level >= ramp.usual:
        return "your usual distance"
    if ramp.level >= ramp.ceiling:
        return _ceiling_note(ramp).removeprefix("; ") or "for now"
    return "for now"


def _step_limit(level: float, levels: Sequence[float], step: float, config: RulesConfig) -> float:
    """The next new high: at most the weekly step, and within the two-week limit of the level two weeks ago."""
    limit = level * (1 + step)
    if len(levels) >= 2 and levels[-2] > 0:
        limit = min(limit, levels[-2] * (1 + config.two_week_distance_limit))
    return limit
