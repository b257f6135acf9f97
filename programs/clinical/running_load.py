"""Weekly running targets (docs/clinical-sources.md §7, seeds 000 and 004). Pure; one target per plan week.

The chain: the first week with symptoms is capped; after that the distance rises by at most the weekly step (and
never more than the two-week limit) up to the runner's usual distance; every Nth week is lighter; a goal race gets a
taper. A week after a week without running restarts at a small documented floor (RulesConfig.restart_fraction) —
the one exception to the step rule. Targets are rounded down to 0.1 so rounding never breaks a limit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.pathways import WeekSlot
from programs.clinical.run_days import easy_days_before_race, race_distance
from programs.clinical.types import Intake, PlanState, RunningTarget, Units


def _floor(value: float) -> float:
    return math.floor(value * 10 + 1e-9) / 10


def _fmt(value: float) -> str:
    return f"{value:g}"


def _race_weeks(intake: Intake, start: dt.date, config: RulesConfig) -> tuple[int | None, int]:
    race = intake.running.goal_race
    if race is None or race.date < start:
        return None, 0
    return (race.date - start).days // 7, config.taper_weeks_for(race.distance)


def _hold_weeks(state: PlanState, start: dt.date) -> range:
    if state.running_hold_weeks <= 0:
        return range(0)
    first = (
        1 if state.running_hold_since is None else (dt.date.fromisoformat(state.running_hold_since) - start).days // 7
    )
    return range(max(first, 1), max(first, 1) + state.running_hold_weeks)


# Where each kind of week comes from (docs/clinical-sources.md): the week's `source`, for physios and a "why?".
SOURCES = {
    "first_week": "Seed 000 (§11): an aching 50-75 mi/week marathoner cut to 30-40 mi; seed 002: no cut for soreness "
    "only after races; 30-50 % return-to-run heuristic for high pain (§7.2, unconfirmed)",
    "restart": "Return to running at 30-50 % of the usual week (§7.2, unconfirmed; lower bound used) after the Aspetar "
    "walk-jog stage (§6.1)",
    "usual": "Your own usual weekly distance",
    "ramp": "About 10 % a week, a conservative default (Buist 2008, §7.3), and at most 30 % over two weeks "
    "(Nielsen 2014, §7.3); returning to a previous level after a lighter week is not a new high",
    "lighter": "Training in cycles (seed 000, §11): every 4th week, every 3rd from age 50, at 80 % (house choices, "
    "unconfirmed)",
    "taper": "Three-week taper before a marathon (seed 000, §11); shorter races shorter, 20 % less a week "
    "(unconfirmed coaching defaults)",
    "recovery": "A week at half the level after a goal race (house choice, unconfirmed; seed 000 took a week off)",
    "novice": "Seed 001 (§11): 'too much too soon' for a runner 4 months in; built no higher below 6 months of "
    "running (house threshold)",
    "hold": "Silbernagel 2007 (§5.1): pain must settle by the next morning; seed 004: no more distance while "
    "tightness after running lasts",
    "speed": "Seed 004 (§11): no speed work until tightness after activity subsides",
    "walk_jog": "Aspetar stage 2 (§6.1): walk-jog from 25 % to 70 % of full pace while pain-free",
    "no_running": "Aspetar stage 1 (§6.1): no running until walking is normal and pain-free",
}


def _first_week(intake: Intake, usual: float, cap: float, config: RulesConfig) -> tuple[float, str]:
    """The first week's distance, scaled by how much it hurts (docs/clinical-sources.md §11): seed 002's runner, sore
    only after races, cuts nothing; seed 000's aching marathoner cuts to 30-40 mi; more pain cuts more."""
    s, unit = intake.symptoms, intake.units
    if s.onset == "sudden":
        target = _floor(min(usual * config.restart_fraction, cap, usual))
        return target, (
            f"Running restarts at {_fmt(target)} {unit}, about {config.restart_fraction:.0%} of your usual "
            f"{_fmt(usual)} {unit}, after your strain; it builds back as long as it stays comfortable"
        )
    if not s.symptomatic:
        return usual, f"Your usual {_fmt(usual)} {unit} a week"
    daily = max(s.pain_at_rest, s.pain_walking)
    if s.pain_running <= config.mild_running_pain and daily == 0:
        fraction, why = config.mild_start_fraction, "it only hurts a little when you run"
    elif s.pain_running <= config.moderate_running_pain and daily <= 1:
        fraction, why = config.symptomatic_start_fraction, "while the ache settles"
    else:
        fraction, why = config.severe_start_fraction, "because running hurts a lot or it hurts in daily life too"
    target = _floor(min(usual * fraction, cap, usual))
    if target >= usual:
        return target, f"Your usual {_fmt(usual)} {unit} a week: {why}, so no cut is needed"
    return target, f"Running {_fmt(target)} {unit} this week, down from your usual {_fmt(usual)}, {why}"


