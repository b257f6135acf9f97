"""Print the plan JSON of docs/design.md §3 for an intake file, without a database or a browser."""

from __future__ import annotations

import datetime as dt
import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.plan_json import intake_from_dict, plan_to_dict
from programs.screening import screen_answers
from programs.serializers import IntakeSerializer, field_errors
from programs.services import generate

INVALID_INPUT = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID_INPUT)


class Command(BaseCommand):
    help = "Generate a plan from an intake JSON file (or - for standard input) and print it as JSON."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--intake", required=True, help="intake JSON file (docs/design.md §3), or - for stdin")
        parser.add_argument("--start", required=True, help="first day of the plan, YYYY-MM-DD")
        parser.add_argument("--weeks", required=True, help="number of weeks, 1 to 52")

    def handle(self, *args: Any, intake: str, start: str, weeks: str, **options: Any) -> None:
        try:
            start_date = dt.date.fromisoformat(start)
        except ValueError:
            raise _fail(f"--start: {start!r} is not a date in the form YYYY-MM-DD.") from None
        if not weeks.isdigit() or not 1 <= int(weeks) <= 52:
            raise _fail(f"--weeks: {weeks!r} must be a whole number from 1 to 52.")
        try:
            raw = sys.stdin.read() if intake == "-" else Path(intake).read_text(encoding="utf-8")
            data = json.loads(raw)
        except OSError as exc:
            raise _fail(f"--intake: cannot read {intake}: {exc.strerror}.") from None
        except json.JSONDecodeError as exc:
            raise _fail(f"--intake: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
        serializer = IntakeSerializer(data=data, context={"start": start_date})
        if not serializer.is_valid():
            message = "invalid intake:\n" + "\n".join(f"  {line}" for line in field_errors(serializer.errors))
            referral = screen_answers(data)  # a red flag is never hidden behind a form error
            if referral is not None:
                message += f"\n\nwhat you told us needs attention ({referral.urgency}):\n  {referral.message}"
            raise _fail(message)
        plan = generate(intake_from_dict(serializer.data), start=start_date, weeks=int(weeks))
        self.stdout.write(json.dumps(plan_to_dict(plan), indent=2))
