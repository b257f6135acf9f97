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
from dataclasses import replace
from types import MappingProxyType

from exercises.catalogue import Catalogue
from programs.clinical.config import DEFAULT_CONFIG, RulesConfig
from programs.clinical.day_rules import morning_rules, red_flags_reported, running_rules
from programs.clinical.pathways import Pathway
from programs.clinical.rules_types import Action, Decision, day_text, iso_date
from programs.clinical.run_cuts import missed_runs_rule
from programs.clinical.severe_pain import after_severe_pain
from programs.clinical.stage_gates import stage_gate
from programs.clinical.types import DayLog, ExerciseAdjustment, ExerciseLog, Item, PainLimits, Plan, PlanState

__all__ = ["DEFAULT_CONFIG", "Decision", "RulesConfig", "default_pain_limits", "evaluate"]

_NO_ANSWERS: Mapping[str, Mapping[str, bool]] = MappingProxyType({})


def default_pain_limits(pathway: Pathway) -> PainLimits:
    """The pathway's own thresholds before any physio edit: 5/10 settled by next morning for overuse and tendon pain
    (Silbernagel 2007), 2/10 for an acute strain (Aspetar), 3/10 for a pain-free runner (house default)."""
    return pathway.pain_limits


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
    logs: Sequence[ExerciseLog],
    mornings: Mapping[dt.date, int],
    flare: dt.date | None,
    limits: PainLimits,
    config: RulesConfig,
) -> tuple[Action, str]:
    severe_at = config.severe_pain_at(limits.during)
    for log in logs:
        worst = max(log.pain_during or 0, log.pain_after or 0)
        if worst >= severe_at:
            return "pause", (
                f"paused: pain {worst}/10 on {day_text(log.date)}, far above your limit of {limits.during}; it comes "
                "back one step easier once you have tried it gently without pain"
            )
    for log in logs:
        if log.pain_during is not None and log.pain_during > limits.during:
            return (
                "regress",
                f"regressed: pain {log.pain_during}/10 during it on {day_text(log.date)}, limit {limits.during}",
            )
        if log.pain_after is not None and log.pain_after > limits.after:
            return (
                "regress",
                f"regressed: pain {log.pain_after}/10 after it on {day_text(log.date)}, limit {limits.after}",
            )
        rise = _morning_rise(log, mornings) if limits.morning_must_settle else None
        if rise is not None:
            return (
                "regress",
                f"regressed: next-morning pain rose from {rise[0]} to {rise[1]}/10 after {day_text(log.date)}",
            )
    if flare is not None:
        return "regress", f"regressed: a flare-up was reported on {day_text(flare)}"
    for log in logs:
        if not log.completed_as_prescribed:
            return "hold", f"held: the session on {day_text(log.date)} was not completed as prescribed"
        worst = max(log.pain_during or 0, log.pain_after or 0)
        if worst > limits.zone_ok_max:
            return "hold", (
                f"held: pain {worst}/10 on {day_text(log.date)}, within the limit of {limits.during} but above "
                f"{limits.zone_ok_max}; steps up again when it stays at {limits.zone_ok_max} or less"
            )
    settled = any(log.date + dt.timedelta(days=1) in mornings for log in logs)
    return "progress", (
        f"on track: done as prescribed with pain at {limits.zone_ok_max}/10 or less"
        + (" and next-morning pain settled" if settled else "")
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
    """The new adjustment of one slot. Stepping back goes one step down the progression; at its first step to the
    catalogue's easier version when the runner can do it here, otherwise to less of the same exercise (`reduced`)."""
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
    if action in ("hold", "missed"):
        return replace(adj, hold=True, held_at=step, since=tomorrow, reason=reason, reviewed_through=reviewed)
    back = replace(adj, hold=True, since=tomorrow, reviewed_through=reviewed, paused=action == "pause")
    # A pause's reason already says it comes back one step easier; what that step is belongs to the day it resumes,
    # not to a line that would read as if the exercise went on.
    pausing = action == "pause"
    if step > 0:
        return replace(back, held_at=step - 1, reason=reason)
    if easier is not None:
        suffix = "" if pausing else "; switched to an easier version"
        return replace(back, held_at=0, variant=easier, reduced=False, reason=reason + suffix)
    if not adj.reduced:
        suffix = "" if pausing else "; there is no easier version you can do here, so you do less of it"
        return replace(back, held_at=0, reduced=True, reason=reason + suffix)
    suffix = "" if pausing else "; already at the lowest dose: if it keeps hurting, see your physio"
    return replace(back, held_at=0, reason=reason + suffix)


def _usable_easier(
    doing: str, catalogue: Catalogue | None, equipment: frozenset[str] | None, forbidden: frozenset[str]
) -> str | None:
    """The nearest easier version in the catalogue that the runner has the equipment for and the stage allows."""
    seen: set[str] = set()
    spec = catalogue.by_slug.get(doing) if catalogue is not None else None
    while spec is not None and spec.easier is not None and spec.easier not in seen:
        assert catalogue is not None
        seen.add(spec.easier)
        spec = catalogue.by_slug.get(spec.easier)
        if (
            spec is not None
            and (equipment is None or spec.equipment <= equipment)
            and not spec.contraindications & forbidden
        ):
            return spec.slug
    return None


def _forbidden(plan: Plan, pathway: Pathway, date: dt.date) -> frozenset[str]:
    week = (date - plan.start).days // 7
    phase = plan.weeks[week].phase if 0 <= week < len(plan.weeks) else None
    tags = next((p.forbidden_tags for p in pathway.phases if p.slug == phase), frozenset())
    restricted = frozenset(plan.referral.restrictions) if plan.referral is not None else frozenset()
    return tags | restricted | {"red_flag"}


def _resume_paused(
    adjustments: dict[str, ExerciseAdjustment], day_logs: Sequence[DayLog], as_of: dt.date
) -> list[Decision]:
    """A paused exercise comes back (one step easier, as paused) after a day log says it was tried without pain."""
    decisions = []
    for slot, adj in sorted(adjustments.items()):
        since = iso_date(adj.since)
        check = next(
            (
                d
                for d in day_logs
                if adj.paused and d.pain_free_check and since is not None and since <= d.date <= as_of
            ),
            None,
        )
        if check is not None:
            reason = f"back after a pain-free try on {day_text(check.date)}, one step easier than before the pause"
            adjustments[slot] = replace(
                adj, paused=False, since=(check.date + dt.timedelta(days=1)).isoformat(), reason=reason
            )
            decisions.append(Decision(slot, "resume", reason))
    return decisions


def _missed_sessions(
    plan: Plan,
    state: PlanState,
    adjustments: dict[str, ExerciseAdjustment],
    logged: set[tuple[dt.date, str]],
    as_of: dt.date,
    pathway: Pathway,
) -> list[Decision]:
    """A planned session whose day has passed without a log earns nothing: its exercise is held at that step until a
    logged session says otherwise (progression needs logged completions). Only exercises whose dose progresses."""
    after = iso_date(state.missed_reviewed_through) or plan.start - dt.timedelta(days=1)
    missed: dict[str, tuple[dt.date, Item]] = {}
    for week in plan.weeks:
        for day in week.days:
            if not after < day.date < as_of:
                continue
            for session in day.sessions:
                for item in session.items:
                    adj = adjustments.get(item.slot)
                    if (
                        item.slot in pathway.progressing
                        and (day.date, item.slot) not in logged
                        and not (adj and adj.paused)
                    ):
                        missed.setdefault(item.slot, (day.date, item))
    decisions = []
    for slot, (date, item) in sorted(missed.items()):
        adj = adjustments.get(slot, ExerciseAdjustment())
        if adj.hold and adj.held_at is not None and adj.held_at <= item.step:
            continue
        reason = f"held: the session on {day_text(date)} was not logged; it steps up after a logged session"
        adjustments[slot] = _apply("missed", reason, adj, item, date, None)
        decisions.append(Decision(slot, "missed", reason))
    return decisions


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
    config: RulesConfig,
    equipment: frozenset[str] | None,
) -> tuple[dict[str, ExerciseAdjustment], list[Decision]]:
    adjustments = dict(state.adjustments)
    decisions = _resume_paused(adjustments, day_logs, as_of)
    variant_of = {adj.variant: base for base, adj in adjustments.items() if adj.variant}
    by_base: dict[str, list[ExerciseLog]] = defaultdict(list)
    for log in exercise_logs:
        # Adjustments are keyed by the pathway exercise that was scheduled (maybe an equipment alternative): the
        # slot a stored log carries. A log that names only its exercise is inferred: a variant counts for its slot.
        base = log.slot or variant_of.get(log.exercise) or (log.exercise if log.exercise in pathway.base_of else None)
        # Only the pathway's exercises progress: a run logged with a session is not a slot of its own.
        if base is not None and base in pathway.base_of and log.date <= as_of:
            by_base[base].append(log)
    logged = {(log.date, base) for base, logs in by_base.items() for log in logs}
    decisions += _missed_sessions(plan, state, adjustments, logged, as_of, pathway)
    mornings = {d.date: d.next_morning_pain for d in day_logs if d.next_morning_pain is not None and d.date <= as_of}
    for base in sorted(by_base):
        adj = adjustments.get(base, ExerciseAdjustment())
        seen = iso_date(adj.reviewed_through)
        new = sorted((log for log in by_base[base] if seen is None or log.date > seen), key=lambda log: log.date)
        if not new:
            continue
        flare = next((d.date for d in day_logs if d.flare and new[0].date <= d.date <= as_of), None)
        action, reason = _verdict(new, mornings, flare, limits, config)
        current = _plan_item(plan, base, new[-1].date)
        easier = _usable_easier(adj.variant or base, catalogue, equipment, _forbidden(plan, pathway, new[-1].date))
        adjustments[base] = _apply(action, reason, adj, current, new[-1].date, easier)
        decisions.append(Decision(base, action, adjustments[base].reason if action != "progress" else reason))
    return adjustments, decisions


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
    equipment: frozenset[str] | None = None,
    red_flags_answered: bool = False,
) -> tuple[PlanState, tuple[Decision, ...]]:
    """Apply the red-flag, pain, missed-session, stage-gate, morning and running rules to everything logged up to
    `as_of`; returns the new state and the decisions with plain-language reasons. Pass `catalogue` (and the runner's
    `equipment`) to let a step back switch to an easier version the runner can do. Sessions before `as_of` without a
    log count as not done. A plan that needs a clinician is never progressed (docs/design.md §5).
    `red_flags_answered`: this evaluation follows an answer to the red-flag questions (ends a pending re-check)."""
    if plan.status != "active":
        return state, ()
    limits = pain_limits or default_pain_limits(pathway)
    days = sorted((d for d in day_logs if d.date <= as_of), key=lambda d: d.date)
    new_days = _unread_days(state, days, as_of, config)
    state, flags = red_flags_reported(state, days, answered=red_flags_answered)
    adjustments, decisions = _exercise_rules(
        plan=plan,
        state=state,
        exercise_logs=exercise_logs,
        day_logs=days,
        as_of=as_of,
        pathway=pathway,
        limits=limits,
        catalogue=catalogue,
        config=config,
        equipment=equipment,
    )
    state = replace(
        state,
        exercise_adjustments=tuple(sorted(adjustments.items())),
        missed_reviewed_through=max(as_of - dt.timedelta(days=1), plan.start - dt.timedelta(days=1)).isoformat(),
    )
    state, strain = after_severe_pain(
        plan, state, [d for d in decisions if d.action == "pause"], as_of, pathway, catalogue
    )
    state, gate = stage_gate(plan, state, pathway, as_of, criteria_answers)
    state, mornings = morning_rules(plan, state, days, new_days, limits, config)
    state, running = running_rules(plan, state, days, new_days, as_of, limits, config)
    state, missed_runs = missed_runs_rule(plan, state, days, as_of, config)
    if days:
        state = replace(
            state, days_reviewed_through=days[-1].date.isoformat(), reviewed_days=_fingerprints(days, as_of, config)
        )
    return state, (*flags, *decisions, *strain, *gate, *mornings, *running, *missed_runs)


def _fingerprint(day: DayLog) -> str:
    values = (
        day.next_morning_pain,
        day.stiffness,
        day.flare,
        day.tightness_after_running,
        day.ran_distance,
        day.run_pain,
        sorted(day.red_flags),
        day.pain_free_check,
    )
    return f"{day.date.isoformat()}={values!r}"


def _fingerprints(days: Sequence[DayLog], as_of: dt.date, config: RulesConfig) -> tuple[str, ...]:
    return tuple(_fingerprint(d) for d in days if (as_of - d.date).days <= config.reread_day_logs_days)


def _unread_days(state: PlanState, days: Sequence[DayLog], as_of: dt.date, config: RulesConfig) -> list[DayLog]:
    """Day logs after the last one reviewed, and recent ones that are new or changed since the rules read that far
    (a morning check or a run added to a day the rules had already passed)."""
    seen = iso_date(state.days_reviewed_through)
    read = {entry.split("=", 1)[0]: entry for entry in state.reviewed_days}
    return [
        d
        for d in days
        if seen is None
        or d.date > seen
        or ((as_of - d.date).days <= config.reread_day_logs_days and read.get(d.date.isoformat()) != _fingerprint(d))
    ]
