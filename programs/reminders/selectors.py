"""What the reminders read from stored plans: a day's planned items as the lines a session reminder lists.

Reminders go out in batches of hundreds of runners, so each read takes many (plan, date) pairs at once and runs a
fixed number of queries whatever their number (two, and one more per catalogue version this process has not
parsed yet).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery

from exercises.catalogue import Catalogue, dose_from_dict
from exercises.catalogue_file import load_catalogue_file
from programs.clinical.units import Distances
from programs.clinical.warm_up import warm_up_items, warm_up_slugs_from_text
from programs.models import PlannedSession, PlanWeek, Prescription
from programs.outputs.printing import dose_text
from programs.selectors.units import DEFAULT_UNIT
from programs.selectors.versions import catalogue_by_checksum
from programs.templatetags.plans import session_label


def session_lines(keys: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], list[str]]:
    """For (plan id, date) pairs, the day's planned items, one plain line each, in the order Today shows them: the
    warm-up as one line, then each exercise with its dose ('Nordic hamstring curl: 3 × 5') and each run with its
    distance in the runner's unit ('Easy run: 5 miles'). Pairs with no session (a rest day, a date outside the plan, an
    unknown plan) are absent."""
    wanted = set(keys)
    if not wanted:
        return {}
    # One condition per distinct date (a batch spans a few), each with its plans: exactly the pairs asked for.
    plans_by_date: dict[dt.date, set[int]] = {}
    for plan_id, day in wanted:
        plans_by_date.setdefault(day, set()).add(plan_id)
    pairs = functools.reduce(
        operator.or_, (Q(date=day, plan_id__in=sorted(plan_ids)) for day, plan_ids in plans_by_date.items())
    )
    unit = PlanWeek.objects.filter(plan=OuterRef("plan"), number=OuterRef("week_number")).values("unit")[:1]
    sessions = list(
        PlannedSession.objects.filter(pairs)
        .exclude(kind="rest")
        .annotate(
            unit=Subquery(unit),
            units=F("plan__runner__runner_profile__units"),
            catalogue=F("plan__catalogue_version__checksum"),
        )
        .order_by("plan_id", "date", "position")
        .values_list("id", "plan_id", "date", "kind", "warm_up", "unit", "units", "catalogue")
    )
    if not sessions:
        return {}
    items: dict[int, list[tuple[Any, ...]]] = {}
    for row in (
        Prescription.objects.filter(session_id__in=[session[0] for session in sessions])
        .order_by("session_id", "position")
        .values_list("session_id", "exercise__slug", "dose", "times_per_day")
    ):
        items.setdefault(row[0], []).append(row)
    catalogues = {checksum: _catalogue(checksum) for *_, checksum in sessions}
    lines: dict[tuple[int, dt.date], list[str]] = {}
    for session_id, plan_id, date, kind, warm_up, plan_unit, units, checksum in sessions:
        distances = Distances(stored=plan_unit or DEFAULT_UNIT, shown=units or plan_unit or DEFAULT_UNIT)
        lines.setdefault((plan_id, date), []).extend(
            _lines(kind, warm_up, items.get(session_id, ()), catalogues[checksum], distances)
        )
    return lines


def _catalogue(checksum: str | None) -> Catalogue:
    """A plan's pinned catalogue by its content's checksum: a version's data is large and the same for many plans, so
    it is read only when this process has not parsed it yet; a plan made before versions were kept has the file's."""
    found = catalogue_by_checksum(checksum) if checksum is not None else None
    return found if found is not None else load_catalogue_file()


def _lines(
    kind: str, warm_up: str, items: Iterable[tuple[Any, ...]], catalogue: Catalogue, distances: Distances
) -> list[str]:
    lines = []
    warm_up_line = _warm_up_line(warm_up, catalogue, distances.words)
    if warm_up_line:
        lines.append(warm_up_line)
    for _, slug, stored_dose, times_per_day in items:
        spec = catalogue.by_slug.get(slug)
        if spec is None:  # an exercise the pinned catalogue no longer names: nothing plain to say about it
            continue
        if stored_dose.get("distance") is not None:
            stored_dose = {**stored_dose, "distance": distances.show(stored_dose["distance"])}
        line = f"{spec.name}: {dose_text(dose_from_dict(stored_dose), spec, distances.words)}"
        lines.append(f"{line}, {times_per_day} times a day" if times_per_day > 1 else line)
    # A session with nothing to list (a run with no set distance) still happens that day.
    return lines or [session_label(kind)]


def _warm_up_line(warm_up: str, catalogue: Catalogue, unit: str) -> str:
    """'Warm-up: cycling with clip-in pedals (5 min), then leg swings (1 × 10 each leg)'."""
    slugs = tuple(slug for slug in warm_up_slugs_from_text(warm_up) if slug in catalogue)
    # The pain limit is not part of the line; the items' doses are what the read model rebuilds for Today.
    steps = [
        f"{catalogue[step.exercise].name.lower()} ({dose_text(step.dose, catalogue[step.exercise], unit)})"
        for step in warm_up_items(slugs, catalogue, pain_limit=0)
    ]
    return f"Warm-up: {', then '.join(steps)}" if steps else ""