@dataclass
class _Ramp:
    """What every week of the plan's running shares, and the ramp's state as it goes from week to week.

    The ramp has a *level*: what a week runs unless it is a dip. A lighter week, a taper, a race's recovery or a hold
    runs less than the level without lowering it, and the week after returns to the level."""

    intake: Intake
    config: RulesConfig
    state: PlanState
    unit: Units
    usual: float
    cap: float
    max_runs: int
    race_length: float | None
    race_week: int | None
    taper: int
    held: range
    load_hold: dt.date | None
    speed_ok: bool
    lighter_every: int
    novice: bool
    levels: list[float] = field(default_factory=list)  # the ramp level of each week that ran
    level: float = 0.0
    ceiling: float = 0.0
    previous: float = 0.0  # last week's distance
    normal_weeks: int = 0  # build weeks at their level since the last dip


def running_targets(
    intake: Intake,
    slots: Sequence[WeekSlot],
    *,
    start: dt.date,
    config: RulesConfig,
    state: PlanState,
    walk_jog_sessions: Sequence[int],
) -> tuple[RunningTarget, ...]:
    """One RunningTarget per week. `walk_jog_sessions[w]` counts week w's walk–jog sessions (acute strain stage 2).

    The weekly step and the two-week limit apply to new highs only. Runners new to running (fewer than
    `config.novice_months`) are never built above where the plan started them during a symptomatic plan.
    """
    ramp = _ramp_for(intake, start=start, config=config, state=state)
    out: list[RunningTarget] = []
    for w, slot in enumerate(slots):
        week_start = start + dt.timedelta(weeks=w)
        if slot.phase.running != "build" or ramp.usual == 0:
            target, why, cites = _no_build_week(slot.phase.running)
        else:
            target, why, cites = _build_week(ramp, w, week_start)
        out.append(_week_target(ramp, slot, week_start, target, why, cites, walk_jog_sessions[w]))
    return tuple(out)


def _ramp_for(intake: Intake, *, start: dt.date, config: RulesConfig, state: PlanState) -> _Ramp:
    unit = intake.units
    symptomatic = intake.symptoms.symptomatic
    cap = config.symptomatic_weekly_cap_miles * (1 if unit == "mi" else MILES_TO_KM)
    free_days = config.min_run_free_days if symptomatic else config.min_run_free_days_healthy
    race_week, taper = _race_weeks(intake, start, config)
    usual = _floor(intake.running.weekly_distance)
    return _Ramp(
        intake=intake,
        config=config,
        state=state,
        unit=unit,
        usual=usual,
        cap=_floor(cap) if unit == "mi" else float(math.floor(cap)),
        max_runs=min(intake.running.runs_per_week, 7 - free_days, len(intake.available_days)),
        race_length=race_distance(intake.running.goal_race, unit, config),
        race_week=race_week,
        taper=taper,
        held=_hold_weeks(state, start),
        load_hold=dt.date.fromisoformat(state.load_hold_since) if state.load_hold_since else None,
        speed_ok=not symptomatic or state.speed_work_cleared,
        lighter_every=config.lighter_week_every_from(intake.age),
        novice=symptomatic and intake.running.months_running < config.novice_months,
        ceiling=usual,
    )


def _no_build_week(mode: str) -> tuple[float, str, list[str]]:
    if mode == "walk_jog":
        return 0.0, "No running target yet: walk–jog only (see sessions), from 25 % to 70 % of full pace", ["walk_jog"]
    if mode == "none":
        return 0.0, "No running yet: walk–jog starts once you walk with a normal stride without pain", ["no_running"]
    return 0.0, "No running planned: you told us you are not running at the moment", ["usual"]


