"""Plans: create one from an intake, re-run the rules after something was logged, move a plan onto new versions.

Every change to a plan's future is written as decisions (`PlanChange`, one per decision) with the concrete item
changes attached, and every change of the rules' state keeps the state it replaced (`PlanStateChange`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.fields.json import KT
from django.utils import timezone

from accounts.models import RunnerProfile, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical import types as domain
from programs.clinical.config import RulesConfig
from programs.clinical.contract import intake_from_dict
from programs.clinical.decisions import PlansAround, SlotChange, decision_rows
from programs.clinical.edits import NO_EDITS, ProgramEdits, edits_to_dict
from programs.clinical.pathways import choose_pathway
from programs.clinical.replan import replan
from programs.clinical.state_json import config_from_dict, config_to_dict, state_from_dict, state_to_dict
from programs.models import DayLog, Intake, Plan, PlanChange, PlanStateChange, SessionLog
from programs.reminders.dispatch import reminders_reschedule_after_commit
from programs.reminders.news import reminders_plan_changed
from programs.reminders.times import zone_or_utc
from programs.selectors.plans import StoredPlan, plan_read
from programs.services.generation import (
    catalogue_version_latest,
    edits_of,
    generate_for,
    pathway_version_current,
    pinned_inputs,
    rules_config,
)
from programs.services.intakes import intake_record
from programs.services.plan_cache import runner_plans_cache_replace
from programs.services.plan_sync import persist_plan_body, sync_future, sync_future_report
from programs.services.revisions import plan_locked, plan_revision_bump


@transaction.atomic
def plan_create(
    *,
    intake: Intake,
    start: dt.date,
    weeks: int,
    pathway: str | None = None,
    pain_limits: domain.PainLimits | None = None,
    edits: ProgramEdits = NO_EDITS,
) -> Plan:
    """Generate a plan from the intake and persist it in a fixed number of queries, pinned to the latest loaded
    catalogue, the current pathway template and the rules config of the settings.

    `pathway`, `pain_limits` and `edits` are a physio's choice (`programs.services.assign`); without them the rules
    choose from the intake. The plan keeps them, so every replan regenerates it on them (`generate_for`).
    A red flag gives a plan with status needs_clinician, its referral, and no prescriptions (docs/design.md §5).
    """
    runner_intake = intake_from_dict(intake.data)
    slug = pathway or choose_pathway(runner_intake)[0]
    plan = Plan(
        runner=intake.runner,
        intake=intake,
        start=start,
        weeks=weeks,
        pathway=slug,
        pathway_version=pathway_version_current(slug),
        catalogue_version=catalogue_version_latest(),
        state=state_to_dict(domain.INITIAL_STATE),
        pain_limits=dataclasses.asdict(pain_limits) if pain_limits else None,
        program_edits=edits_to_dict(edits),
        rules_config=config_to_dict(rules_config()),
    )
    generated = generate_for(plan, runner_intake, state=domain.INITIAL_STATE)
    plan.status = generated.status
    plan.referral = dataclasses.asdict(generated.referral) if generated.referral else None
    plan.pathway_reason = generated.pathway_reason
    plan.pain_limits = dataclasses.asdict(generated.pain_limits) if generated.pain_limits else None
    plan.save()
    persist_plan_body(plan, generated.weeks)
    reminders_reschedule_after_commit(plan.runner_id)
    return plan


@transaction.atomic
def plan_start(
    *,
    intake: Intake,
    start: dt.date,
    weeks: int,
    pathway: str | None = None,
    pain_limits: domain.PainLimits | None = None,
    edits: ProgramEdits = NO_EDITS,
) -> Plan:
    """A plan from a stored intake (`plan_create`), which becomes its runner's one current plan. Earlier plans end as
    they were: their logs and decisions stay, and no rule touches them again."""
    runner = intake.runner
    # One plan start per runner at a time: two at once would each end the other plans and leave two current.
    User.objects.select_for_update().filter(pk=runner.pk).first()
    Plan.objects.filter(runner=runner).exclude(status=PlanStatus.ENDED).update(
        status=PlanStatus.ENDED, revision=F("revision") + 1
    )
    # The units the runner answered in are theirs from now on (the calendar feed and Settings read the profile).
    RunnerProfile.objects.filter(user=runner).update(units=intake.data["units"])
    runner_plans_cache_replace(runner.pk, at_commit_only=True)  # the API read cache: ended plans, units
    return plan_create(intake=intake, start=start, weeks=weeks, pathway=pathway, pain_limits=pain_limits, edits=edits)


@transaction.atomic
def plan_start_from_intake(*, runner: User, data: Mapping[str, Any], start: dt.date, weeks: int) -> Plan:
    """A new intake version (validated by IntakeSerializer) and its plan, which becomes the runner's one current plan
    (`plan_start`)."""
    return plan_start(intake=intake_record(runner=runner, data=data), start=start, weeks=weeks)


def _history(
    plan: Plan, stored: StoredPlan
) -> tuple[list[domain.ExerciseLog], list[domain.DayLog], dict[str, dict[str, bool]]]:
    exercise_logs = [
        domain.ExerciseLog(
            date=session.date,
            exercise=item.exercise,
            completed_as_prescribed=log.completed_as_prescribed,
            pain_during=log.pain_during,
            pain_after=log.pain_after,
            slot=item.slot,
        )
        for log, item, session in stored.exercise_logs()
    ]
    day_logs = [
        domain.DayLog(
            date=d.date,
            next_morning_pain=d.next_morning_pain,
            stiffness=d.stiffness,
            flare=d.flare,
            tightness_after_running=d.tightness_after_running,
            ran_distance=float(d.ran_distance) if d.ran_distance is not None else None,
            run_pain=d.run_pain,
            red_flags=frozenset(d.red_flags or ()),
            pain_free_check=d.pain_free_check,
        )
        for d in DayLog.objects.filter(runner_id=plan.runner_id, date__gte=plan.start).order_by("date")
    ]
    answers = {check.phase: check.answers for check in plan.stage_checks.order_by("created_at")}
    return exercise_logs, day_logs, answers


def plan_replan(
    plan: Plan,
    *,
    as_of: dt.date,
    cause_log: SessionLog | None = None,
    author: User | None = None,
    history_through: dt.date | None = None,
    revision_raised: bool = True,
    red_flags_answered: bool = False,
) -> list[PlanChange]:
    """Evaluate the rules over everything logged so far and apply the result to the unlogged future, once.

    Reads the stored plan (rows, not a regeneration), evaluates with its pinned rules config, regenerates from the
    pinned versions with the new state, and writes one PlanChange per decision with its concrete item changes. Sessions up to `history_through`
    (default: `as_of`, the day something was logged) and logged sessions stay as they were. Runs inside the
    caller's transaction, with the plan row locked by the caller. Nothing is written when the rules' state stays
    the same. `revision_raised=False` (the caller locked the plan with `raise_revision=False`): the revision rises
    here, and only when rows, the status or the referral changed, so a phone's cached copy (ETag) stays valid
    while the plan it shows does. `red_flags_answered`: the log being replanned answered the red-flag questions.
    """
    history_through = history_through or as_of
    if plan.status != PlanStatus.ACTIVE or not plan.pathway:
        return []
    stored = plan_read(plan, derived=False)
    state = state_from_dict(plan.state)
    exercise_logs, day_logs, answers = _history(plan, stored)
    catalogue, pinned_pathways, config = pinned_inputs(plan)
    intake = intake_from_dict(plan.intake.data)
    current = stored.to_domain()
    result = replan(
        current=current,
        weeks=plan.weeks,
        state=state,
        intake=intake,
        exercise_logs=exercise_logs,
        day_logs=day_logs,
        answers=answers,
        as_of=as_of,
        catalogue=catalogue,
        pathways=pinned_pathways,
        config=config,
        edits=edits_of(plan),
        red_flags_answered=red_flags_answered,
    )
    if result is None:
        return []
    new_state, decisions, regenerated = result.state, result.decisions, result.plan
    transition = PlanStateChange.objects.create(
        plan=plan, as_of=as_of, before=plan.state, after=state_to_dict(new_state)
    )
    # A red flag reported at a day log stops the plan or adds an advisory; advice from the rules is added too.
    shown_before = _shown_fields(plan)
    plan.state, plan.status = transition.after, regenerated.status
    plan.referral = dataclasses.asdict(regenerated.referral) if regenerated.referral else None
    plan.save(update_fields=["state", "status", "referral"])
    synced = sync_future_report(plan, regenerated, stored, after=history_through)
    if not revision_raised and (synced.wrote or _shown_fields(plan) != shown_before):
        plan_revision_bump(plan.pk)
        reminders_reschedule_after_commit(plan.runner_id)
    changes = synced.changes
    effective = history_through + dt.timedelta(days=1)
    names = {e.slug: e.name for e in catalogue.exercises}
    # One INSERT per decision: a handful of rows, and faster than bulk_create's UNNEST for large JSON values.
    created = [
        PlanChange.objects.create(
            plan=plan,
            kind=row.kind,
            exercise=row.exercise,
            effective_from=effective,
            reason=row.reason,
            rule=row.rule,
            before=row.before,
            after=row.after,
            item_changes=row.item_changes,
            cause_log=cause_log,
            author=author,
            state_change=transition,
        )
        for row in decision_rows(
            decisions, state, new_state, changes, names, PlansAround(current, regenerated, history_through)
        )
    ]
    reminders_plan_changed(plan=plan, changes=created, now=timezone.now())
    return created


def _shown_fields(plan: Plan) -> str:
    """The plan row's fields a replan may change that clients read, comparable whether read back from the JSON
    column (lists) or just built by `dataclasses.asdict` (tuples)."""
    return json.dumps([plan.status, plan.referral], sort_keys=True)


@transaction.atomic
def plan_replan_on(*, plan_id: int, as_of: dt.date) -> list[PlanChange]:
    """Re-run the rules on a day with nothing new logged: sessions before it without a log count as missed, and
    that day and the coming weeks are projected from what was earned. Does nothing twice for the same day, and
    writes nothing (not even the revision) when nothing changes."""
    plan = plan_locked(plan_id, raise_revision=False)
    if plan.start > as_of:
        return []
    return plan_replan(plan, as_of=as_of, history_through=as_of - dt.timedelta(days=1), revision_raised=False)


def _plans_due(*, now: dt.datetime, plan_ids: Sequence[int] | None = None) -> list[tuple[int, dt.date]]:
    """The active plans the rules have not looked at yet on their runner's today, each with that date, in one query.

    Every evaluation on a day records the day before it as reviewed for missed sessions
    (`PlanState.missed_reviewed_through`), and the rules give the same answer for the same day and the same logs
    (each log replans its plan itself), so a plan reviewed through yesterday has nothing for the sweep until
    tomorrow. Plans that have not started, or have no pathway, are left to the day they have one."""
    plans = Plan.objects.filter(status=PlanStatus.ACTIVE).exclude(pathway="")
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    rows = plans.order_by("pk").values_list(
        "pk", "start", "runner__runner_profile__timezone", KT("state__missed_reviewed_through")
    )
    due = []
    for plan_id, start, timezone_name, reviewed_through in rows:
        today = now.astimezone(zone_or_utc(timezone_name)).date()
        yesterday = today - dt.timedelta(days=1)
        if start <= today and (reviewed_through is None or dt.date.fromisoformat(reviewed_through) < yesterday):
            due.append((plan_id, today))
    return due


def _enqueue_default(plan_ids: list[int]) -> None:
    from programs.tasks import plans_replan

    plans_replan.delay_on_commit(plan_ids)


def plans_replan_for_today(*, now: dt.datetime, enqueue: Callable[[list[int]], None] | None = None) -> int:
    """Hourly (Celery beat): queue the plans due a replan on their runner's local date (`_plans_due`), in
    chunks of REPLAN_CHUNK_SIZE, so the workers share them and each runner's day is picked up within an hour of
    their midnight. Returns how many plans it queued. A chunk lost on the way stays due and is queued next hour."""
    enqueue = enqueue or _enqueue_default
    plan_ids = [plan_id for plan_id, _ in _plans_due(now=now)]
    size = settings.REPLAN_CHUNK_SIZE
    for first in range(0, len(plan_ids), size):
        enqueue(plan_ids[first : first + size])
    return len(plan_ids)


def plans_replan(*, plan_ids: Sequence[int], now: dt.datetime) -> int:
    """One chunk of the hourly sweep: each plan still due is evaluated on its runner's local date, in its own
    transaction (`plan_replan_on`). A chunk run twice, or after a log replanned one of its plans, finds them no longer
    due in one query. Returns how many plans changed."""
    changed = 0
    for plan_id, today in _plans_due(now=now, plan_ids=plan_ids):
        changed += bool(plan_replan_on(plan_id=plan_id, as_of=today))
    return changed


@transaction.atomic
def plan_upgrade(*, plan: Plan, as_of: dt.date, by: User | None = None) -> PlanChange | None:
    """Move a plan onto the latest loaded catalogue, the current pathway template and the rules config of the
    settings, from the day after `as_of`.

    What was logged, and every session up to `as_of`, stays as it was. The rules' state carries over. Returns the
    `upgrade` decision with the concrete item changes (its before and after name the versions, and the rules that
    changed), or None when the plan already uses the latest versions and config.
    """
    plan = plan_locked(plan.pk)
    if plan.status == PlanStatus.ENDED:
        raise ValidationError({"plan": "This plan has ended; it is kept as it was."})
    catalogue_version = catalogue_version_latest()
    pathway_version = pathway_version_current(plan.pathway)
    config, pinned = rules_config(), config_from_dict(plan.rules_config)
    before = _versions(plan)
    versions_moved = (plan.catalogue_version_id, plan.pathway_version_id) != (catalogue_version.pk, pathway_version.pk)
    if not versions_moved and config == pinned:
        return None
    stored = plan_read(plan, derived=False)
    plan.catalogue_version, plan.pathway_version = catalogue_version, pathway_version
    plan.rules_config = config_to_dict(config)
    plan.save(update_fields=["catalogue_version", "pathway_version", "rules_config"])
    changes: list[SlotChange] = []
    if plan.status == PlanStatus.ACTIVE:
        regenerated = generate_for(plan, intake_from_dict(plan.intake.data), state=state_from_dict(plan.state))
        changes = sync_future(plan, regenerated, stored, after=as_of)
    after = _versions(plan)
    if config != pinned:  # which rules moved, from what to what: upgrade_plans prints it and the decision keeps it
        before["rules"], after["rules"] = _rules_changed(pinned, config)
    return PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.UPGRADE,
        effective_from=as_of + dt.timedelta(days=1),
        reason=_upgrade_reason(versions_moved=versions_moved, rules_moved=config != pinned, changes=len(changes)),
        rule="upgrade",
        before=before,
        after=after,
        item_changes=[c.change for c in changes],
        author=by,
    )


def _versions(plan: Plan) -> dict[str, Any]:
    return {
        "pathway_version": plan.pathway_version.number if plan.pathway_version else None,
        "catalogue_version": plan.catalogue_version.number if plan.catalogue_version else None,
    }


def _rules_changed(old: RulesConfig, new: RulesConfig) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rules config values that differ, before and after."""
    before, after = config_to_dict(old), config_to_dict(new)
    names = [name for name in after if before.get(name) != after[name]]
    return {name: before.get(name) for name in names}, {name: after[name] for name in names}


def _upgrade_reason(*, versions_moved: bool, rules_moved: bool, changes: int) -> str:
    what = " and ".join(
        part
        for part, moved in (
            ("the latest version of its program and exercise library", versions_moved),
            ("the current training rules", rules_moved),
        )
        if moved
    )
    outcome = f": {changes} coming items changed." if changes else "; your coming sessions stay the same."
    return f"Your plan now follows {what}{outcome}"
