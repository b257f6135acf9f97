"""Celery tasks of the programs app: thin wrappers that call one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def reminders_dispatch_due() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send the reminders that are due. Returns how many were sent."""
    return services.reminders_dispatch_due(now=timezone.now())


@shared_task
def plans_replan_for_today() -> int:
    """Every hour (CELERY_BEAT_SCHEDULE): re-run each active plan's rules on its runner's local date, so missed
    sessions earn nothing and the coming weeks follow what was earned. Idempotent. Returns how many plans changed."""
    return services.plans_replan_for_today(now=timezone.now())
