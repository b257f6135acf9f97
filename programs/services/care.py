"""What a physio does to a runner's plan: set a dose by hand, clear red flags after assessment.

Every write checks the one care-link rule (`accounts.models.CareLinkQuerySet.physio_may_see`) and is recorded as a
decision in the plan's log, by that physio, with their note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.access_log import record_access
from accounts.care import display_name
from accounts.models import AccessedData, AccessKind, CareLink, User
from exercises.catalogue import dose_from_dict, dose_to_dict
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.contract import intake_from_dict
from programs.clinical.state_json import state_from_dict, state_to_dict
from programs.models import Plan, PlanChange, Prescription, SessionLog
from programs.reminders.news import reminders_plan_changed
from programs.selectors.plans import plan_read
from programs.services.generation import generate_for
from programs.services.plan_sync import persist_plan_body, sync_future
from programs.services.revisions import plan_locked


class SessionLoggedError(ValidationError):
    """The session is logged: what was done is history, and no dose of it changes (the API answers 409)."""


def require_linked_physio(physio: User, runner_id: int, action: str) -> None:
    if not CareLink.objects.physio_may_see(physio, runner_id):
        raise PermissionDenied(f"Only a physio with an active link to this runner can {action}.")


@transaction.atomic
def prescription_override(
    *, prescription: Prescription, physio: User, dose: Mapping[str, Any], reason: str, seen_revision: int | None = None
) -> PlanChange:
    """A physio sets a dose by hand. It is recorded as a decision and the rules never undo it.

    The dose must fit how the exercise is dosed (a bridge gets sets and reps, never a distance). The plan row is
    locked first, so a log of the same session arriving at the same moment either comes before (and the override is
    refused) or after (and logs the new dose). PlanChanged when the plan was written since `seen_revision`."""
    session = prescription.session
    plan = plan_locked(session.plan_id, seen_revision=seen_revision)
    require_linked_physio(physio, plan.runner_id, "change the plan")
    if plan.status == PlanStatus.ENDED:
        raise ValidationError({"prescription": "This plan has ended; it is kept as it was."})
    if SessionLog.objects.filter(session=session).exists():
        raise SessionLoggedError({"prescription": "This session is already logged; history is never rewritten."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the dose changes; the runner sees it."})
    try:
        new_dose = dose_to_dict(dose_from_dict(dose, prescription.exercise.dosing))
    except ValueError as exc:
        raise ValidationError({"dose": str(exc)}) from None
    slug = prescription.exercise.slug
    snapshot = {"exercise": slug, "pain_limit": prescription.pain_limit}
    change = PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.OVERRIDE,
        exercise=slug,
        effective_from=session.date,
        reason=reason.strip(),
        rule="physio",
        before={"dose": prescription.dose},
        after={"dose": new_dose},
        item_changes=[
            {
                "date": session.date.isoformat(),
                "session": session.kind,
                "exercise": slug,
                "before": {**snapshot, "dose": prescription.dose},
                "after": {**snapshot, "dose": new_dose},
            }
        ],
        author=physio,
    )
    prescription.dose, prescription.reason, prescription.overridden = (
        new_dose,
        f"Set by your physio: {reason.strip()}",
        True,
    )
    prescription.save(update_fields=["dose", "reason", "overridden"])
    reminders_plan_changed(plan=plan, changes=[change], now=timezone.now())
    record_access(actor=physio, runner_id=plan.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return change


@transaction.atomic
def plan_clinician_clear(
    *, plan: Plan, physio: User, note: str, start: dt.date, seen_revision: int | None = None
) -> PlanChange:
    """A physio who assessed the runner clears the red flags (docs/design.md §5).

    A stopped plan is generated from `start`; an active plan with an advisory gets back what the advisory left out
    from `start` on (sessions before it, and logged ones, stay as they were). The referral, the physio and their note
    are kept on the plan and in the decision log.
    """
    plan = plan_locked(plan.pk, seen_revision=seen_revision)
    require_linked_physio(physio, plan.runner_id, "clear red flags")
    if plan.status == PlanStatus.ENDED:  # clearing it would make a second current plan beside the runner's newer one
        raise ValidationError({"plan": "This plan has ended; it is kept as it was."})
    if plan.referral is None:
        raise ValidationError({"plan": "This plan has no open red flag to clear."})
    if not note.strip():
        raise ValidationError({"note": "Record what the assessment found."})
    state = dataclasses.replace(state_from_dict(plan.state), clinician_cleared=True, advisories=())
    stopped = plan.status == PlanStatus.NEEDS_CLINICIAN
    generated = generate_for(plan, intake_from_dict(plan.intake.data), state=state, start=start if stopped else None)
    before = {"status": plan.status, "referral": plan.referral, "start": plan.start.isoformat()}
    stored = None if stopped else plan_read(plan)
    plan.status, plan.state = generated.status, state_to_dict(state)
    plan.start = start if stopped else plan.start
    plan.pain_limits = dataclasses.asdict(generated.pain_limits) if generated.pain_limits else None
    plan.clinician_clearance = {
        "physio": physio.email,
        "physio_name": display_name(physio),
        "note": note.strip(),
        "referral": plan.referral,
        "cleared_at": timezone.now().isoformat(),
        "start": start.isoformat(),
    }
    plan.referral = None
    plan.save(update_fields=["status", "start", "state", "pain_limits", "clinician_clearance", "referral"])
    if stored is None:
        persist_plan_body(plan, generated.weeks)
        changes = []
    else:
        changes = [c.change for c in sync_future(plan, generated, stored, after=start - dt.timedelta(days=1))]
    cleared = PlanChange.objects.create(
        plan=plan,
        kind=PlanChangeKind.CLEARANCE,
        effective_from=start,
        reason=note.strip(),
        rule="clinician",
        before=before,
        after={"status": plan.status, "referral": None, "start": plan.start.isoformat()},
        item_changes=changes,
        author=physio,
    )
    reminders_plan_changed(plan=plan, changes=[cleared], now=timezone.now())
    record_access(actor=physio, runner_id=plan.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    return cleared
