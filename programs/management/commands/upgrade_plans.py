"""Move plans onto the latest loaded catalogue, the current pathway templates and the rules config of the settings,
recording what changed."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programs.choices import PlanStatus
from programs.models import Plan
from programs.services.plans import plan_upgrade


class Command(BaseCommand):
    help = (
        "Upgrade plans to the newest program and exercise-library versions and the rules config of the settings "
        "(REHAB_* and the code's defaults). Sessions up to --today and everything logged stay as they were; each "
        "upgraded plan gets an 'upgrade' entry in its decision log, and the versions and rules it moved are printed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--plan", type=int, help="one plan's id")
        which.add_argument("--all", action="store_true", help="every plan that has not ended")
        parser.add_argument("--today", help="changes apply from the day after this date (default: today)")

    def handle(self, *args: Any, plan: int | None, all: bool, today: str | None, **options: Any) -> None:
        try:
            as_of = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today: {today!r} is not a date in the form YYYY-MM-DD.", returncode=2) from None
        plans = Plan.objects.exclude(status=PlanStatus.ENDED).order_by("pk")
        if plan is not None:
            plans = plans.filter(pk=plan)
            if not plans.exists():
                raise CommandError(f"--plan: no plan {plan} that has not ended.", returncode=2)
        upgraded = 0
        for row in plans:
            change = plan_upgrade(plan=row, as_of=as_of)
            if change is not None:
                upgraded += 1
                self.stdout.write(f"plan {row.pk}: {change.reason} ({change.before} → {change.after})")
        self.stdout.write(f"{upgraded} plan(s) upgraded, {plans.count() - upgraded} already up to date.")
