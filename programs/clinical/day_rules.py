"""The rules that read the day logs: red flags reported after the intake, next-morning pain and stiffness, runs,
flares and tightness. Pure; called by `programs.clinical.rules.evaluate` with the day logs it has not seen yet (`new`).

Sources: Silbernagel 2007 (pain must settle by the next morning and not rise week to week, docs/clinical-sources.md
§5.1); seed 004 (no speed work and no more distance while tightness after running lasts, §11); §9.3 (red flags).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from programs.clinical.config import RulesConfig
from programs.clinical.rules_types import Decision, day_text, iso_date
from programs.clinical.types import RED_FLAGS, DayLog, PainLimits, Plan, PlanState


def red_flags_reported(state: PlanState, new: Sequence[DayLog]) -> tuple[PlanState, list[Decision]]:
    """A red-flag question answered yes at a day log is screened with the intake's answers from then on (the
    generator stops the plan for a stop-tier answer, or adds the advisory and its restrictions). A new finding
    re-opens the need for a clinician's clearance. Answering the questions ends a pending re-check."""
    decisions: list[Decision] = []
    for log in new:
        fresh = (log.red_flags & frozenset(RED_FLAGS)) - state.reported_flags
        if log.red_flags or state.recheck_red_flags:
            state = replace(state, recheck_red_flags=False)
        if fresh:
            words = ", ".join(sorted(flag.replace("_", " ") for flag in fresh))
            state = replace(
                state,
                reported_flags=state.reported_flags | fresh,
                clinician_cleared=False,
                attention=(*state.attention, f"red flag reported on {day_text(log.date)}: {words}"),
            )
            decisions.append(Decision(None, "red_flag", f"you reported on {day_text(log.date)}: {words}"))
    return state, decisions


def _mornings(logs: Sequence[DayLog]) -> list[tuple[dt.date, int]]:
    """(date, worst of next-morning pain and stiffness) for every morning reported, in date order."""
    return [
        (d.date, max(v for v in (d.next_morning_pain, d.stiffness) if v is not None))
        for d in logs
        if d.next_morning_pain is not None or d.stiffness is not None
    ]


def morning_rules(
    state: PlanState, logs: Sequence[DayLog], new: Sequence[DayLog], limits: PainLimits, config: RulesConfig
) -> tuple[PlanState, list[Decision]]:
    """Next-morning pain or stiffness above the limit, or rising on `config.rising_mornings` consecutive mornings,
    holds all loading, running included, from the next day (Silbernagel 2007). The hold lifts on a morning at or below
    the limit that is not higher than the one before. Still rising `config.review_after_days` after the hold began →
    advise a clinician review (the plan goes on)."""
    mornings = _mornings(logs)
    new_dates = {d.date for d in new}
    decisions: list[Decision] = []
    for index, (date, value) in enumerate(mornings):
        if date not in new_dates:
            continue
        previous = [v for _, v in mornings[max(0, index - config.rising_mornings) : index]]
        rising = len(previous) == config.rising_mornings and all(
            b > a for a, b in zip([*previous, value], [*previous, value][1:], strict=False)
        )
        if value > limits.after or rising:
            why = (
                f"next-morning pain or stiffness {value}/10 on {day_text(date)}, above your limit of {limits.after}"
                if value > limits.after
                else f"next-morning pain or stiffness rising {config.rising_mornings + 1} mornings in a row, "
                f"to {value}/10 on {day_text(date)}"
            )
            since = iso_date(state.load_hold_since)
            if since is None:
                state = replace(state, load_hold_since=(date + dt.timedelta(days=1)).isoformat(), load_hold_reason=why)
                decisions.append(Decision(None, "load_hold", f"held: {why}; nothing steps up until mornings settle"))
            elif (date - since).days >= config.review_after_days and rising and not _advised(state, "mornings"):
                advice = "next-morning pain still rising after a week of holding the load: please see a clinician"
                state = replace(state, advisories=(*state.advisories, "mornings: " + advice))
                decisions.append(Decision(None, "review_advised", advice))
        elif state.load_hold_since is not None and (not previous or value <= previous[-1]):
            state = replace(state, load_hold_since=None, load_hold_reason="")
            decisions.append(
                Decision(None, "load_resume", f"mornings settled ({value}/10 on {day_text(date)}): steps up again")
            )
    return state, decisions


def _advised(state: PlanState, key: str) -> bool:
    return any(advice.startswith(key + ":") for advice in state.advisories)


def hold_running(plan: Plan, state: PlanState, as_of: dt.date, reason: str) -> PlanState:
    """No increase of the running target next week (extends a hold that reaches into it)."""
    next_week = (as_of - plan.start).days // 7 + 1
    since = iso_date(state.running_hold_since)
    first = (since - plan.start).days // 7 if since else 1
    if state.running_hold_weeks and first <= next_week < first + state.running_hold_weeks:
        return replace(state, running_hold_reason=reason)
    if state.running_hold_weeks and first + state.running_hold_weeks == next_week:
        return replace(state, running_hold_weeks=state.running_hold_weeks + 1, running_hold_reason=reason)
    start = plan.start + dt.timedelta(weeks=next_week)
    return replace(state, running_hold_weeks=1, running_hold_since=start.isoformat(), running_hold_reason=reason)


def hold_speed(plan: Plan, state: PlanState, as_of: dt.date) -> PlanState:
    """No speed work in any week that starts before the end of next week."""
    next_week_end = plan.start + dt.timedelta(weeks=(as_of - plan.start).days // 7 + 2)
    current = iso_date(state.speed_hold_until)
    until = max(next_week_end, current) if current else next_week_end
    return replace(state, speed_hold_until=until.isoformat())


def running_rules(
    plan: Plan,
    state: PlanState,
    logs: Sequence[DayLog],
    new: Sequence[DayLog],
    as_of: dt.date,
    limits: PainLimits,
    config: RulesConfig,
) -> tuple[PlanState, list[Decision]]:
    """Speed work returns once tightness after running has subsided in the log (seed 004). Tightness, a flare or a
    run that hurt above the limit holds next week's running distance at this week's level; a painful run also stops
    speed work for at least the next week."""
    reports = [d.tightness_after_running for d in logs if d.tightness_after_running is not None]
    k = config.speed_clear_runs
    cleared = len(reports) >= k and not any(reports[-k:])
    decisions: list[Decision] = []
    if cleared and not state.speed_work_cleared:
        decisions.append(
            Decision(None, "speed_work_cleared", f"no tightness after your last {k} runs: speed work may return")
        )
    state = replace(state, speed_work_cleared=cleared)
    painful = next((d for d in reversed(new) if d.run_pain is not None and d.run_pain > limits.during), None)
    if painful is not None:
        assert painful.run_pain is not None
        reason = (
            f"your run on {day_text(painful.date)} hurt {painful.run_pain}/10, above your limit of {limits.during}: "
            "no increase and no speed work next week"
        )
        state = hold_speed(plan, hold_running(plan, state, as_of, reason), as_of)
        decisions.append(Decision(None, "running_hold", reason))
        return state, decisions
    trigger = next((d for d in reversed(new) if d.flare or d.tightness_after_running), None)
    if trigger is None:
        return state, decisions
    what = "a flare-up" if trigger.flare else "tightness after running"
    reason = f"{what} on {day_text(trigger.date)}: no increase until it settles"
    state = hold_running(plan, state, as_of, reason)
    decisions.append(Decision(None, "running_hold", reason))
    return state, decisions
