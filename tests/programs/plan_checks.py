"""The safety and load checks every generated plan must pass (`check_plan`), shared by the property tests of
generated, assigned and edited plans (tests/programs/test_properties, test_assign, test_program_edit_services)."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from functools import cache

from exercises.catalogue import Dose
from programs.clinical.config import MILES_TO_KM, RulesConfig
from programs.clinical.dosing import estimated_minutes
from programs.clinical.screening import plan_findings
from programs.clinical.types import REHAB_KINDS, WEEKDAYS, Intake, Plan, PlanState
from tests.programs.strategies import catalogue, pathways

# What a runner must never read in a reason: citations, seed and stage codes, house labels and field names.
SOURCE_CODES = re.compile(
    r"\b(seeds? \d+|PMC\d+|Aspetar|Heiderscheit|Petersen|Goom|Silbernagel|Tyler|Askling \d|Del Monte|house|"
    r"unconfirmed|stage \d|phase I+|(19|20)\d\d)\b|\.com|docs/|\w_\w",
    re.IGNORECASE,
)
OTHER_UNIT = {"km": re.compile(r"\bmi\b|\bmiles?\b"), "mi": re.compile(r"\bkm\b|kilomet")}

CONFIG = RulesConfig()
_NUMERIC = ("sets", "hold_seconds", "minutes", "laps", "metres", "distance", "intervals", "pace_percent")


@cache
def dose_ceiling(pathway: str, phase: str) -> dict[str, dict[str, int]]:
    """Per exercise, the largest value each dose field may take in this phase: starts, ladders, caps, tables, and
    the catalogue defaults down the easier-variant chain."""
    ceiling: dict[str, dict[str, int]] = defaultdict(dict)

    def take(exercise: str, dose: Dose) -> None:
        for name in _NUMERIC:
            value = getattr(dose, name)
            if value is not None:
                ceiling[exercise][name] = max(ceiling[exercise].get(name, 0), value)
        reps = dose.reps if isinstance(dose.reps, int) else max(dose.reps or (0,))
        ceiling[exercise]["reps"] = max(ceiling[exercise].get("reps", 0), reps)

    for item in pathways()[pathway].phase(phase).items:
        for candidate in (item, *item.alternatives):
            doses = [candidate.dose, *candidate.rule.ladder]
            doses += [d for d in (candidate.rule.cap, candidate.rule.then) if d is not None]
            # Each regression may step one further down the catalogue's easier chain.
            exercise: str | None = candidate.exercise
            seen: set[str] = set()
            while exercise is not None and exercise not in seen:
                seen.add(exercise)
                for dose in [*doses, catalogue()[exercise].default_dose]:
                    take(exercise, dose)
                exercise = catalogue()[exercise].easier
    # A run left out after severe pain becomes a walk of a set length (programs.clinical.run_cuts).
    ceiling["brisk_walk"]["minutes"] = max(ceiling["brisk_walk"].get("minutes", 0), CONFIG.paused_run_walk_minutes)
    return ceiling


def check_plan(intake: Intake, plan: Plan, state: PlanState, config: RulesConfig = CONFIG) -> None:
    assert plan.status == "active"
    # No red flags here: any advice is the rules' own, or what the chosen pathway calls for (screening.plan_findings).
    assert plan.pain_limits is not None
    pathway_advice = {f.noticed for f in plan_findings(intake, plan.pain_limits.during, config)}
    assert plan.referral is None or set(plan.referral.reasons) <= pathway_advice | {
        a.split(": ", 1)[-1] for a in state.advisories
    }, "only the rules' own advice"
    if intake.symptoms.pain_running > plan.pain_limits.during and not state.clinician_cleared:
        assert plan.referral is not None and any(r.startswith("running hurts") for r in plan.referral.reasons)
    cat = catalogue()
    pathway = pathways()[plan.pathway]
    symptomatic = intake.symptoms.symptomatic
    usual = intake.running.weekly_distance
    for n, week in enumerate(plan.weeks):
        running = week.running
        assert running.unit == intake.units
        assert_plain(running.reason, intake)
        assert running.rest_days + running.max_runs == 7
        race = intake.running.goal_race
        race_week = race is not None and week.days[0].date <= race.date <= week.days[-1].date
        walk_run_return = usual == 0 and intake.goal == "return_to_running"  # §7.2 walk–run from no running
        assert race_week or walk_run_return or running.target_distance <= usual + 1e-9, "the race week holds the race"
        if symptomatic:
            assert running.rest_days >= config.min_run_free_days
            if not state.speed_work_cleared:
                assert not running.speed_work_allowed
        if n == 0 and symptomatic and not race_week and not walk_run_return:
            cap = config.symptomatic_weekly_cap_miles * (1 if intake.units == "mi" else MILES_TO_KM)
            assert running.target_distance <= cap + 1e-9
            s = intake.symptoms
            if s.onset == "sudden":
                assert running.target_distance <= usual * config.restart_fraction + 1e-9
            elif s.pain_running > config.mild_running_pain:
                assert running.target_distance <= usual * config.symptomatic_start_fraction + 1e-9
            elif max(s.pain_at_rest, s.pain_walking) > 0 and not (
                s.location == "sit_bone" or "sitting" in s.worse_when
            ):
                # pain at the sit bone or with sitting and running that hardly hurts keeps its running (§16.3, Goom)
                assert running.target_distance <= usual * config.symptomatic_start_fraction + 1e-9
        assert race_week or running.target_distance <= running.level + 1e-9, "a week never runs above its level"
        levels = [w.running.level for w in plan.weeks[:n] if w.running.level > 0]
        if not levels and n > 0 and running.level > 0 and not walk_run_return:  # documented: restarting from zero
            assert running.level <= usual * config.restart_fraction + 1e-9
        elif "four weeks" in running.source or walk_run_return:  # documented: the §7.2 return steps
            assert running.level <= usual + 1e-9 or walk_run_return
        elif levels and running.level > levels[-1] + 1e-9:  # the limits apply to new levels, not returns after a dip
            assert running.level <= levels[-1] * (1 + config.weekly_distance_step) + 1e-9
            if len(levels) >= 2:
                assert running.level <= levels[-2] * (1 + config.two_week_distance_limit) + 1e-9
        phase = pathway.phase(week.phase)
        ceiling = dose_ceiling(pathway.slug, phase.slug)
        for day in week.days:
            rehab_minutes = 0.0
            race_day = race is not None and day.date == race.date  # the race is on race day, whatever the day
            if day.sessions and not race_day:  # rest sessions too: nothing at all on a day the runner is not available
                assert WEEKDAYS[day.date.weekday()] in intake.available_days
            for session in day.sessions:
                if session.kind == "rest":
                    assert session.items == ()
                    continue
                # A strength session opens with its warm-up (so no Nordic is ever first), within the same minutes.
                assert bool(session.warm_up) == (session.kind == "strength"), session
                session_minutes = 0.0
                for item in session.warm_up:
                    spec = cat[item.exercise]
                    assert spec.equipment <= intake.equipment and not spec.contraindications & phase.forbidden_tags
                    assert_plain(item.reason, intake)
                    session_minutes += estimated_minutes(item.dose, config, spec.per_side)
                for item in session.items:
                    spec = cat[item.exercise]
                    assert spec.equipment <= intake.equipment, item.exercise
                    assert not spec.contraindications & phase.forbidden_tags, (phase.slug, item.exercise)
                    assert_plain(item.reason, intake)
                    for name, value in dataclasses.asdict(item.dose).items():
                        if value is not None and name != "distance":  # runs: bounded by the week's target
                            top = max(value) if isinstance(value, tuple) else value
                            assert top <= ceiling[item.exercise][name], (item.exercise, name, value)
                    assert (item.dose.laps or 0) <= 20 and (item.dose.minutes or 0) <= 60
                    session_minutes += estimated_minutes(item.dose, config, spec.per_side) * item.times_per_day
                if session.kind in REHAB_KINDS:
                    assert session.estimated_minutes == max(1, round(session_minutes)), session
                    rehab_minutes += session_minutes
                else:
                    assert session.estimated_minutes is None
            assert rehab_minutes <= intake.minutes_per_session + 1e-9


def assert_plain(reason: str, intake: Intake) -> None:
    """Written for the runner: no source code, slug or field name, and only their own unit."""
    assert reason
    assert not SOURCE_CODES.search(reason), reason
    assert not OTHER_UNIT[intake.units].search(reason), reason
