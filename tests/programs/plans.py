"""Making intakes and plans the way the product does (validated, then through the services), for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.models import User
from programs.api.serializers.intake import IntakeSerializer
from programs.models import Intake, Plan
from programs.services.intakes import intake_record
from programs.services.plans import plan_create

START = dt.date(2026, 11, 23)  # a Monday


def record_intake(runner: User, data: dict[str, Any], start: dt.date = START) -> Intake:
    serializer = IntakeSerializer(data=data, context={"start": start})
    assert serializer.is_valid(), serializer.errors
    return intake_record(runner=runner, data=serializer.data)


def create_plan(runner: User, data: dict[str, Any], weeks: int, start: dt.date = START) -> Plan:
    return plan_create(intake=record_intake(runner, data, start), start=start, weeks=weeks)
