"""A plan's facts that its ETags and the API's read cache need (`programs.api.etags.PlanMeta`), as one row."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from programs.models import Plan

# The order of PlanMeta's fields.
FACT_COLUMNS = (
    "id",
    "revision",
    "runner_id",
    "start",
    "weeks",
    "runner__runner_profile__timezone",
    "runner__runner_profile__units",
)


def plan_facts(plans: QuerySet[Plan], plan_id: int) -> tuple[Any, ...] | None:
    """One query: the plan's facts among `plans` (None when it is not one of them)."""
    return plans.filter(pk=plan_id).values_list(*FACT_COLUMNS).first()


def plans_facts(plans: QuerySet[Plan], plan_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """One query: the facts of these plans among `plans`, by plan id (a plan not among them is left out)."""
    return {row[0]: row for row in plans.filter(pk__in=plan_ids).values_list(*FACT_COLUMNS)}