def _build_week(ramp: _Ramp, w: int, week_start: dt.date) -> tuple[float, str, list[str]]:
    """A running week: its level on the ramp, then the dip it may be (a taper, a race's recovery, a lighter week)."""
    race_week, config = ramp.race_week, ramp.config
    taper_week = race_week is not None and race_week - ramp.taper < w <= race_week
    recovery_week = race_week is not None and race_week < w <= race_week + config.race_recovery_weeks
    # every Nth week is lighter, counted from the last dip (so a race's taper and recovery restart the cycle)
    lighter = bool(ramp.lighter_every) and ramp.levels != [] and ramp.normal_weeks >= ramp.lighter_every - 1
    why, cites = _level_week(ramp, w, week_start, dip=taper_week or recovery_week or lighter)
    ramp.levels.append(ramp.level)
    level, unit = ramp.level, ramp.unit
    if taper_week:
        return _taper_week(ramp, w, week_start)
    if recovery_week:
        target = _floor(level * config.race_recovery_fraction)
        why = f"Recovery after your race: {_fmt(target)} {unit}, then back to {_fmt(level)} {unit}"
        return target, why, ["recovery"]
    if lighter:
        target = _floor(level * config.lighter_week_factor)
        why = f"Lighter week: {_fmt(target)} {unit}, then back to {_fmt(level)} {unit} (training in cycles)"
        return target, why, ["lighter"]
    return level, why, cites


def _level_week(ramp: _Ramp, w: int, week_start: dt.date, *, dip: bool) -> tuple[str, list[str]]:
    """Move the ramp's level for this week (first week, restart, hold, return after a dip, or a new high)."""
    intake, config, state, unit = ramp.intake, ramp.config, ramp.state, ramp.unit
    if not ramp.levels:
        restart = w > 0 or intake.symptoms.onset == "sudden"
        if w == 0:
            ramp.level, why = _first_week(intake, ramp.usual, ramp.cap, config)
        else:
            ramp.level, why = _restart(ramp.usual, ramp.cap, config, unit)
        cites = ["restart" if restart else "first_week" if intake.symptoms.symptomatic else "usual"]
        ramp.ceiling = ramp.level if ramp.novice else ramp.usual
        if ramp.novice:
            why += f"; as you started running {intake.running.months_running} months ago, it stays there"
            cites.append("novice")
        return why, cites
    if w in ramp.held or (ramp.load_hold is not None and week_start >= ramp.load_hold):
        ramp.level = min(ramp.level, ramp.previous) if ramp.previous else ramp.level
        reason = state.running_hold_reason if w in ramp.held else state.load_hold_reason
        return f"Held at {_fmt(ramp.level)} {unit}: {reason or 'tightness after running'}", ["hold"]
    if ramp.previous < ramp.level or dip:
        return f"Back to {_fmt(ramp.level)} {unit} after the lighter week", ["ramp"]  # a dip never moves the level
    grown = _floor(min(ramp.ceiling, _step_limit(ramp.level, ramp.levels, config)))
    why = (
        f"{_fmt(grown)} {unit}, up from {_fmt(ramp.level)}: we add about "
        f"{config.weekly_distance_step:.0%} a week up to your usual {_fmt(ramp.usual)}"
        if grown > ramp.level
        else f"Holding at {_fmt(ramp.level)} {unit}, " + _holding_why(ramp.level, ramp.usual, ramp.novice, intake)
    )
    ramp.level = grown
    return why, ["ramp", "novice"] if ramp.novice else ["ramp"]


