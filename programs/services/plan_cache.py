"""The plan's entry in the API's read cache (rehabplan/api_cache.py) follows the plan's writes: every revision bump
and every change of what the plan's facts hold (its runner's time zone and units) replaces it once the write commits.
The rendered bodies need nothing: they are keyed by the revision, so a new one is never mistaken for an old one."""

from __future__ import annotations

from django.db import transaction

from programs.models import Plan
from programs.selectors.plan_facts import plans_facts
from rehabplan import api_cache


def plan_cache_replace(plan_id: int) -> None:
    """The plan is being written: its cached facts go now, and the committed ones take their place."""
    plans_cache_replace([plan_id])


def plans_cache_replace(plan_ids: list[int]) -> None:
    """The same for several plans, their committed facts read in one query."""
    api_cache.replace_on_commit(
        [api_cache.plan_key(pk) for pk in plan_ids],
        lambda: {api_cache.plan_key(pk): row for pk, row in plans_facts(Plan.objects.all(), plan_ids).items()},
        api_cache.access_seconds(),
    )


def runner_plans_cache_replace(runner_id: int, *, at_commit_only: bool = False) -> None:
    """Every plan of the runner (their time zone or units changed, or their plans ended together). `at_commit_only`
    finds the plans once the write has committed, so a write with a query budget (starting a plan) spends no query
    here; their old facts may then be read until the commit."""
    if at_commit_only:
        transaction.on_commit(lambda: runner_plans_cache_replace(runner_id), robust=True)
        return
    plans_cache_replace(list(Plan.objects.filter(runner_id=runner_id).values_list("pk", flat=True)))
