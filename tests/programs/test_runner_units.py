"""One unit for a runner: their Settings' choice on every page, the print-out, the calendar feed, the reminders and the
API, while the plan keeps the unit its intake was answered in; a run typed in miles is stored in the plan's km."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from accounts.models import RunnerProfile, User
from programs.clinical.config import MILES_TO_KM
from programs.clinical.units import Distances
from programs.models import DayLog, ExerciseLog, Plan, PlannedSession, Prescription
from programs.reminders.selectors import session_lines
from programs.selectors.units import reason_shown
from tests.api.conftest import client_for
from tests.factories.accounts import CareLinkFactory, PhysioFactory
from tests.pages import at, main_text
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    """A plan answered in km, for a runner who then chose miles in Settings."""
    intake_data["units"] = "km"
    made = create_plan(runner, intake_data, weeks=4)
    RunnerProfile.objects.filter(user=runner).update(units="mi")
    runner.refresh_from_db()
    return made


def _first_run(plan: Plan) -> Prescription:
    run = (
        Prescription.objects.filter(plan=plan, session__kind="run", dose__distance__isnull=False)
        .select_related("session")
        .order_by("session__date")
        .first()
    )
    assert run is not None, "the demo intake books runs"
    return run


def _page_text(content: bytes) -> str:
    """The printable page has no <main>: all of its text."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content.decode())))


def _miles(km: float) -> str:
    return f"{round(km / MILES_TO_KM, 1):g} miles"


def test_distances_typed_in_either_unit_read_back_as_typed() -> None:
    for stored, shown in (("km", "mi"), ("mi", "km")):
        distances = Distances(stored=stored, shown=shown)
        for tenths in range(1, 1000):
            typed = Decimal(tenths) / 10
            assert distances.show(distances.store(typed)) == float(typed), (stored, typed)
    assert Distances("km", "km").store(Decimal("4.7")) == Decimal("4.7")
    assert Distances("km", "mi").text(4.7) == "2.9 miles"


def test_the_same_run_reads_the_same_in_miles_on_every_surface(client: Client, runner: User, plan: Plan) -> None:
    run = _first_run(plan)
    session = run.session
    shown = _miles(run.dose["distance"])
    assert not shown.startswith(f"{run.dose['distance']:g} ")  # the test would pass in km otherwise
    client.force_login(runner)
    with at(session.date):
        pages = {
            "today": client.get("/"),
            "week": client.get(reverse("programs:plan-week", args=[plan.pk, session.week_number])),
            "day": client.get(reverse("programs:plan-day", args=[plan.pk, session.date])),
            "print": client.get(reverse("programs:plan-print", args=[plan.pk])),
        }
        api_day = client_for(runner).get(f"/api/v1/plans/{plan.pk}/days/{session.date.isoformat()}/").json()
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = main_text(response.content) if name != "print" else _page_text(response.content)
        assert shown in text, (name, shown)
    assert api_day["unit"] == "mi"
    api_runs = [i for s in api_day["sessions"] for i in s["items"] if i.get("distance") is not None]
    assert f"{api_runs[0]['distance']:g} miles" == shown

    feed = client.get(reverse("programs:calendar-feed", args=[RunnerProfile.objects.get(user=runner).calendar_token]))
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert any(shown in str(event["summary"]) for event in events if event.decoded("dtstart") == session.date)

    (lines,) = session_lines([(plan.pk, session.date)]).values()
    assert any(line.endswith(f": {shown}") for line in lines), lines


def test_progress_shows_the_weeks_running_in_miles(client: Client, runner: User, plan: Plan) -> None:
    week = plan.plan_weeks.order_by("number").first()
    assert week is not None and week.target_distance
    client.force_login(runner)
    with at(plan.start + dt.timedelta(days=1)):
        text = main_text(client.get(reverse("programs:progress")).content)
    assert _miles(float(week.target_distance)) in text
    assert "in miles" in text


def _log_run(client: Client, session: PlannedSession, distance: str) -> None:
    data: dict[str, Any] = {"client_id": str(uuid.uuid4()), "notes": ""}
    for prescription in session.prescriptions.all():
        data[f"item-{prescription.pk}-distance"] = distance
        data[f"item-{prescription.pk}-pain_during"] = "1"
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), data)
    assert response.status_code == 302, main_text(response.content)


def test_a_run_logged_in_miles_is_stored_in_km_and_reads_back_in_miles(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first_run(plan).session
    client.force_login(runner)
    with at(session.date):
        form_page = client.get("/").content.decode()
    assert "Distance run (miles)" in form_page
    _log_run(client, session, "3.0")
    log = ExerciseLog.objects.get(session_log__session=session)
    assert log.distance == Decimal("4.83")  # 3.0 × 1.609344 km, to the hundredth
    assert DayLog.objects.get(runner=runner, date=session.date).ran_distance == Decimal("4.83")
    with at(session.date):
        text = main_text(client.get("/").content)
    assert ": 3.0 miles, pain" in text  # the run's line on its card, in the unit it was typed in

    physio = PhysioFactory()
    CareLinkFactory(physio=physio, runner=runner)
    client.force_login(physio)
    with at(session.date):
        physio_text = main_text(client.get(reverse("programs:patient-detail", args=[runner.pk])).content)
    assert "3 miles" in physio_text


def test_the_prescribed_distance_typed_back_in_miles_is_all_of_it(client: Client, runner: User, plan: Plan) -> None:
    run = _first_run(plan)
    client.force_login(runner)
    _log_run(client, run.session, f"{round(run.dose['distance'] / MILES_TO_KM, 1):.1f}")
    assert ExerciseLog.objects.get(session_log__session=run.session).completed_as_prescribed is True


def test_a_runner_who_keeps_the_plans_unit_sees_and_stores_it_unchanged(
    client: Client, runner: User, plan: Plan
) -> None:
    RunnerProfile.objects.filter(user=runner).update(units="km")
    run = _first_run(plan)
    client.force_login(runner)
    with at(run.session.date):
        assert f"{run.dose['distance']:g} km" in main_text(client.get("/").content)
    _log_run(client, run.session, "4.7")
    assert ExerciseLog.objects.get(session_log__session=run.session).distance == Decimal("4.7")


def test_a_runs_reason_names_its_distances_in_the_runners_unit() -> None:
    reason = "Easy run: 10.5 km of this week's 31.6 km; you can talk in full sentences"
    assert reason_shown(reason, Distances("km", "mi")) == (
        "Easy run: 6.5 miles of this week's 19.6 miles; you can talk in full sentences"
    )
    assert reason_shown(reason, Distances("km", "km")) == reason
    assert reason_shown("Long run: 4 mi of this week's 12 mi", Distances("mi", "km")) == (
        "Long run: 6.4 km of this week's 19.3 km"
    )
