"""The rules that read the day logs: red flags reported after the intake, next-morning pain and stiffness, runs,
flares and tightness. Pure; called by `programs.clinical.rules.evaluate` with the day logs it has not seen yet (`new`).

Sources: Silbernagel 2007 (pain must settle by the next morning and not rise week to week, docs/clinical-sources.md
§5.1); seed 004 (no speed work and no more distance while tightness after running lasts, §11); §9.3 (red flags).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import replace

from programs.clinical.config import RulesConfig
from programs.clinical.rules_types import Decision, day_text, iso_date
from programs.clinical.types import RED_FLAGS, DayLog, PainLimits, Plan, PlanState
from programs.clinical.words import red_flag_words


def red_flags_reported(
    state: PlanState, logs: Sequence[DayLog], *, answered: bool = False
) -> tuple[PlanState, list[Decision]]:
    """A red-flag question answered yes at a day log is screened with the intake's answers from then on (the
    generator stops the plan for a stop-tier answer, or adds the advisory and its restrictions). A new finding
    re-opens the need for a clinician's clearance. Every day log is read, not only new ones: a red flag added to a day
    already reviewed (a morning check after the day's run was logged) counts too; a flag already reported does not
    count twice. Only answering the questions (`answered`, or a yes among them) ends a pending re-check: logging a run
    does not."""
    decisions: list[Decision] = []
    if answered:
        state = replace(state, recheck_red_flags=False)
    for log in logs:
        fresh = (log.red_flags & frozenset(RED_FLAGS)) - state.reported_flags
        if fresh:
            words = ", ".join(red_flag_words(flag) for flag in sorted(fresh))
            state = replace(
                state,
                reported_flags=state.reported_flags | fresh,
                clinician_cleared=False,
                recheck_red_flags=False,
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
    plan: Plan,
    state: PlanState,
    logs: Sequence[DayLog],
    new: Sequence[DayLog],
    limits: PainLimits,
    config: RulesConfig,
) -> tuple[PlanState, list[Decision]]:
    """Next-morning pain or stiffness above the limit, or rising on `config.rising_mornings` consecutive mornings,
    holds all loading, running included, from that morning (Silbernagel 2007). A morning at the severe threshold
    also leaves out the rest of that week's runs, from that day. The hold lifts only on a morning back at the
    runner's own level before the rise, or in the safe zone, never at the limit itself, and not higher than the one
    before. Still rising `config.review_after_days` after the hold began → advise a clinician review (the plan goes
    on)."""
    mornings = _mornings(logs)
    new_dates = {d.date for d in new}
    decisions: list[Decision] = []
    severe_at = config.severe_pain_at(limits.after)
    for index, (date, value) in enumerate(mornings):
        if date not in new_dates:
            continue
        previous = [v for _, v in mornings[max(0, index - config.rising_mornings) : index]]
        rising = len(previous) == config.rising_mornings and all(
            b > a for a, b in zip([*previous, value], [*previous, value][1:], strict=False)
        )
        if value >= severe_at:
            reason = (
                f"next-morning pain or stiffness {value}/10 on {day_text(date)}, far above your limit of "
                f"{limits.after}: no running for the rest of this week, from today; walk or cross-train instead if "
                "it does not hurt"
            )
            state = pause_running(plan, state, date, reason)
            decisions.append(Decision(None, "running_hold", reason))
        if value > limits.after or rising:
            why = (
                f"next-morning pain or stiffness {value}/10 on {day_text(date)}, above your limit of {limits.after}"
                if value > limits.after
                else f"next-morning pain or stiffness rising {config.rising_mornings + 1} mornings in a row, "
                f"to {value}/10 on {day_text(date)}"
            )
            since = iso_date(state.load_hold_since)
            if since is None:
                state = replace(state, load_hold_since=date.isoformat(), load_hold_reason=why)
                decisions.append(Decision(None, "load_hold", f"held: {why}; nothing steps up until mornings settle"))
            elif (date - since).days >= config.review_after_days and rising and not _advised(state, "mornings"):
                advice = "next-morning pain still rising after a week of holding the load: please see a clinician"
                state = replace(state, advisories=(*state.advisories, "mornings: " + advice))
                decisions.append(Decision(None, "review_advised", advice))
        elif (
            state.load_hold_since is not None
            and (not previous or value <= previous[-1])
            and _settled(value, mornings, iso_date(state.load_hold_since), limits)
        ):
            state = replace(state, load_hold_since=None, load_hold_reason="")
            decisions.append(
                Decision(None, "load_resume", f"mornings settled ({value}/10 on {day_text(date)}): steps up again")
            )
    state, rise = _week_on_week(plan, state, mornings, new_dates, config)
    return state, decisions + rise


def _baseline(mornings: Sequence[tuple[dt.date, int]], hold_since: dt.date | None) -> int | None:
    """The runner's own mornings before the rise: walking back from the morning that began the hold, the first
    value of the run of rising mornings that led to it."""
    before = [v for d, v in mornings if hold_since is None or d <= hold_since]
    if not before:
        return None
    k = len(before) - 1
    while k > 0 and before[k - 1] < before[k]:
        k -= 1
    return before[k] if k < len(before) - 1 else (before[k - 1] if k > 0 else None)


def _settled(
    value: int, mornings: Sequence[tuple[dt.date, int]], hold_since: dt.date | None, limits: PainLimits
) -> bool:
    """Back in the safe zone, or back to the runner's own level before the rise (never at the limit itself)."""
    if value <= limits.zone_ok_max:
        return True
    baseline = _baseline(mornings, hold_since)
    return baseline is not None and value <= baseline and value < limits.after


def _week_on_week(
    plan: Plan,
    state: PlanState,
    mornings: Sequence[tuple[dt.date, int]],
    new_dates: set[dt.date],
    config: RulesConfig,
) -> tuple[PlanState, list[Decision]]:
    """Mornings averaging higher this plan week than last week hold next week's progression (Silbernagel 2007)."""
    latest = max((d for d, _ in mornings if d in new_dates), default=None)
    if latest is None or not config.week_rise_holds:
        return state, []
    week = (latest - plan.start).days // 7
    this = [v for d, v in mornings if (d - plan.start).days // 7 == week and d <= latest]
    last = [v for d, v in mornings if (d - plan.start).days // 7 == week - 1]
    if not this or not last or sum(this) / len(this) <= sum(last) / len(last):
        return state, []
    reason = (
        f"next-morning pain this week (about {sum(this) / len(this):.0f}/10 on average) is higher than last week "
        f"(about {sum(last) / len(last):.0f}/10): no step up next week"
    )
    state = hold_running(plan, state, latest, reason)
    next_week = plan.start + dt.timedelta(weeks=week + 1)
    if state.load_hold_since is None:
        state = replace(state, load_hold_since=next_week.isoformat(), load_hold_reason=reason)
    return state, [Decision(None, "running_hold", reason)]


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
    speed work for at least the next week. A run at the severe threshold does more (`_severe_run`)."""
    reports = [d.tightness_after_running for d in logs if d.tightness_after_running is not None]
    k = config.speed_clear_runs
    cleared = len(reports) >= k and not any(reports[-k:])
    decisions: list[Decision] = []
    if cleared and not state.speed_work_cleared:
        decisions.append(
            Decision(None, "speed_work_cleared", f"no tightness after your last {k} runs: speed work may return")
        )
    state = replace(state, speed_work_cleared=cleared)
    severe_at = config.severe_pain_at(limits.during)
    severe = next((d for d in reversed(new) if d.run_pain is not None and d.run_pain >= severe_at), None)
    if severe is not None:
        state, severe_decisions = _severe_run(plan, state, severe, as_of, limits, config)
        return state, decisions + severe_decisions
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


def _severe_run(
    plan: Plan, state: PlanState, log: DayLog, as_of: dt.date, limits: PainLimits, config: RulesConfig
) -> tuple[PlanState, list[Decision]]:
    """A run at the severe threshold (the same as an exercise's): no more running that week (a walk or
    cross-training instead), next week lowered to `config.severe_run_next_week_fraction` of the painful week, no speed
    work, the red-flag questions asked again and a linked physio told."""
    assert log.run_pain is not None
    week = (log.date - plan.start).days // 7
    reason = (
        f"your run on {day_text(log.date)} hurt {log.run_pain}/10, far above your limit of {limits.during}: no more "
        "running this week (walk or cross-train instead, if that does not hurt), less running next week, and the "
        "questions about warning signs come again at your next check"
    )
    state = pause_running(plan, state, log.date + dt.timedelta(days=1), reason)
    painful_week = plan.weeks[week].running.target_distance if 0 <= week < len(plan.weeks) else 0.0
    if painful_week > 0:
        lowered = math.floor(painful_week * config.severe_run_next_week_fraction * 10 + 1e-9) / 10
        state = cut_running(state, plan.start + dt.timedelta(weeks=week + 1), lowered, reason)
    state = hold_speed(plan, state, as_of)
    state = replace(
        state,
        recheck_red_flags=True,
        attention=(*state.attention, f"run on {day_text(log.date)}: pain {log.run_pain}/10, limit {limits.during}"),
    )
    return state, [Decision(None, "running_hold", reason)]


def pause_running(plan: Plan, state: PlanState, first_day: dt.date, reason: str) -> PlanState:
    """No runs from `first_day` to the end of its plan week (joined to a pause that already reaches it)."""
    week_end = plan.start + dt.timedelta(weeks=(first_day - plan.start).days // 7 + 1)
    if first_day >= week_end:
        return state
    since, until = iso_date(state.run_pause_from), iso_date(state.run_pause_until)
    if since is not None and until is not None and since <= first_day <= until:
        first_day, week_end = since, max(until, week_end)
    return replace(
        state, run_pause_from=first_day.isoformat(), run_pause_until=week_end.isoformat(), run_pause_reason=reason
    )


def cut_running(state: PlanState, week_start: dt.date, distance: float, reason: str) -> PlanState:
    """The plan week starting `week_start` runs at most `distance`; a lower cut of the same week stays."""
    if (
        state.running_cut_from == week_start.isoformat()
        and state.running_cut_to is not None
        and state.running_cut_to <= distance
    ):
        return state
    return replace(state, running_cut_from=week_start.isoformat(), running_cut_to=distance, running_cut_reason=reason)
