"""The exercises a plan gives on some days, for the pages kept on the runner's phone (rehabplan.pwa)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from exercises.models import Exercise
from programs.clinical.warm_up import warm_up_slugs_from_text
from programs.models import Plan, PlannedSession


def exercises_between(plan: Plan, first: dt.date, last: dt.date) -> list[str]:
    """Slugs of the active exercises prescribed on those days, or opening a session there as its warm-up, by name;
    two queries whatever the number of days."""
    warm_ups = PlannedSession.objects.filter(plan=plan, date__range=(first, last)).exclude(warm_up="")
    warm_up = {slug for text in warm_ups.values_list("warm_up", flat=True) for slug in warm_up_slugs_from_text(text)}
    given = Q(prescriptions__plan=plan, prescriptions__session__date__range=(first, last)) | Q(slug__in=warm_up)
    return list(
        Exercise.objects.active().filter(given).distinct().order_by("name", "slug").values_list("slug", flat=True)
    )
