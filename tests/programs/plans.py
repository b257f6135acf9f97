"""Making intakes and plans the way the product does (validated, then through the services), for tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from accounts.models import User
from exercises.catalogue_file import load_catalogue_file
from exercises.services import catalogue_load
from programs.api.serializers.intake import IntakeSerializer
from programs.models import Intake, Plan, PlannedSession
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


def today_log_data(session: PlannedSession, pain: int | Mapping[str, int], *, all_sets: bool = True) -> dict[str, Any]:
    """What a runner submits from Today: every set ticked (or none), every measure done, the planned distance for a
    run, and a pain for each exercise: one for all, or by exercise slug (1 for those not named)."""
    data: dict[str, Any] = {"client_id": str(uuid.uuid4()), "notes": ""}
    for p in session.prescriptions.select_related("exercise"):
        count = p.dose.get("sets") or p.dose.get("intervals")
        if count and all_sets:
            data[f"item-{p.pk}-sets"] = [str(n) for n in range(1, count + 1)]
        for measure in ("minutes", "laps"):
            if p.dose.get(measure) and not count:
                data[f"item-{p.pk}-{measure}"] = str(p.dose[measure])
        if not count and not p.dose.get("minutes") and not p.dose.get("laps"):
            data[f"item-{p.pk}-done"] = "on"
        if session.kind == "run":
            data[f"item-{p.pk}-distance"] = str(p.dose.get("distance", 3))
        data[f"item-{p.pk}-pain_during"] = str(pain if isinstance(pain, int) else pain.get(p.exercise.slug, 1))
    return data
