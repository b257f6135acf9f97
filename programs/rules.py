"""The progression rules: what the pain log, the day log and the stage checklists change in the plan. Pure.

`evaluate` reads everything logged up to `as_of` and returns a new PlanState plus the decisions with their reasons;
the lead regenerates the plan from that state. It is idempotent: logs already applied (`reviewed_through`) are not
applied twice, so calling it after every logged session is safe.

Pain rules (docs/clinical-sources.md §5; docs/design.md §5), per exercise, over its newly logged sessions:
- regress one step (the previous dose, or the catalogue's easier variant at the first dose) when pain passed the
  program limit, next-morning pain rose, or a flare was reported (Silbernagel 2007; Aspetar);
- hold (no step up) when pain sat in the acceptable zone, above `zone_ok_max` but within the limit, or a session was
  not completed as prescribed (bim.physio zones; Silbernagel 2007);
- otherwise progress: a hold is lifted and the projection moves on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from exercises.catalogue import Catalogue

from .domain import DayLog, ExerciseAdjustment, ExerciseLog, Item, PainLimits, Plan, PlanState
from .pathways import Pathway, phase_slots
from .rules_config import DEFAULT_CONFIG, RulesConfig

__all__ = ["DEFAULT_CONFIG", "Decision", "RulesConfig", "default_pain_limits", "evaluate"]

_NO_ANSWERS: Mapping[str, Mapping[str, bool]] = MappingProxyType({})

Action = Literal["progress", "hold", "regress", "phase_hold", "phase_advance", "speed_work_cleared", "running_hold"]


@dataclass(frozen=True)
class Decision:
    exercise: str | None
    action: Action
    reason: str


def default_pain_limits(pathway: Pathway) -> PainLimits:
    """The pathway's own thresholds before any physio edit: 5/10 settled by next morning for overuse and tendon pain
    (Silbernagel 2007), 2/10 for an acute strain (Aspetar), 3/10 for a pain-free runner (house default)."""
    return pathway.pain_limits


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.isoformat()}"


def _iso(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# ---------------------------------------------------------------- pain rules per exercise


def _morning_rise(log: ExerciseLog, mornings: Mapping[dt.date, int]) -> tuple[int, int] | None:
    """(before, after) if the morning after the session hurt more than the latest morning on or before it."""
    after = mornings.get(log.date + dt.timedelta(days=1))
    if after is None:
        return None
    earlier = [d for d in mornings if d <= log.date]
    before = mornings[max(earlier)] if earlier else 0
    return (before, after) if after > before else None


def _verdict(
    logs: Sequence[ExerciseLog], mornings: Mapping[dt.date, int], flare: dt.date | None, limits: PainLimits
) -> tuple[Action, str]:
    for log in logs:
        if log.pain_during is not None and log.pain_during > limits.during:
            return (
                "regress",
                f"regressed: pain {log.pain_during}/10 during it on {_day(log.date)}, limit {limits.during}",
            )
        if log.pain_after is not None and log.pain_after > limits.after:
            return "regress", f"regressed: pain {log.pain_after}/10 after it on {_day(log.date)}, limit {limits.after}"
        rise = _morning_rise(log, mornings) if limits.morning_must_settle else None
        if rise is not None:
            return "regress", f"regressed: next-morning pain rose from {rise[0]} to {rise[1]}/10 after {_day(log.date)}"
    if flare is not None:
        return "regress", f"regressed: a flare-up was reported on {_day(flare)}"
    for log in logs:
        if not log.completed_as_prescribed:
            return "hold", f"held: the session on {_day(log.date)} was not completed as prescribed"
        worst = max(log.pain_during or 0, log.pain_after or 0)
        if worst > limits.zone_ok_max:
            return "hold", (
                f"held: pain {worst}/10 on {_day(log.date)}, within the limit of {limits.during} but above "
                f"{limits.zone_ok_max}; steps up again when it stays at {limits.zone_ok_max} or less"
            )
    return "progress", (
        f"on track: done as prescribed with pain at {limits.zone_ok_max}/10 or less and next-morning pain settled"
    )


def _plan_item(plan: Plan, slot: str, on_or_before: dt.date) -> Item | None:
    """The latest planned occurrence filling `slot` (the exercise itself or its easier variant) on or before a date."""
    found: Item | None = None
    for week in plan.weeks:
        for day in week.days:
            if day.date > on_or_before:
                return found
            for session in day.sessions:
                for item in session.items:
                    if item.slot == slot:
                        found = item
    return found


def _apply(
    action: Action,
    reason: str,
    adj: ExerciseAdjustment,
    current: Item | None,
    last_log: dt.date,
    easier: str | None,
) -> ExerciseAdjustment:
    tomorrow = (last_log + dt.timedelta(days=1)).isoformat()
    reviewed = last_log.isoformat()
    step = current.step if current is not None else 0
    if action == "progress":
        if not adj.hold:
            return replace(adj, reviewed_through=reviewed)
        raw = current.scheduled_step if current is not None else step
        held = adj.held_at if adj.held_at is not None else step
        # From here the projection climbs again from the held step: steps_back absorbs the weeks spent on hold.
        return replace(
            adj, hold=False, held_at=None, steps_back=max(0, raw - held), reason=reason, reviewed_through=reviewed
        )
    if action == "hold":
        return replace(adj, hold=True, held_at=step, since=tomorrow, reason=reason, reviewed_through=reviewed)
    if step > 0:
        return replace(adj, hold=True, held_at=step - 1, since=tomorrow, reason=reason, reviewed_through=reviewed)
    if easier is not None:
        return replace(
            adj,
            hold=True,
            held_at=0,
            variant=easier,
            since=tomorrow,
            reason=f"{reason}; switched to the easier variant",
            reviewed_through=reviewed,
        )
    return replace(
        adj,
        hold=True,
        held_at=0,
        since=tomorrow,
        reason=f"{reason}; already at the easiest dose: if it keeps hurting, see your physio",
        reviewed_through=reviewed,
    )


def _exercise_rules(
    *,
    plan: Plan,
    state: PlanState,
    exercise_logs: Sequence[ExerciseLog],
    day_logs: Sequence[DayLog],
    as_of: dt.date,
    pathway: Pathway,
    limits: PainLimits,
    catalogue: Catalogue | None,
) -> tuple[dict[str, ExerciseAdjustment], list[Decision]]:
    adjustments = dict(state.adjustments)
    variant_of = {adj.variant: base for base, adj in adjustments.items() if adj.variant}
    by_base: dict[str, list[ExerciseLog]] = defaultdict(list)
    for log in exercise_logs:
        # Adjustments are keyed by the pathway exercise that was scheduled (maybe an equipment alternative): the
        # slot a stored log carries. A log that names only its exercise is inferred: a variant counts for its slot.
        base = log.slot or variant_of.get(log.exercise) or (log.exercise if log.exercise in pathway.base_of else None)
        if base is not None and log.date <= as_of:
            by_base[base].append(log)
    mornings = {d.date: d.next_morning_pain for d in day_logs if d.next_morning_pain is not None and d.date <= as_of}
    decisions: list[Decision] = []
    for base in sorted(by_base):
        adj = adjustments.get(base, ExerciseAdjustment())
        seen = _iso(adj.reviewed_through)
        new = sorted((log for log in by_base[base] if seen is None or log.date > seen), key=lambda log: log.date)
        if not new:
            continue
        flare = next((d.date for d in day_logs if d.flare and new[0].date <= d.date <= as_of), None)
        action, reason = _verdict(new, mornings, flare, limits)
        current = _plan_item(plan, base, new[-1].date)
        doing = adj.variant or base
        easier = catalogue[doing].easier if catalogue is not None and doing in catalogue else None
        adjustments[base] = _apply(action, reason, adj, current, new[-1].date, easier)
        decisions.append(Decision(base, action, adjustments[base].reason if action != "progress" else reason))
    return adjustments, decisions


# ---------------------------------------------------------------- stage gates


def _stage_gate(
    plan: Plan, state: PlanState, pathway: Pathway, as_of: dt.date, answers: Mapping[str, Mapping[str, bool]]
) -> tuple[PlanState, list[Decision]]:
    """stage_gate: a phase with exit criteria hands over only when every question is answered yes (Aspetar;
    Heiderscheit 2010; Goom 2016: progress by symptoms, not time). Its planned length is a minimum; in its last week
    without all yes it is extended by a week, with the open questions as the reason."""
    if (plan.referral is not None and plan.referral.protect_only) or not plan.weeks:
        return state, []  # held in the first stage until a clinician has cleared the runner
    first = next((i for i, p in enumerate(pathway.phases) if p.slug == plan.weeks[0].phase), 0)
    slots = phase_slots(pathway, len(plan.weeks), state, first=first)
    week = (as_of - plan.start).days // 7
    if not 0 <= week < len(slots):
        return state, []
    slot = slots[week]
    first_of_phase = week - slot.week_in_phase
    candidates = [(slot.phase, first_of_phase, week)]
    if slot.week_in_phase == 0 and week > 0:
        # Not evaluated during the previous stage's last week: it must not hand over unchecked.
        prev = slots[week - 1]
        candidates.insert(0, (prev.phase, week - 1 - prev.week_in_phase, week - 1))
    extra = dict(state.phase_extra_weeks)
    for phase, first, _ in candidates:
        if not phase.exit_criteria or phase is pathway.phases[-1] or phase.slug in state.criteria_met:
            continue
        given = answers.get(phase.slug, {})
        open_questions = [q for q in phase.exit_criteria if given.get(q) is not True]
        end = first + phase.weeks + extra.get(phase.slug, 0)  # first week after the phase
        if not open_questions:
            keep = max(0, week + 1 - first - phase.weeks) if end > week + 1 else extra.get(phase.slug, 0)
            extra[phase.slug] = keep
            new_state = replace(
                state,
                criteria_met=state.criteria_met | {phase.slug},
                phase_extra_weeks=tuple(sorted((k, v) for k, v in extra.items() if v)),
            )
            starts = plan.start + dt.timedelta(weeks=first + phase.weeks + keep)
            return new_state, [
                Decision(None, "phase_advance", f"{phase.name}: checklist all yes; the next stage starts {starts}")
            ]
        if end <= week + 1:
            # In its last week (or found already past its end): the stage runs on through next week. The same
            # target on every call keeps evaluate idempotent.
            new_end = week + 2
            extra[phase.slug] = new_end - first - phase.weeks
            new_state = replace(state, phase_extra_weeks=tuple(sorted((k, v) for k, v in extra.items() if v)))
            return new_state, [
                Decision(
                    None,
                    "phase_hold",
                    f"{phase.name} extended by a week: not yet yes — {'; '.join(open_questions)}",
                )
            ]
    return state, []


# ---------------------------------------------------------------- running


def _running_rules(
    plan: Plan, state: PlanState, day_logs: Sequence[DayLog], as_of: dt.date, config: RulesConfig
) -> tuple[PlanState, list[Decision]]:
    """Speed work returns once tightness after running has subsided in the log (seed 004); tightness or a flare
    holds next week's running distance at this week's level."""
    logs = sorted((d for d in day_logs if d.date <= as_of), key=lambda d: d.date)
    reports = [d.tightness_after_running for d in logs if d.tightness_after_running is not None]
    k = config.speed_clear_runs
    cleared = len(reports) >= k and not any(reports[-k:])
    decisions: list[Decision] = []
    if cleared and not state.speed_work_cleared:
        decisions.append(
            Decision(None, "speed_work_cleared", f"no tightness after your last {k} runs: speed work may return")
        )
    seen = _iso(state.days_reviewed_through)
    new = [d for d in logs if seen is None or d.date > seen]
    state = replace(
        state,
        speed_work_cleared=cleared,
        days_reviewed_through=logs[-1].date.isoformat() if logs else state.days_reviewed_through,
    )
    trigger = next((d for d in reversed(new) if d.flare or d.tightness_after_running), None)
    if trigger is None:
        return state, decisions
    what = "a flare-up" if trigger.flare else "tightness after running"
    reason = f"{what} on {_day(trigger.date)}: no increase until it settles (seed 004)"
    next_week = (as_of - plan.start).days // 7 + 1
    since = _iso(state.running_hold_since)
    first = (since - plan.start).days // 7 if since else 1
    if state.running_hold_weeks and first <= next_week < first + state.running_hold_weeks:
        return replace(state, running_hold_reason=reason), decisions
    if state.running_hold_weeks and first + state.running_hold_weeks == next_week:
        state = replace(state, running_hold_weeks=state.running_hold_weeks + 1, running_hold_reason=reason)
    else:
        start = plan.start + dt.timedelta(weeks=next_week)
        state = replace(state, running_hold_weeks=1, running_hold_since=start.isoformat(), running_hold_reason=reason)
    decisions.append(Decision(None, "running_hold", reason))
    return state, decisions


def evaluate(
    *,
    plan: Plan,
    state: PlanState,
    exercise_logs: Sequence[ExerciseLog],
    day_logs: Sequence[DayLog],
    as_of: dt.date,
    pathway: Pathway,
    pain_limits: PainLimits | None,
    config: RulesConfig = DEFAULT_CONFIG,
    criteria_answers: Mapping[str, Mapping[str, bool]] = _NO_ANSWERS,
    catalogue: Catalogue | None = None,
) -> tuple[PlanState, tuple[Decision, ...]]:
    """Apply the pain, stage-gate and running rules to everything logged up to `as_of`; returns the new state and
    the decisions with plain-language reasons. Pass `catalogue` to let a regression switch to an easier variant.
    A plan that needs a clinician is never progressed (docs/design.md §5)."""
    if plan.status != "active":
        return state, ()
    limits = pain_limits or default_pain_limits(pathway)
    adjustments, decisions = _exercise_rules(
        plan=plan,
        state=state,
        exercise_logs=exercise_logs,
        day_logs=day_logs,
        as_of=as_of,
        pathway=pathway,
        limits=limits,
        catalogue=catalogue,
    )
    state = replace(state, exercise_adjustments=tuple(sorted(adjustments.items())))
    state, gate = _stage_gate(plan, state, pathway, as_of, criteria_answers)
    state, running = _running_rules(plan, state, day_logs, as_of, config)
    return state, (*decisions, *gate, *running)
