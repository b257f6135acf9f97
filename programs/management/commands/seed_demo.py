"""Create the demo physio, two runners (each with a plan and two weeks of history: one going well, one who needs
the physio's attention) and admin; the physio has a program template and has written to the first runner once. The
first runner's reminder of today is due a minute after each run, so every `make run` shows an e-mail arriving.

Safe to run again: a demo runner who has a plan is left as they are (but for that reminder's time).

With DEBUG off it refuses unless given --allow-production, and even then never uses the published demo password:
it takes --password or makes one up and prints it once.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.care import message_send
from accounts.models import Message, Role, RunnerProfile, User
from accounts.services import care_link_activate, user_create
from programs.api.serializers.intake import IntakeSerializer
from programs.choices import PlanStatus
from programs.clinical.edits import ProgramEdits, edits_to_dict
from programs.management.demo_history import Story, log_fortnight
from programs.models import Plan, PlannedSession, ProgramTemplate
from programs.reminders.dispatch import reminder_settings
from programs.reminders.schedule import SESSION, kinds_on
from programs.reminders.selectors import session_lines
from programs.selectors.today import runner_today
from programs.services.intakes import intake_record
from programs.services.plans import plan_create
from programs.services.templates import template_create

DEMO_PASSWORD = "rehabplan-demo"  # noqa: S105 - published demo login, created only by this command
DEMO_INTAKE = Path(__file__).resolve().parents[2] / "data" / "demo_intake.json"
RUNNER_EMAIL = "runner@demo.rehabplan.test"
PHYSIO_EMAIL = "physio@demo.rehabplan.test"
ADMIN_EMAIL = "admin@demo.rehabplan.test"
ATTENTION_EMAIL = "runner2@demo.rehabplan.test"
# The plans start this many days before today, so Today, Progress and the decisions show a fortnight of logs.
HISTORY_DAYS = 14
PLAN_WEEKS = 8
# The first runner's fortnight: their second strength day hurt (pain above the plan's limit on the first exercise,
# so the rules step it back), one session in the second week was skipped, and mornings stayed mild but the one after
# the painful day.
GOING_WELL = Story(
    painful_strength_day=1,
    painful_pain=6,
    mornings=(3,),
    notes="The first exercise hurt, so I stopped a set early.",
)
# The second runner's: severe pain in their latest strength session, after three mornings each worse than the one
# before; they have logged nothing since the morning after it. Their physio's list flags them.
NEEDS_ATTENTION = Story(
    painful_strength_day=-1,
    painful_pain="severe",
    mornings=(2, 3, 5),
    notes="Sharp pain at the back of my thigh in the first set. I stopped there.",
    skip_one_in_week_two=False,
    stop_after_pain=True,
)
# `make run` shows a reminder e-mail this soon after seeding.
FIRST_REMINDER_AFTER = dt.timedelta(minutes=1)


class Command(BaseCommand):
    help = (
        "Create demo accounts: two runners with 8-week plans and two weeks of logs (one needs attention), "
        "their physio, and an admin."
    )

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
        second = self._user(ATTENTION_EMAIL, Role.RUNNER, "Sam")
        physio = self._user(PHYSIO_EMAIL, Role.PHYSIO, "Pat")
        self._admin()
        care_link_activate(physio=physio, runner=runner)
        care_link_activate(physio=physio, runner=second)
        seeded = [
            self._runner(user, story, options) for user, story in ((runner, GOING_WELL), (second, NEEDS_ATTENTION))
        ]
        if any(seeded):
            self._physio_side(physio, runner, Plan.objects.filter(runner=runner).latest("created_at"))
        else:
            self.stdout.write(
                f"demo data already there: {RUNNER_EMAIL} and {ATTENTION_EMAIL} have plans; nothing changed"
            )
        self._first_reminder_soon(runner)

    def _runner(self, runner: User, story: Story, options: dict[str, Any]) -> bool:
        """The runner's plan, and its fortnight as `story` says; False (nothing done) when they have a plan."""
        if Plan.objects.filter(runner=runner).exists():
            return False
        today = runner_today(runner)
        if options["no_history"]:
            self._plan(runner, start=today - dt.timedelta(days=today.weekday()))
            return True
        with transaction.atomic():
            plan = self._plan(runner, start=today - dt.timedelta(days=HISTORY_DAYS))
            logged = log_fortnight(plan, runner, today, story)
        self.stdout.write(
            f"logged {logged.sessions} sessions of the last {HISTORY_DAYS} days for {runner.email} "
            f"(pain above the limit on {logged.painful_day}, {logged.missed} missed)"
        )
        return True

    def _first_reminder_soon(self, runner: User) -> None:
        """The runner's reminder of today (today's session, or how their leg feels after yesterday's) due in a
        minute instead of at their reminder time; the reminders after it follow their settings."""
        plan = Plan.objects.filter(runner=runner, status=PlanStatus.ACTIVE).order_by("-created_at").first()
        if plan is None:
            return
        profile = RunnerProfile.objects.get(user=runner)
        today = runner_today(runner)
        days = PlannedSession.objects.filter(plan=plan, date__gte=today - dt.timedelta(days=1), date__lte=today)
        kinds = kinds_on(
            today, reminder_settings(profile), set(days.exclude(kind="rest").values_list("date", flat=True))
        )
        if not kinds:
            return
        lines = session_lines([(plan.pk, today)]).get((plan.pk, today), []) if SESSION in kinds else []
        at = timezone.now() + FIRST_REMINDER_AFTER
        about = {"kinds": list(kinds), "plan_id": plan.pk, "session": {"lines": lines}}
        RunnerProfile.objects.filter(pk=profile.pk).update(
            next_reminder_at=at, next_reminder_on=today, next_reminder=about
        )
        self.stdout.write(f"{runner.email}'s reminder of today is due at {at:%H:%M} UTC")

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
