"""A runner (or their linked physio) swaps an exercise for one of the alternatives its pathway item lists.

The choice is kept in the rules' state (`PlanState.swaps`), so every later replan, which regenerates the unlogged
future from the pinned pathway and the state, schedules it again. Logged sessions and days before today never change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.access_log import record_access
from accounts.models import AccessedData, AccessKind, CareLink, User
from exercises.catalogue import Catalogue, ExerciseSpec
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.contract import intake_from_dict
from programs.clinical.generator import pathway_item_of, swap_choices
from programs.clinical.pathways import Pathway, PathwayItem, Phase
from programs.clinical.state_json import state_from_dict, state_to_dict
from programs.clinical.types import Intake
from programs.models import Plan, PlanChange, PlanStateChange, PlanWeek, Prescription
from programs.selectors.plans import StoredDay, plan_read
from programs.services.generation import generate_for, pinned_inputs
from programs.services.plan_sync import sync_future
from programs.services.revisions import plan_locked


@dataclass(frozen=True)
class SwapOption:
    exercise: str
    spec: ExerciseSpec
    current: bool  # what this prescription schedules now


@dataclass(frozen=True)
class SwapChoices:
    """What a prescription may be swapped for; `item` is the pathway item whose place it fills."""

    item: PathwayItem | None
    current: ExerciseSpec | None
    options: tuple[SwapOption, ...]
    unavailable: str = ""  # why this prescription cannot be swapped, in words for the runner

    @property
    def others(self) -> tuple[SwapOption, ...]:
        return tuple(option for option in self.options if not option.current)


def _may_swap(user: User, plan: Plan) -> bool:
    return user.pk == plan.runner_id or CareLink.objects.physio_may_see(user, plan.runner_id)


def _why_not(*, plan: Plan, logged: bool, date: dt.date, overridden: bool, today: dt.date) -> str | None:
    """Why an exercise cannot be swapped, or None: the one rule behind the swap page, the day page's swap links and
    `exercise_swap`, so a link never leads to a page that refuses."""
    if plan.status != PlanStatus.ACTIVE:
        return "This plan is not active, so its exercises stay as they are."
    if logged:
        return "This session is already logged; what you did stays as it was."
    if date < today:
        return "This day has passed; only coming sessions can change."
    if overridden:
        return "Your physio set this exercise by hand; ask them to change it."
    return None


def _swappable(prescription: Prescription, today: dt.date) -> str | None:
    """Why this prescription cannot be swapped, or None."""
    session = prescription.session
    return _why_not(
        plan=session.plan,
        logged=hasattr(session, "log"),
        date=session.date,
        overridden=prescription.overridden,
        today=today,
    )


@dataclass(frozen=True)
class _Stage:
    """What the choices in one week of a plan are made from; loaded once, asked about each exercise of a day."""

    catalogue: Catalogue
    phase: Phase | None
    intake: Intake
    restricted: frozenset[str]
    swaps: dict[str, str]

    def item_of(self, slot: str) -> PathwayItem | None:
        return pathway_item_of(self.phase, slot) if self.phase is not None else None

    def options(self, item: PathwayItem) -> tuple[PathwayItem, ...]:
        """The item and its alternatives the runner may schedule; none when there is only the one (nothing to
        swap to)."""
        assert self.phase is not None  # an item comes from `item_of`, which needs the phase
        candidates = swap_choices(
            item,
            self.phase,
            intake=self.intake,
            catalogue=self.catalogue,
            restricted=self.restricted,
            swaps=self.swaps,
        )
        return candidates if len(candidates) > 1 else ()


def _stage(plan: Plan, catalogue: Catalogue, pathways: Mapping[str, Pathway], phase: str) -> _Stage:
    return _Stage(
        catalogue=catalogue,
        phase=next((p for p in pathways[plan.pathway].phases if p.slug == phase), None),
        intake=intake_from_dict(plan.intake.data),
        restricted=frozenset((plan.referral or {}).get("restrictions", ())),
        swaps=dict(state_from_dict(plan.state).swaps),
    )


def swap_choices_for(*, prescription: Prescription, today: dt.date) -> SwapChoices:
    """The exercises this prescription may become: its pathway item and the alternatives it lists that the runner's
    equipment allows and the stage does not forbid. No options when the prescription cannot change."""
    plan = prescription.plan
    catalogue, pathways, _config = pinned_inputs(plan)
    current = catalogue.by_slug.get(prescription.slot)
    why_not = _swappable(prescription, today)
    if not plan.pathway or why_not is not None:
        return SwapChoices(None, current, (), why_not or "")
    week = PlanWeek.objects.filter(plan=plan, number=prescription.session.week_number).first()
    if week is None:
        return SwapChoices(None, current, ())
    stage = _stage(plan, catalogue, pathways, week.phase)
    item = stage.item_of(prescription.slot)
    if item is None:
        return SwapChoices(None, current, ())
    options = tuple(
        SwapOption(c.exercise, catalogue[c.exercise], c.exercise == prescription.slot) for c in stage.options(item)
    )
    return SwapChoices(item, current, options)


def swappable_ids(*, plan: Plan, day: StoredDay, today: dt.date) -> frozenset[int]:
    """The day's prescriptions for which `swap_choices_for` offers another exercise: the same rule, with the plan's
    inputs loaded once for the day instead of once per exercise."""
    if not plan.pathway or day.week is None:
        return frozenset()
    items = [
        item
        for session in day.sessions
        if session.kind != "run"  # runs follow the running rules; no pathway item lists them
        for item in session.items
        if _why_not(plan=plan, logged=session.logged, date=day.date, overridden=item.overridden, today=today) is None
    ]
    if not items:
        return frozenset()
    catalogue, pathways, _config = pinned_inputs(plan)
    stage = _stage(plan, catalogue, pathways, day.week.phase)
    return frozenset(
        item.id for item in items if (pathway_item := stage.item_of(item.slot)) and stage.options(pathway_item)
    )


def _name(catalogue: Catalogue, slug: str) -> str:
    spec = catalogue.by_slug.get(slug)
    return spec.name if spec is not None else slug.replace("_", " ")


@transaction.atomic
def exercise_swap(
    *, prescription: Prescription, by: User, exercise: str, today: dt.date, seen_revision: int | None = None
) -> PlanChange:
    """Schedule `exercise` in the place of the prescription's exercise from `today` (the runner's local date) on.

    `exercise` must be one of `swap_choices_for` (the pathway item itself swaps back). Recorded as a `swap` decision
    by `by`, with the rules' state before and after. PlanChanged when the plan was written since `seen_revision`.
    """
    plan = plan_locked(prescription.plan_id, seen_revision=seen_revision)
    if not _may_swap(by, plan):
        raise PermissionDenied("Only the runner or their linked physio can swap an exercise.")
    prescription = Prescription.objects.select_related("session", "plan__intake").get(pk=prescription.pk)
    prescription.plan = plan
    prescription.session.plan = plan
    why_not = _swappable(prescription, today)
    if why_not is not None:
        raise ValidationError({"exercise": why_not})
    choices = swap_choices_for(prescription=prescription, today=today)
    chosen = next((o for o in choices.options if o.exercise == exercise), None)
    if choices.item is None or chosen is None:
        raise ValidationError({"exercise": "Choose one of the exercises listed."})
    if chosen.current:
        raise ValidationError({"exercise": "That is already the exercise in your plan; choose another one."})
    item = choices.item
    state = state_from_dict(plan.state)
    swaps = dict(state.swaps)
    if exercise == item.exercise:
        swaps.pop(item.exercise, None)
    else:
        swaps[item.exercise] = exercise
    new_state = dataclasses.replace(state, swaps=tuple(sorted(swaps.items())))
    stored = plan_read(plan)
    generated = generate_for(plan, intake_from_dict(plan.intake.data), state=new_state)
    if not any(
        i.exercise == exercise and i.slot == exercise
        for week in generated.weeks
        for day in week.days
        if day.date >= today
        for session in day.sessions
        for i in session.items
    ):
        raise ValidationError({"exercise": "That exercise cannot go into your coming sessions; choose another one."})
    transition = PlanStateChange.objects.create(
        plan=plan, as_of=today, before=plan.state, after=state_to_dict(new_state)
    )
    plan.state = transition.after
    plan.save(update_fields=["state"])
    changes = sync_future(plan, generated, stored, after=today - dt.timedelta(days=1))
    catalogue = pinned_inputs(plan).catalogue
    old_name, new_name = _name(catalogue, prescription.slot), _name(catalogue, exercise)
    effective = max(today, plan.start)  # a plan that has not started yet changes from its first day
    who = "You" if by.pk == plan.runner_id else "Your physio"
    record_access(actor=by, runner_id=plan.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.SWAP,
        exercise=item.exercise,
        effective_from=effective,
        reason=f"{who} swapped {old_name} for {new_name} from {effective:%a} {effective.day} {effective:%b}.",
        rule="swap",
        before={"exercise": prescription.slot},
        after={"exercise": exercise},
        item_changes=[c.change for c in changes],
        author=by,
        state_change=transition,
    )