def _taper_week(ramp: _Ramp, w: int, week_start: dt.date) -> tuple[float, str, list[str]]:
    """A taper week before the goal race; the race's own week holds the race and, with room, easy running before it."""
    assert ramp.race_week is not None
    config, unit, intake = ramp.config, ramp.unit, ramp.intake
    k = w - (ramp.race_week - ramp.taper)
    target = _floor(ramp.level * (1 - config.taper_weekly_reduction * k))
    why = f"Taper week {k} of {ramp.taper} before your race: {_fmt(target)} {unit}"
    if w == ramp.race_week and ramp.race_length and ramp.speed_ok:
        assert intake.running.goal_race is not None
        easy = _floor(target * config.race_week_easy_fraction)
        shortest = config.min_run_km / (MILES_TO_KM if unit == "mi" else 1)
        race_day = intake.running.goal_race.date
        no_room = ramp.max_runs < 2 or not easy_days_before_race(race_day, week_start, intake.available_days)
        if easy < shortest or no_room:
            easy = 0.0
        target = _floor(ramp.race_length + easy)
        before = f" plus {_fmt(easy)} {unit} of easy running before it" if easy else ", with rest before it"
        why = f"Race week: your race ({_fmt(ramp.race_length)} {unit}){before}; taper week {k} of {ramp.taper}"
    if not ramp.speed_ok:
        why += "; racing is not advised until tightness after running has settled"
    return target, why, ["taper"]


def _week_target(
    ramp: _Ramp,
    slot: WeekSlot,
    week_start: dt.date,
    target: float,
    why: str,
    cites: list[str],
    walk_jog_sessions: int,
) -> RunningTarget:
    """The week as the plan shows it: its distance, runs, speed work and reason; the ramp moves on past it."""
    speed = target > 0 and speed_allowed(slot, ramp.intake, ramp.state, week_start)
    if target > 0 and not speed:
        why += (
            "; no speed work until tightness after running has settled"
            if not ramp.speed_ok
            else "; no speed work this week"
        )
        if not ramp.speed_ok:
            cites.append("speed")
    runs = ramp.max_runs if target > 0 else walk_jog_sessions
    ramp.normal_weeks = ramp.normal_weeks + 1 if target > 0 and target >= ramp.level else 0
    ramp.previous = target
    return RunningTarget(
        target_distance=target,
        unit=ramp.unit,
        max_runs=runs,
        rest_days=7 - runs,
        speed_work_allowed=speed,
        reason=why + _gate_note(slot),
        source="; ".join(SOURCES[c] for c in dict.fromkeys(cites)),
        level=ramp.level if target > 0 else 0.0,
    )


def _holding_why(level: float, usual: float, novice: bool, intake: Intake) -> str:
    if level >= usual:
        return "your usual distance"
    if novice:
        return f"as you started running {intake.running.months_running} months ago, we do not build above it for now"
    return "for now"


def _restart(usual: float, cap: float, config: RulesConfig, unit: str) -> tuple[float, str]:
    target = _floor(min(usual * config.restart_fraction, cap, usual))
    return target, (
        f"Running restarts at {_fmt(target)} {unit}, about {config.restart_fraction:.0%} of your usual "
        f"{_fmt(usual)} {unit}; it builds back as long as it stays comfortable"
    )


def _step_limit(level: float, levels: Sequence[float], config: RulesConfig) -> float:
    """The next new high: at most the weekly step, and within the two-week limit of the level two weeks ago."""
    limit = level * (1 + config.weekly_distance_step)
    if len(levels) >= 2 and levels[-2] > 0:
        limit = min(limit, levels[-2] * (1 + config.two_week_distance_limit))
    return limit


def speed_allowed(slot: WeekSlot, intake: Intake, state: PlanState, week_start: dt.date) -> bool:
    """Speed work (and strides, racing) only in a stage that allows it, for a runner with symptoms only once
    tightness after running has settled in the pain log (seed 004: "eliminate speed work completely … until
    tightness after activity subsides"), and not while severe pain or a painful run holds it (speed_hold_until)."""
    held = state.speed_hold_until is not None and week_start < dt.date.fromisoformat(state.speed_hold_until)
    return (
        slot.phase.speed_work
        and slot.phase.running == "build"
        and (not intake.symptoms.symptomatic or state.speed_work_cleared)
        and not held
    )


def _gate_note(slot: WeekSlot) -> str:
    if slot.held_for_clearance:
        return ". You stay in this stage until a clinician has checked what you told us"
    if slot.extension:
        return f". Stage extended (extra week {slot.extension}): its checklist is not all yes yet"
    if slot.gated_next:
        return ". The next stage starts only when this stage's checklist is all yes"
    return ""
