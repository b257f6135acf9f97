"""What gates a running week and how it says so (docs/clinical-sources.md §7, §16.3). Pure.

Speed work (strides, fast run-throughs, racing) is allowed only where the stage, the pain log and the runner's own
answers allow it; a goal race is planned only when racing is advised; weeks without a running target say why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from programs.clinical.config import RulesConfig
from programs.clinical.pathways import WeekSlot
from programs.clinical.running_start import walk_run_return
from programs.clinical.types import Intake, PlanState


def race_block(
    intake: Intake, state: PlanState, slots: Sequence[WeekSlot], start: dt.date, config: RulesConfig
) -> str | None:
    """Why the goal race is left out of the plan, in plain words ("until …"), or None when racing is advised.

    Racing is flat-out running, so it is planned only where speed work could be: not while tightness after running
    lasts for a runner with symptoms (seed 004), not during a walk–run return from no running, not in a stage that
    allows no fast running, not while next-morning pain holds the load (Silbernagel 2007), and after a strain not
    before the running is back to the usual week, held weeks included (§7.2 return steps; Aspetar: full pace only at
    the last stage). Otherwise the plan says so plainly and neither tapers nor recovers."""
    race = intake.running.goal_race
    if walk_run_return(intake):
        return "your walk–run return is done"
    if intake.symptoms.symptomatic and not state.speed_work_cleared:
        return "tightness after running has settled"
    week = (race.date - start).days // 7 if race is not None else -1
    if race is None or not 0 <= week < len(slots):
        return None
    phase = slots[week].phase
    if not (phase.speed_work and phase.running == "build"):
        return "your plan has reached a stage that allows fast running"
    if state.load_hold_since is not None and dt.date.fromisoformat(state.load_hold_since) <= race.date:
        return "your morning pain has settled"
    if intake.symptoms.onset == "sudden":
        first_run = next((w for w, slot in enumerate(slots) if slot.phase.running == "build"), len(slots))
        held = sum(1 for w in hold_weeks(state, start) if first_run <= w < week)  # a held week returns no further
        if week < first_run + len(config.return_steps) + 1 + held:
            return "your running is back to your usual week after the strain"
    return None


def race_advice(intake: Intake, until: str) -> str:
    """Why the goal race is left out, in plain words."""
    race = intake.running.goal_race
    assert race is not None
    return f". Your race on {race.date.day} {race.date:%B} is not in this plan: we advise against racing until {until}"


def no_build_week(mode: str) -> tuple[float, str, list[str]]:
    if mode == "walk_jog":
        return 0.0, "No running target yet: walk–jog only (see sessions), from 25 % to 70 % of full pace", ["walk_jog"]
    if mode == "none":
        return 0.0, "No running yet: walk–jog starts once you walk with a normal stride without pain", ["no_running"]
    return 0.0, "No running planned: you told us you are not running at the moment", ["usual"]


def no_speed_why(intake: Intake, week: int, config: RulesConfig, *, speed_ok: bool) -> str:
    """Why a running week has no speed work, in plain words."""
    if _speed_held_when_worse(intake, week, config):
        return (
            f"; no speed work in the first {config.speed_hold_weeks_when_worse} weeks, as speed brings on your "
            "ache, and then only once tightness after running has settled"
        )
    if not speed_ok:
        return "; no speed work until tightness after running has settled"
    return "; no speed work this week"


def walk_run_note(intake: Intake, words: str, pain_limit: int) -> str:
    """Why this week's runs are walk–run."""
    if intake.running.keep_walk_run:
        return f"; every run as walk–run ({words}), as you asked"
    return (
        f"; as running hurt more than your limit of {pain_limit}/10, the first runs are walk–run ({words}): "
        f"walk whenever the running part goes above {pain_limit}/10"
    )


def _speed_held_when_worse(intake: Intake, week: int, config: RulesConfig) -> bool:
    return "speed_work" in intake.symptoms.worse_when and week < config.speed_hold_weeks_when_worse


def speed_allowed(
    slot: WeekSlot, intake: Intake, state: PlanState, week_start: dt.date, *, week: int = 0, config: RulesConfig
) -> bool:
    """Speed work (and strides, fast run-throughs, racing) only in a stage that allows it, for a runner with symptoms
    only once tightness after running has settled in the pain log (seed 004: "eliminate speed work completely … until
    tightness after activity subsides"), not while severe pain or a painful run holds it (speed_hold_until), and for a
    runner worse with speed work not in the plan's first weeks (RulesConfig.speed_hold_weeks_when_worse)."""
    held = state.speed_hold_until is not None and week_start < dt.date.fromisoformat(state.speed_hold_until)
    return (
        slot.phase.speed_work
        and slot.phase.running == "build"
        and (not intake.symptoms.symptomatic or state.speed_work_cleared)
        and not held
        and not _speed_held_when_worse(intake, week, config)
    )


def gate_note(slot: WeekSlot) -> str:
    if slot.held_for_clearance:
        return ". You stay in this stage until a clinician has checked what you told us"
    if slot.extension:
        return f". Stage extended (extra week {slot.extension}): its checklist is not all yes yet"
    if slot.gated_next:
        return ". The next stage starts only when this stage's checklist is all yes"
    return ""


def hold_weeks(state: PlanState, start: dt.date) -> range:
    if state.running_hold_weeks <= 0:
        return range(0)
    first = (
        1 if state.running_hold_since is None else (dt.date.fromisoformat(state.running_hold_since) - start).days // 7
    )
    return range(max(first, 1), max(first, 1) + state.running_hold_weeks)


def always_spaced(intake: Intake, config: RulesConfig) -> bool:
    """Runs never on consecutive days: walk–run kept by choice, or worse in the mornings (a morning after each run)."""
    mornings = config.space_runs_when_mornings_worse and "mornings" in intake.symptoms.worse_when
    return intake.running.keep_walk_run or mornings
