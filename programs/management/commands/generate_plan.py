"""Print the plan JSON of docs/design.md §3 for an intake file, without a database or a browser; with --logs, replay
a runner's logs through the same rules the app uses and add the `changes` they made."""

from __future__ import annotations

import datetime as dt
import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.api.serializers.intake import REPLAY_KINDS, IntakeSerializer, ReplayEntrySerializer, field_errors
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.replay import Entry, ReplayError, replay
from programs.clinical.screening import screen_answers
from programs.services.generation import catalogue, generate, pathways, rules_config

INVALID_INPUT = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID_INPUT)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option}: {value!r} is not a date in the form YYYY-MM-DD.") from None


def _json(path: str, option: str) -> Any:
    try:
        return json.loads(sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(f"{option}: cannot read {path}: {exc.strerror}.") from None
    except json.JSONDecodeError as exc:
        raise _fail(f"{option}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None


def _entries(data: Any) -> list[Entry]:
    if not isinstance(data, list):
        raise _fail("--logs: the file must hold a JSON list of entries.")
    entries, errors = [], []
    for index, raw in enumerate(data):
        serializer = ReplayEntrySerializer(data=raw)
        if not serializer.is_valid():
            errors += field_errors(serializer.errors, f"logs[{index}].")
            continue
        values = serializer.validated_data
        kind = next(k for k in REPLAY_KINDS if k in values)
        body = values[kind] if kind != "red_flags" else {"red_flags": values["red_flags"]}
        entries.append(Entry(index, values["date"], kind, body))
    if errors:
        raise _fail("invalid logs:\n" + "\n".join(f"  {line}" for line in errors))
    return entries


class Command(BaseCommand):
    help = (
        "Generate a plan from an intake JSON file (or - for standard input) and print it as JSON. With --logs, "
        "replay the logs in date order and print the plan as they changed it, with a `changes` list."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--intake", required=True, help="intake JSON file (docs/design.md §3), or - for stdin")
        parser.add_argument("--start", required=True, help="first day of the plan, YYYY-MM-DD")
        parser.add_argument("--weeks", required=True, help=f"number of weeks, 1 to {MAX_PLAN_WEEKS}")
        parser.add_argument("--logs", help="JSON list of log entries to replay (docs/design.md §3)")
        parser.add_argument("--today", help="the day the plan is evaluated on (default: the day after the last log)")

    def handle(self, *args: Any, intake: str, start: str, weeks: str, **options: Any) -> None:
        start_date = _date(start, "--start")
        today = _date(options["today"], "--today") if options.get("today") else None
        if not weeks.isdigit() or not 1 <= int(weeks) <= MAX_PLAN_WEEKS:
            raise _fail(f"--weeks: {weeks!r} must be a whole number from 1 to {MAX_PLAN_WEEKS}.")
        data = _json(intake, "--intake")
        serializer = IntakeSerializer(data=data, context={"start": start_date})
        if not serializer.is_valid():
            message = "invalid intake:\n" + "\n".join(f"  {line}" for line in field_errors(serializer.errors))
            referral = screen_answers(data)  # a red flag is never hidden behind a form error
            if referral is not None:
                message += f"\n\nwhat you told us needs attention ({referral.urgency}):\n  {referral.message}"
            raise _fail(message)
        runner_intake = intake_from_dict(serializer.data)
        if not options.get("logs"):
            plan = generate(runner_intake, start=start_date, weeks=int(weeks))
            self.stdout.write(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False))
            return
        entries = _entries(_json(options["logs"], "--logs"))
        try:
            plan, changes = replay(
                runner_intake,
                start=start_date,
                weeks=int(weeks),
                entries=entries,
                today=today,
                catalogue=catalogue(),
                pathways=pathways(),
                config=rules_config(),
            )
        except ReplayError as exc:
            raise _fail(f"invalid logs:\n  {exc}") from None
        self.stdout.write(json.dumps({**plan_to_dict(plan), "changes": changes}, indent=2, ensure_ascii=False))
