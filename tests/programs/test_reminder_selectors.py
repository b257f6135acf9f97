"""A day's planned items as a session reminder's lines, read from real stored plans in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import RunnerProfile, User
from exercises.catalogue_file import load_catalogue_file
from programs.clinical.dosing import describe
from programs.models import Plan, Prescription
from programs.reminders.messages import session_reminder
from programs.reminders.selectors import session_lines
from programs.selectors import plans as selectors
from programs.templatetags.plans import dose_text
from tests.factories.accounts import RunnerFactory
from tests.programs.plans import START, create_plan
from tests.programs.test_selectors import _healthy_in_miles

pytestmark = pytest.mark.django_db

MAX_QUERIES = 3  # sessions with their unit, their items, the plans' catalogue versions


def expected_lines(plan: Plan, date: dt.date) -> list[str] | None:
    """The day as Today shows it (the read model and the page's dose filter), one line per item; None on a rest day."""
    day = selectors.plan_day_read(plan, date)
    unit = day.week.unit if day.week is not None else "km"
    lines: list[str] = []
    for session in day.sessions:
        if session.kind == "rest":
            continue
        if session.warm_up:
            lines.append("Warm-up: …")  # its wording is checked on its own
        for item in session.items:
            assert item.spec is not None
            dose = dose_text(item.dose, item.spec) + (f" {unit}" if item.dose.get("distance") else "")
            lines.append(
                f"{item.spec.name}: {dose}" + (f", {item.times_per_day} times a day" if item.times_per_day > 1 else "")
            )
    return lines or None


def plan_dates(plan: Plan, weeks: int) -> list[dt.date]:
    return [plan.start + dt.timedelta(days=n) for n in range(7 * weeks)]


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=2)


@pytest.fixture
def plan_in_miles(other_runner: User, intake_data: dict[str, Any]) -> Plan:
    _healthy_in_miles(intake_data)
    made = create_plan(other_runner, intake_data, weeks=2)
    RunnerProfile.objects.filter(user=other_runner).update(units="mi")  # their Settings say miles too
    return made


def test_each_days_lines_are_its_planned_items_as_today_shows_them(plan: Plan) -> None:
    dates = plan_dates(plan, 2)
    found = session_lines((plan.pk, date) for date in dates)

    training_days = 0
    for date in dates:
        expected = expected_lines(plan, date)
        if expected is None:
            assert (plan.pk, date) not in found, date  # a rest day has nothing to remind of
            continue
        training_days += 1
        lines = found[(plan.pk, date)]
        assert [line if not line.startswith("Warm-up: ") else "Warm-up: …" for line in lines] == expected
    assert 0 < training_days < len(dates)  # the demo plan has both kinds of day


def test_the_warm_up_is_one_line_naming_each_step_and_its_dose(plan: Plan) -> None:
    day = next(d for d in plan_dates(plan, 2) if any(s.warm_up for s in selectors.plan_day_read(plan, d).sessions))
    warm_up = next(s.warm_up for s in selectors.plan_day_read(plan, day).sessions if s.warm_up)
    catalogue = selectors.catalogue_for(plan)

    lines = session_lines([(plan.pk, day)])[(plan.pk, day)]

    steps = [catalogue[step.exercise] for step in warm_up]
    assert lines[0] == "Warm-up: " + ", then ".join(
        f"{spec.name.lower()} ({describe(step.dose, spec.per_side)})" for spec, step in zip(steps, warm_up, strict=True)
    )
    assert lines[0].startswith(("Warm-up: cycling with clip-in pedals (5 min), then ", "Warm-up: brisk walk (5 min)"))
    assert sum(line.startswith("Warm-up") for line in lines) == 1


def test_a_run_is_given_in_the_runners_unit(plan: Plan, plan_in_miles: Plan) -> None:
    in_km = session_lines((plan.pk, date) for date in plan_dates(plan, 2))
    in_miles = session_lines((plan_in_miles.pk, date) for date in plan_dates(plan_in_miles, 2))

    run = re.compile(r"^(Easy run|Long run): \d+(\.\d+)? (km|miles)$")
    km_runs = [line for lines in in_km.values() for line in lines if run.match(line)]
    mile_runs = [line for lines in in_miles.values() for line in lines if run.match(line)]
    assert km_runs and all(line.endswith(" km") for line in km_runs)
    assert mile_runs and all(line.endswith(" miles") for line in mile_runs)
    distances = sorted(
        float(p.dose["distance"])
        for p in Prescription.objects.filter(plan=plan_in_miles, dose__has_key="distance", session__kind="run")
    )
    assert sorted(float(line.split(": ")[1].removesuffix(" miles")) for line in mile_runs) == distances


