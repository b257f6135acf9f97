"""The plan's entry in the API's read cache (rehabplan/api_cache.py) follows the plan's writes: every revision bump
and every change of what the plan's facts hold (its runner's time zone and units) replaces it once the write commits.
The rendered bodies need nothing: they are keyed by the revision, so a new one is never mistaken for an old one."""

from __future__ import annotations

from django.db import transaction

from programs.models import Plan
from programs.selectors.plan_facts import plan_facts
from rehabplan import api_cache


def plan_cache_replace(plan_id: int) -> None:
    """The plan is being written: its cached facts go now, and the committed ones take their place."""
    api_cache.replace_on_commit(
        api_cache.plan_key(plan_id), lambda: plan_facts(Plan.objects.all(), plan_id), api_cache.access_seconds()
    )


def runner_plans_cache_replace(runner_id: int, *, at_commit_only: bool = False) -> None:
    """Every plan of the runner (their time zone or units changed, or their plans ended together). `at_commit_only`
    finds the plans once the write has committed, so a write with a query budget (starting a plan) spends no query
    here; their old facts may then be read until the commit."""
    if at_commit_only:
        transaction.on_commit(lambda: runner_plans_cache_replace(runner_id), robust=True)
        return
    for plan_id in Plan.objects.filter(runner_id=runner_id).values_list("pk", flat=True):
        plan_cache_replace(plan_id)
