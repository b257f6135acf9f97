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
