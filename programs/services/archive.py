"""Ending a plan on purpose (the runner or their physio archives it): it is kept as it was, logs and decisions
included, and no rule touches it again."""

from __future__ import annotations

from django.db import transaction

from accounts.access_log import record_access
from accounts.models import AccessedData, AccessKind, User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange
from programs.services.revisions import plan_locked


@transaction.atomic
def plan_archive(*, plan: Plan, by: User, seen_revision: int | None = None) -> Plan:
    """End the plan (status ended), recorded as an `end` decision by whoever ended it. Archiving an ended plan again
    changes nothing. Who may archive it is decided by the caller's scope (the runner, or a physio through an active
    care link). PlanChanged when the plan was written since `seen_revision`."""
    if plan.status == PlanStatus.ENDED:
        return plan
    locked = plan_locked(
        plan.pk, seen_revision=seen_revision
    )  # raises the revision: clients' cached copies (ETags) are read again
    if locked.status != PlanStatus.ENDED:
        PlanChange.objects.create(
            plan=locked,
            kind=PlanChangeKind.END,
            reason="Ended by you." if by.pk == locked.runner_id else "Ended by your physio.",
            before={"status": locked.status},
            after={"status": PlanStatus.ENDED},
            author=by,
        )
        locked.status = PlanStatus.ENDED
        locked.save(update_fields=["status"])
        record_access(actor=by, runner_id=locked.runner_id, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    plan.status, plan.revision = locked.status, locked.revision
    return plan
