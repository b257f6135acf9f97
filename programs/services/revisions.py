"""A plan's revision: every write takes the plan row through `plan_locked`, which raises it.

Two people changing the same plan at once: each edit names the revision it was read at, and an edit from an older
revision is refused whole (`PlanChanged`), so neither change is lost without the person knowing. The check is made on
the locked row, before the revision rises.
"""

from __future__ import annotations

from django.db.models import F

from programs.models import Plan
from programs.reminders.dispatch import reminders_reschedule_after_commit
from programs.services.plan_cache import plan_cache_replace

PLAN_CHANGED_MESSAGE = (
    "This plan changed while you were editing it. Nothing was saved: here is the plan as it is now; "
    "make your change again if it is still needed."
)


class PlanChanged(Exception):
    """The plan was written since it was read: nothing of this write was kept. `revision` is the plan's revision now,
    which a second try names."""

    message = PLAN_CHANGED_MESSAGE

    def __init__(self, revision: int) -> None:
        super().__init__(self.message)
        self.revision = revision


def plan_revision_bump(pk: int, *, seen_revision: int | None = None) -> None:
    """A write to the plan is coming: clients holding the old revision (the API's ETag) read it again.

    With `seen_revision`, only from that revision: the UPDATE's WHERE is checked again on the row a concurrent write
    committed, so of two writes from the same revision exactly one raises it and the other gets `PlanChanged`."""
    plans = Plan.objects.filter(pk=pk)
    plan_cache_replace(pk)  # the API's read cache holds the revision: the committed one replaces it
    if seen_revision is None:
        plans.update(revision=F("revision") + 1)
    elif not plans.filter(revision=seen_revision).update(revision=F("revision") + 1):
        current = plans.values_list("revision", flat=True).first()
        if current is not None:  # a plan that is not there is the caller's DoesNotExist, as without a revision
            raise PlanChanged(current)


def plan_locked(pk: int, *, raise_revision: bool = True, seen_revision: int | None = None) -> Plan:
    """The plan row locked for a write, with what a replan reads (the versions' stored data only when first used).

    Every writer of a plan takes it through here, so this is where its revision rises (the UPDATE takes the lock).
    A person's edit names the revision they read the plan at (`seen_revision`): the plan changed since then raises
    `PlanChanged` before anything is written. `raise_revision=False` is for the hourly replan, which most hours
    changes nothing: `plan_replan` raises the revision then, and only if the replan changes what clients read."""
    if raise_revision:
        plan_revision_bump(pk, seen_revision=seen_revision)
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("intake", "catalogue_version", "pathway_version")
        .defer("catalogue_version__data", "pathway_version__data")
        .get(pk=pk)
    )
    if raise_revision:
        # The runner's next reminder follows the plan as it will be once this write commits.
        reminders_reschedule_after_commit(plan.runner_id)
    return plan
