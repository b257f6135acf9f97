"""Intakes: what a runner told us, kept as versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import User
from programs.models import Intake


@transaction.atomic
def intake_record(*, runner: User, data: Mapping[str, Any]) -> Intake:
    """Store a new version of the runner's intake (validated by IntakeSerializer). Old versions stay."""
    last = Intake.objects.for_runner(runner).aggregate(v=Max("version"))["v"] or 0
    return Intake.objects.create(runner=runner, version=last + 1, data=dict(data))
