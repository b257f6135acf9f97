"""Where a plan's running starts, and the limits it builds within (docs/clinical-sources.md §7, §11, §16.3). Pure.

The first week follows the reason for a cut (how much running hurts, not pain elsewhere); a return after a strain or
weeks without running follows the §7.2 steps; a runner who does not run yet returns by walk–run; no run is longer than
the runner's longest plus a small step, so fewer days make a shorter week, not longer runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.scheduling import spread_days
from programs.clinical.types import WEEKDAYS, Intake


def floor_tenth(value: float) -> float:
    return math.floor(value * 10 + 1e-9) / 10


def fmt(value: float) -> str:
    return f"{value:g}"


def in_units(km: float, unit: str) -> float:
    return km / MILES_TO_KM if unit == "mi" else km


# Where each kind of week comes from (docs/clinical-sources.md): the week's `source`, for physios and a "why?".
SOURCES = {
    "first_week": "Seed 000 (§11): an aching 50-75 mi/week marathoner cut to 30-40 mi; seed 002: no cut for soreness "
    "only after races; 30-50 % return-to-run heuristic for high pain (§7.2, unconfirmed)",
    "tendon": "Goom 2016 (§8): change the activity that aggravates the tendon; running that does not hurt is kept",
    "restart": "Return to running over about four weeks: 30-50 %, 40-60 %, 80 %, 100 % of the usual week (§7.2, "
    "unconfirmed; lower bound first) after the Aspetar walk-jog stage (§6.1)",
    "walk_run": "Walk/run return: military return-to-run table (Trials 2023, §7.2), a week per phase, runs on "
    "alternate days; middle phases a house interpolation",
    "usual": "Your own usual weekly distance",
    "ramp": "About 10 % a week, a conservative default (Buist 2008, §7.3), and at most 30 % over two weeks "
    "(Nielsen 2014, §7.3), a return after a lighter week counted",
    "lighter": "Training in cycles (seed 000, §11): every 4th week, every 3rd from age 50, at 80 % (house choices, "
    "unconfirmed)",
    "taper": "Three-week taper before a marathon (seed 000, §11); shorter races shorter, 20 % less a week "
    "(unconfirmed coaching defaults)",
    "recovery": "A week at half the level after a goal race, then back over two weeks or more (house choice, "
    "unconfirmed; seed 000 took a week off)",
    "novice": "Seed 001 (§11): 'too much too soon' for a runner 4 months in; below 6 months of running the week is "
    "kept within a limit per month of running and builds at half the step (house thresholds)",
    "longest": "No run longer than your own longest run plus a small step (house choice, conservative)",
    "hold": "Silbernagel 2007 (§5.1): pain must settle by the next morning; seed 004: no more distance while "
    "tightness after running lasts",
    "speed": "Seed 004 (§11): no speed work until tightness after activity subsides",
    "walk_jog": "Aspetar stage 2 (§6.1): walk-jog from 25 % to 70 % of full pace while pain-free",
    "no_running": "Aspetar stage 1 (§6.1): no running until walking is normal and pain-free",
}


def running_pain_words(pain: int) -> str:
    """What is true about the runner's running pain, in their words' terms."""
    return "running does not hurt" if pain == 0 else "it only hurts a little when you run"


def longest_run_allowed(intake: Intake, config: RulesConfig) -> float:
    """The longest run the plan may book, in the runner's unit: their longest run plus the step; without a longest
    run, an even share of their usual week plus the step; without running at all, the walk–run return's distance."""
    running = intake.running
    if running.longest_run > 0:
        base = running.longest_run
    elif running.weekly_distance > 0:
        base = running.weekly_distance / max(1, running.runs_per_week)
    else:
        return floor_tenth(in_units(max(km for _, _, km in config.walk_run_return), intake.units))
    return floor_tenth(base * (1 + config.longest_run_step))


def spaced_runs(available_days: Sequence[str]) -> int:
    """How many runs fit on the runner's days with none on consecutive days."""
    return len(spread_days(tuple(sorted(WEEKDAYS.index(d) for d in available_days)), 7))


def novice_limit(intake: Intake, config: RulesConfig) -> float | None:
    """ "Too much too soon" (seed 001): for a runner with symptoms and fewer than novice_months of running, the most
    a week may hold (per month of running); None for everyone else."""
    running = intake.running
    if not intake.symptoms.symptomatic or running.months_running >= config.novice_months:
        return None
    return floor_tenth(in_units(config.too_much_per_month_km * max(1, running.months_running), intake.units))


