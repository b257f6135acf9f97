"""Making intakes and plans the way the product does (validated, then through the services), for tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.services import catalogue_load
from programs.api.serializers.intake import IntakeSerializer
from programs.models import Intake, Plan
from programs.services.intakes import intake_record
from programs.services.plans import plan_create

START = dt.date(2026, 11, 23)  # a Monday
OLD_BRIDGE_NAME = "Single-leg bridge (as it was)"


def record_intake(runner: User, data: dict[str, Any], start: dt.date = START) -> Intake:
    serializer = IntakeSerializer(data=data, context={"start": start})
    assert serializer.is_valid(), serializer.errors
    return intake_record(runner=runner, data=serializer.data)


def create_plan(runner: User, data: dict[str, Any], weeks: int, start: dt.date = START) -> Plan:
    return plan_create(intake=record_intake(runner, data, start), start=start, weeks=weeks)


def load_older_catalogue() -> None:
    """Load a catalogue unlike the shipped file, which plans made next are pinned to: the single-leg bridge has another
    name and the prone leg extension is not in it. Loading the shipped file again then makes it the latest."""
    shipped = load_catalogue_file()
    older = (
        dataclasses.replace(e, name=OLD_BRIDGE_NAME) if e.slug == "single_leg_bridge" else e
        for e in shipped.exercises
        if e.slug != "prone_leg_extension"
    )
    assert catalogue_load(catalogue=dataclasses.replace(shipped, exercises=tuple(older))).new_version
