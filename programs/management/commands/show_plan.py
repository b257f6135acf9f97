"""Print a runner's current stored plan as the plan JSON of docs/design.md §3 (or one day of it with --date)."""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from programs.clinical.contract import day_to_dict, plan_to_dict
from programs.selectors import plans as selectors

INVALID_INPUT = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID_INPUT)


class Command(BaseCommand):
    help = "Print the runner's current plan as stored (after every logged change) as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True, help="the runner's e-mail address")
        parser.add_argument("--date", help="only this day, YYYY-MM-DD")

    def handle(self, *args: Any, user: str, date: str | None, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(date) if date is not None else None
        except ValueError:
            raise _fail(f"--date: {date!r} is not a date in the form YYYY-MM-DD.") from None
        runner = User.objects.filter(email__iexact=user).first()
        if runner is None:
            raise _fail(f"--user: no account with the e-mail address {user!r}.")
        plan = selectors.runner_current_plan(runner)
        if plan is None:
            raise _fail(f"--user: {runner.email} has no plan yet.")
        if day is None:
            self.stdout.write(
                json.dumps(plan_to_dict(selectors.plan_read(plan).to_domain()), indent=2, ensure_ascii=False)
            )
            return
        stored = selectors.plan_day_read(plan, day)
        if stored.week is None:
            end = plan.start + dt.timedelta(weeks=plan.weeks, days=-1)
            raise _fail(f"--date: {day} is outside the plan, which runs from {plan.start} to {end}.")
        self.stdout.write(json.dumps(day_to_dict(stored.to_domain()), indent=2, ensure_ascii=False))
