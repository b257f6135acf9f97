"""Celery tasks of the programs app: thin wrappers that call one service each."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def reminders_dispatch_due() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): send the reminders that are due. Returns how many were sent."""
    return services.reminders_dispatch_due(now=timezone.now())