def tendon_keeps_running(intake: Intake, config: RulesConfig) -> bool:
    """Pain at the sit bone or worse with sitting, with running that hardly hurts: the tendon's aggravating activity
    is not running, so running is kept and hills and speed are left out instead (Goom 2016, §8)."""
    s = intake.symptoms
    return s.pain_running <= config.mild_running_pain and (s.location == "sit_bone" or "sitting" in s.worse_when)


def first_week(intake: Intake, usual: float, cap: float, config: RulesConfig) -> tuple[float, str, str]:
    """The first week's distance of a runner still running, scaled by how much running hurts (§11): seed 002's
    runner, sore only after races, cuts nothing; seed 000's aching marathoner cuts to 30-40 mi; more pain cuts more.
    Returns the distance, the reason and the source key."""
    s, unit = intake.symptoms, intake.units
    if not s.symptomatic:
        return usual, f"Your usual {fmt(usual)} {unit} a week", "usual"
    daily = max(s.pain_at_rest, s.pain_walking)
    if tendon_keeps_running(intake, config):
        target = floor_tenth(min(usual, cap))
        return (
            target,
            (
                f"Running {fmt(target)} {unit} this week, as {running_pain_words(s.pain_running)}: keep to flat routes and "
                "no fast running for now, as hills and speed load the sore spot most"
            ),
            "tendon",
        )
    key = "first_week"
    if s.pain_running <= config.mild_running_pain and daily == 0:
        fraction, why = config.mild_start_fraction, running_pain_words(s.pain_running)
    elif s.pain_running <= config.moderate_running_pain and daily <= 1:
        fraction, why = config.symptomatic_start_fraction, "while the ache settles"
    elif s.pain_running > config.moderate_running_pain:
        fraction, why = config.severe_start_fraction, "because running hurts a lot"
    else:
        fraction, why = config.severe_start_fraction, "because it hurts in daily life too"
    target = floor_tenth(min(usual * fraction, cap, usual))
    if target >= usual:
        return target, f"Your usual {fmt(usual)} {unit} a week: {why}, so no cut is needed", key
    return target, f"Running {fmt(target)} {unit} this week, down from your usual {fmt(usual)} {unit}, {why}", key


def return_step(usual: float, step: int, config: RulesConfig, unit: str) -> tuple[float, str]:
    """Week `step` (0-based) of running again after a strain or weeks without running (§7.2 steps): the restart
    fraction, then RulesConfig.return_steps."""
    fractions = (config.restart_fraction, *config.return_steps)
    fraction = fractions[min(step, len(fractions) - 1)]
    target = floor_tenth(usual * fraction)
    if step == 0:
        return target, (
            f"Running restarts at {fmt(target)} {unit}, about {fraction:.0%} of your usual {fmt(usual)} {unit}; it "
            f"comes back over {len(fractions)} weeks as long as it stays comfortable"
        )
    return target, (
        f"Back to running, week {step + 1} of {len(fractions)}: {fmt(target)} {unit}, {fraction:.0%} of your usual"
    )


def interval_words(run_minutes: int, walk_minutes: int) -> str:
    if walk_minutes == 0:
        return "running without walking breaks"
    return f"{run_minutes} min running, {walk_minutes} min walking"


def walk_run_return(intake: Intake) -> bool:
    """A runner who does not run now and wants to return to running, and walks without pain (the walking part of the
    §7.2 entry test), returns by walk–run rather than waiting."""
    s = intake.symptoms
    return (
        intake.goal == "return_to_running"
        and intake.running.weekly_distance == 0
        and s.pain_walking == 0
        and s.pain_at_rest == 0
    )


def walk_run_return_week(k: int, intake: Intake, config: RulesConfig) -> tuple[float, str, str, int]:
    """Week k of a return to running from no running: each session's distance, the reason, the intervals and the
    sessions."""
    table = config.walk_run_return
    run_minutes, walk_minutes, km = table[min(k, len(table) - 1)]
    unit, sessions = intake.units, config.walk_run_sessions
    each = floor_tenth(in_units(km, unit))
    words = interval_words(run_minutes, walk_minutes)
    phase = k + 1
    if phase > len(table):
        why = (
            f"Walk–run return done: {sessions} runs of {fmt(each)} {unit} a week, {words}, never on back-to-back days; "
            "keep this up, and ask a physio or coach before running more"
        )
        return each, why, words, sessions
    why = (
        f"Walk–run return, step {phase} of {len(table)}: {sessions} sessions of {fmt(each)} {unit}, {words}, never on "
        "back-to-back days; move on only if the pain did not rise during, after or the next morning"
    )
    return each, why, words, sessions
