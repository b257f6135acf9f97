"""Create the demo physio, runner (with a plan) and admin. Safe to run again: it changes nothing then."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import care_link_activate, user_create
from programs.models import Plan
from programs.serializers import IntakeSerializer
from programs.services import intake_record, plan_create

DEMO_PASSWORD = "rehabplan-demo"  # noqa: S105 - published demo login, created only by this command
DEMO_INTAKE = Path(__file__).resolve().parents[2] / "data" / "demo_intake.json"


class Command(BaseCommand):
    help = "Create demo accounts (runner with a plan, physio linked to them, admin)."

    def _user(self, email: str, role: str, first_name: str, **flags: bool) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, password=DEMO_PASSWORD, role=role, first_name=first_name)
            if flags:
                User.objects.filter(pk=user.pk).update(**flags)
            self.stdout.write(f"created {role} {email}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        runner = self._user("runner@demo.rehabplan.test", Role.RUNNER, "Robin")
        physio = self._user("physio@demo.rehabplan.test", Role.PHYSIO, "Pat")
        self._user("admin@demo.rehabplan.test", Role.PHYSIO, "Admin", is_staff=True, is_superuser=True)
        care_link_activate(physio=physio, runner=runner)
        if Plan.objects.filter(runner=runner).exists():
            return
        today = timezone.localdate()
        start = today - dt.timedelta(days=today.weekday())
        serializer = IntakeSerializer(data=json.loads(DEMO_INTAKE.read_text()), context={"start": start})
        serializer.is_valid(raise_exception=True)
        intake = intake_record(runner=runner, data=serializer.data)
        plan = plan_create(intake=intake, start=start, weeks=8)
        self.stdout.write(f"created an 8-week {plan.pathway} plan for {runner.email} from {start}")
