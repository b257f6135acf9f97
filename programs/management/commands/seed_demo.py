"""Create the demo physio, runner (with a plan and two weeks of history) and admin; the physio has a program
template and has written to the runner once.

Safe to run again: once the demo runner has a plan it changes nothing.

With DEBUG off it refuses unless given --allow-production, and even then never uses the published demo password:
it takes --password or makes one up and prints it once.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.care import message_send
from accounts.models import Message, Role, RunnerProfile, User
from accounts.services import care_link_activate, user_create
from programs.api.serializers.intake import IntakeSerializer
from programs.clinical.edits import ProgramEdits, edits_to_dict
from programs.clinical.types import REHAB_KINDS
from programs.models import Plan, PlannedSession, Prescription, ProgramTemplate
from programs.selectors.today import runner_today
from programs.services.intakes import intake_record
from programs.services.logs import day_log_record, session_log_record
from programs.services.plans import plan_create
from programs.services.templates import template_create

DEMO_PASSWORD = "rehabplan-demo"  # noqa: S105 - published demo login, created only by this command
DEMO_INTAKE = Path(__file__).resolve().parents[2] / "data" / "demo_intake.json"
RUNNER_EMAIL = "runner@demo.rehabplan.test"
PHYSIO_EMAIL = "physio@demo.rehabplan.test"
ADMIN_EMAIL = "admin@demo.rehabplan.test"
# The plan starts this many days before today, so Today, Progress and the decisions show a fortnight of logs.
HISTORY_DAYS = 14
PLAN_WEEKS = 8
# The demo's story: its second strength session hurt (pain above the plan's limit on the first exercise, so the
# rules step it back), one session in the second week was skipped, and mornings after strength days stayed mild.
PAINFUL_STRENGTH_SESSION = 2
PAIN_ABOVE_LIMIT = 6
MORNING_PAIN = 1
MORNING_PAIN_AFTER_THE_PAINFUL_DAY = 3


class Command(BaseCommand):
    help = "Create demo accounts: a runner with an 8-week plan and two weeks of logs, their physio, and an admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Start the demo plan this week and log nothing (the plan then equals generate_plan's output).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run with DEBUG off too (a staging server): the demo accounts then get --password, or a new one.",
        )
        parser.add_argument(
            "--password",
            default="",
            help="The demo accounts' password with DEBUG off (never the published one); made up and printed if absent.",
        )

    def _password(self, options: dict[str, Any]) -> str:
        """The published password on a development machine; anywhere else only when asked, and never that one."""
        if settings.DEBUG:
            return str(options["password"] or DEMO_PASSWORD)
        if not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts on this server would be open to anyone who read the README. "
                "Run with --allow-production (and --password, or one is made up) if this really is a demo server."
            )
        if options["password"] == DEMO_PASSWORD:
            raise CommandError("The published demo password is refused with DEBUG off: choose another with --password.")
        if options["password"]:
            return str(options["password"])
        password = secrets.token_urlsafe(12)
        self.stdout.write(f"demo accounts' password (shown once): {password}")
        return password

    def handle(self, *args: Any, **options: Any) -> None:
        self.password = self._password(options)
        runner = self._user(RUNNER_EMAIL, Role.RUNNER, "Robin")
        physio = self._user(PHYSIO_EMAIL, Role.PHYSIO, "Pat")
        self._admin()
        care_link_activate(physio=physio, runner=runner)
        if Plan.objects.filter(runner=runner).exists():
            self.stdout.write(f"demo data already there: {RUNNER_EMAIL} has a plan; nothing changed")
            return
        today = runner_today(runner)
        if options["no_history"]:
            plan = self._plan(runner, start=today - dt.timedelta(days=today.weekday()))
            self._physio_side(physio, runner, plan)
            return
        with transaction.atomic():
            plan = self._plan(runner, start=today - dt.timedelta(days=HISTORY_DAYS))
            logged, missed = self._history(plan, runner, today)
            self._physio_side(physio, runner, plan)
        self.stdout.write(
            f"logged {logged} sessions of the last {HISTORY_DAYS} days for {RUNNER_EMAIL} "
            f"(one with pain above the limit, {missed} missed)"
        )

    def _user(self, email: str, role: str, first_name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            # Signed in with for years already: the demo's addresses are not anyone's to confirm.
            user = user_create(
                email=email, password=self.password, role=role, first_name=first_name, email_verified=True
            )
            self.stdout.write(f"created {role} {email}")
        elif not settings.DEBUG and user.check_password(DEMO_PASSWORD):
            # Made earlier by a development run against this database: the published password goes now.
            user.set_password(self.password)
            user.save()
            self.stdout.write(f"{email} no longer has the published demo password")
        return user

    def _physio_side(self, physio: User, runner: User, plan: Plan) -> None:
        """A template to assign from (the demo plan's program, gentler) and a first message in the thread."""
        if not ProgramTemplate.objects.filter(owner=physio).exists():
            gentler = ProgramEdits(pain_limit=3, max_runs=3)
            template_create(
                owner=physio,
                name="Gentle start",
                pathway=plan.pathway,
                weeks=6,
                program=edits_to_dict(gentler),
                description="Pain kept at 3/10 or less and at most three runs a week.",
            )
            self.stdout.write(f"created the template 'Gentle start' for {physio.email}")
        if not Message.objects.filter(physio=physio, runner=runner).exists():
            message_send(
                author=physio,
                other_id=runner.pk,
                body="Hi Robin, I'll keep an eye on your logs. Write to me here if anything hurts more than your plan allows.",
            )

    def _admin(self) -> None:
        """Staff and superuser for /admin/, with the default runner role: never a physio, never anyone's patient and
        without a plan. Earlier versions of this command made the admin a physio; that account is corrected."""
        admin = self._user(ADMIN_EMAIL, Role.RUNNER, "Admin")
        wanted = {"role": Role.RUNNER, "is_staff": True, "is_superuser": True}
        if any(getattr(admin, field) != value for field, value in wanted.items()):
            User.objects.filter(pk=admin.pk).update(**wanted)
            RunnerProfile.objects.get_or_create(user=admin)
            self.stdout.write(f"{ADMIN_EMAIL} is staff and superuser (role: runner, no plan)")

    def _plan(self, runner: User, *, start: dt.date) -> Plan:
        serializer = IntakeSerializer(data=json.loads(DEMO_INTAKE.read_text()), context={"start": start})
        serializer.is_valid(raise_exception=True)
        intake = intake_record(runner=runner, data=serializer.data)
        plan = plan_create(intake=intake, start=start, weeks=PLAN_WEEKS)
        self.stdout.write(f"created an {PLAN_WEEKS}-week {plan.pathway} plan for {runner.email} from {start}")
        return plan

    def _history(self, plan: Plan, runner: User, today: dt.date) -> tuple[int, int]:
        """Log every day before today in date order, as the runner would have: the morning check first, then the
        day's sessions. Sessions are read again each day because every log replans the days after it."""
        logged = missed = strength_done = 0
        painful_day: dt.date | None = None
        skip = self._session_to_skip(plan, today)
        for date in _dates(plan.start, today):
            yesterday = date - dt.timedelta(days=1)
            if PlannedSession.objects.filter(plan=plan, date=yesterday, kind="strength").exists():
                pain = MORNING_PAIN_AFTER_THE_PAINFUL_DAY if yesterday == painful_day else MORNING_PAIN
                day_log_record(runner=runner, date=date, values={"next_morning_pain": pain, "stiffness": pain})
            for session in PlannedSession.objects.filter(plan=plan, date=date).order_by("position", "id"):
                prescriptions = list(session.prescriptions.select_related("exercise").order_by("position"))
                if not prescriptions or not (session.kind in REHAB_KINDS or session.kind == "run"):
                    continue
                if (session.date, session.kind) == skip:
                    missed += 1
                    continue
                hurt = False
                if session.kind == "strength":
                    strength_done += 1
                    hurt = strength_done == PAINFUL_STRENGTH_SESSION
                    painful_day = date if hurt else painful_day
                entries = [
                    _entry(p, pain=PAIN_ABOVE_LIMIT if hurt and i == 0 else 1 + i % 2)
                    for i, p in enumerate(prescriptions)
                ]
                day = None
                if session.kind == "run":
                    day = {"ran_distance": entries[0]["distance"], "run_pain": 1, "tightness_after_running": False}
                notes = "The first exercise hurt, so I stopped a set early." if hurt else ""
                session_log_record(session=session, runner=runner, entries=entries, notes=notes, day=day)
                logged += 1
        return logged, missed

    def _session_to_skip(self, plan: Plan, today: dt.date) -> tuple[dt.date, str] | None:
        """The first mobility or cross-training session of the second week, if it has one before today."""
        return (
            PlannedSession.objects.filter(
                plan=plan,
                date__gte=plan.start + dt.timedelta(days=7),
                date__lt=today,
                kind__in=["mobility", "cross_training"],
            )
            .order_by("date", "position")
            .values_list("date", "kind")
            .first()
        )


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every day from `start` up to the day before `end`."""
    for offset in range((end - start).days):
        yield start + dt.timedelta(days=offset)


def _entry(prescription: Prescription, *, pain: int) -> dict[str, Any]:
    """What the runner logged for one exercise: the prescribed dose, or a set short when it hurt above the limit."""
    dose = prescription.dose
    above_limit = pain > prescription.pain_limit
    entry: dict[str, Any] = {
        "prescription": prescription.pk,
        "pain_during": pain,
        "pain_after": min(pain, 4) if above_limit else max(pain - 1, 0),
        "rpe": 7 if above_limit else 5,
        "completed_as_prescribed": not above_limit,
    }
    if dose.get("sets"):
        entry["sets_done"] = max(dose["sets"] - 1, 1) if above_limit else dose["sets"]
    for field in ("reps", "hold_seconds", "minutes", "laps", "distance"):
        if dose.get(field) is not None:
            entry["reps_done" if field == "reps" else field] = dose[field]
    return entry
