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

from .domain import Intake, PlanState, RunningTarget
from .pathways import WeekSlot
from .rules_config import MILES_TO_KM, RulesConfig


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


def running_targets(
    intake: Intake,
    slots: Sequence[WeekSlot],
    *,
    start: dt.date,
    config: RulesConfig,
    state: PlanState,
    walk_jog_sessions: Sequence[int],
) -> tuple[RunningTarget, ...]:
    """One RunningTarget per week. `walk_jog_sessions[w]` counts week w's walk–jog sessions (acute strain stage 2)."""
    unit = intake.units
    usual = _floor(intake.running.weekly_distance)
    symptomatic = intake.symptoms.symptomatic
    cap = config.symptomatic_weekly_cap_miles * (1 if unit == "mi" else MILES_TO_KM)
    cap = _floor(cap) if unit == "mi" else float(math.floor(cap))
    free_days = config.min_run_free_days if symptomatic else config.min_run_free_days_healthy
    max_runs = min(intake.running.runs_per_week, 7 - free_days)
    race_week, taper = _race_weeks(intake, start, config)
    held = _hold_weeks(state, start)
    load_hold = dt.date.fromisoformat(state.load_hold_since) if state.load_hold_since else None
    speed_ok = not symptomatic or state.speed_work_cleared
    out: list[RunningTarget] = []
    targets: list[float] = []
    taper_base = 0.0
    for w, slot in enumerate(slots):
        prev = targets[-1] if targets else None
        mode = slot.phase.running
        if mode != "build" or usual == 0:
            target = 0.0
            if mode == "walk_jog":
                why = "No running target yet: walk–jog only (see sessions), 25 % → 70 % of full pace (Aspetar stage 2)"
            elif mode == "none":
                why = "No running yet: walk–jog starts once you walk with a normal stride without pain (Aspetar)"
            else:
                why = "No running planned: you told us you are not running at the moment"
        elif prev is None:
            if intake.symptoms.onset == "sudden":
                target = _floor(min(usual * config.restart_fraction, cap, usual))
                why = (
                    f"Running restarts at {_fmt(target)} {unit}, {config.restart_fraction:.0%} of your usual distance, "
                    "after your strain (return-to-run heuristic, unconfirmed)"
                )
            elif symptomatic:
                target = _floor(min(usual * config.symptomatic_start_fraction, cap, usual))
                why = (
                    f"First week capped at {_fmt(target)} {unit}: {config.symptomatic_start_fraction:.0%} of your "
                    f"{_fmt(usual)} {unit}, at most {_fmt(cap)} {unit} (seed 000: an aching runner cuts back to "
                    f"30-40 mi a week)"
                )
            else:
                target, why = usual, f"Your usual {_fmt(usual)} {unit} a week"
        elif prev == 0:
            target = _floor(min(usual * config.restart_fraction, cap, usual))
            why = (
                f"Running restarts at {_fmt(target)} {unit}, {config.restart_fraction:.0%} of your usual distance "
                f"(return-to-run heuristic; a restart from zero is the one exception to the weekly step)"
            )
        else:
            step_limit = prev * (1 + config.weekly_distance_step)
            two_ago = targets[-2] if len(targets) >= 2 and targets[-2] > 0 else None
            if two_ago is not None:
                step_limit = min(step_limit, two_ago * (1 + config.two_week_distance_limit))
            target = _floor(min(usual, step_limit))
            if target > prev:
                why = (
                    f"+{(target / prev - 1):.0%}: at most {config.weekly_distance_step:.0%} a week and "
                    f"{config.two_week_distance_limit:.0%} over two weeks, up to your usual {_fmt(usual)} {unit}"
                )
            else:
                why = f"Holding at {_fmt(target)} {unit}, your usual distance"
            if w in held:
                target = min(target, prev)
                why = f"Held at {_fmt(target)} {unit}: {state.running_hold_reason or 'tightness after running'}"
            elif load_hold is not None and start + dt.timedelta(weeks=w) >= load_hold:
                target = min(target, prev)
                why = f"Held at {_fmt(target)} {unit}: {state.load_hold_reason}"
            if race_week is not None and race_week - taper < w <= race_week:
                k = w - (race_week - taper)
                taper_base = taper_base or prev
                target = _floor(min(target, taper_base * (1 - config.taper_weekly_reduction * k)))
                why = f"Taper week {k} of {taper} before your race (seed 000: taper three weeks for a marathon)"
                if not speed_ok:
                    why += "; racing is not advised until tightness after running has settled (seed 004)"
            elif config.lighter_week_every and (w + 1) % config.lighter_week_every == 0:
                target = _floor(min(target, prev * config.lighter_week_factor))
                why = f"Lighter week ({_fmt(target)} {unit}): every {config.lighter_week_every}th week (seed 000: train in cycles)"
        speed = target > 0 and speed_allowed(slot, intake, state, start + dt.timedelta(weeks=w))
        if target > 0 and not speed:
            why += (
                "; no speed work until tightness after running has settled (seed 004)"
                if not speed_ok
                else "; no speed work in this stage"
            )
        runs = max_runs if target > 0 else walk_jog_sessions[w]
        targets.append(target)
        out.append(
            RunningTarget(
                target_distance=target,
                unit=unit,
                max_runs=runs,
                rest_days=7 - runs,
                speed_work_allowed=speed,
                reason=why + _gate_note(slot),
            )
        )
    return tuple(out)


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