def test_lines_follow_the_stored_dose_a_physio_or_replan_set(plan: Plan) -> None:
    item = Prescription.objects.filter(plan=plan, session__date=START, session__kind="strength").order_by("position")[0]
    Prescription.objects.filter(pk=item.pk).update(dose={"sets": 4, "reps": [8, 8, 6, 6]})
    name = load_catalogue_file()[item.exercise.slug].name

    lines = session_lines([(plan.pk, START)])[(plan.pk, START)]

    assert f"{name}: 4 × 8, 8, 6, 6" in lines


def test_rest_days_dates_outside_the_plan_and_unknown_plans_are_absent(plan: Plan) -> None:
    rest_day = next(d for d in plan_dates(plan, 2) if expected_lines(plan, d) is None)
    training_day = next(d for d in plan_dates(plan, 2) if expected_lines(plan, d) is not None)

    found = session_lines(
        [
            (plan.pk, rest_day),
            (plan.pk, START - dt.timedelta(days=1)),
            (plan.pk, START + dt.timedelta(weeks=3)),
            (plan.pk + 1000, training_day),
            (plan.pk, training_day),
        ]
    )

    assert set(found) == {(plan.pk, training_day)}
    assert session_lines([]) == {}


def test_only_the_pairs_asked_for_come_back_when_plans_and_dates_cross(plan: Plan, plan_in_miles: Plan) -> None:
    days = [d for d in plan_dates(plan, 1) if expected_lines(plan, d) and expected_lines(plan_in_miles, d)][:2]
    assert len(days) == 2

    found = session_lines([(plan.pk, days[0]), (plan_in_miles.pk, days[1])])

    assert set(found) == {(plan.pk, days[0]), (plan_in_miles.pk, days[1])}


def test_no_slug_or_code_reaches_a_line(plan: Plan, plan_in_miles: Plan) -> None:
    slugs = {spec.slug for spec in load_catalogue_file().exercises}
    found = session_lines([(p.pk, d) for p in (plan, plan_in_miles) for d in plan_dates(p, 2)])

    for line in (line for lines in found.values() for line in lines):
        assert "_" not in line, line
        assert not any(re.search(rf"\b{slug}\b", line) for slug in slugs), line


def test_real_lines_give_the_session_reminder_its_subject(plan: Plan, plan_in_miles: Plan) -> None:
    strength_and_run = session_lines([(plan.pk, START)])[(plan.pk, START)]
    run_only_day = next(
        d
        for d in plan_dates(plan_in_miles, 2)
        if (lines := session_lines([(plan_in_miles.pk, d)]).get((plan_in_miles.pk, d))) and len(lines) == 1
    )
    run_only = session_lines([(plan_in_miles.pk, run_only_day)])[(plan_in_miles.pk, run_only_day)]

    assert session_reminder(day=START, lines=strength_and_run, today_url="https://x/").subject == (
        "Today: your exercises and an easy run"
    )
    assert re.fullmatch(
        r"Today: (easy|long) run, \d+(\.\d+)? miles",
        session_reminder(day=run_only_day, lines=run_only, today_url="https://x/").subject,
    )


def test_the_number_of_queries_does_not_grow_with_the_pairs(
    plan: Plan, intake_data: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    plans = [plan, *(create_plan(RunnerFactory(), intake_data, weeks=3) for _ in range(2))]
    fifty = [(p.pk, d) for p in plans for d in plan_dates(p, 3)][:50]
    assert len(fifty) == 50 and len({p for p, _ in fifty}) == 3
    session_lines(fifty)  # this process parses the plans' catalogue version once, then keeps it

    with CaptureQueriesContext(connection) as one_pair:
        assert session_lines(fifty[:1])
    with django_assert_max_num_queries(MAX_QUERIES), CaptureQueriesContext(connection) as fifty_pairs:
        found = session_lines(fifty)

    assert len(one_pair) == len(fifty_pairs) <= MAX_QUERIES
    assert len(found) > 25  # most of them are training days, each read
