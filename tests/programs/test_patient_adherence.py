"""Adherence has one definition (programs.selectors.patients): the patient list, the patient page and the API show
the same figure, and a session logged today counts at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.models import Plan, PlannedSession
from programs.selectors import patients
from tests.api.conftest import client_for
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan
from tests.programs.test_patients import log_session, sessions_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _first_training_day(plan: Plan) -> dt.date:
    first = PlannedSession.objects.filter(plan=plan).exclude(kind="rest").order_by("date").first()
    assert first is not None and first.date >= START
    return first.date


def test_a_session_logged_today_counts_the_same_on_the_list_the_page_and_the_api(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    today = _first_training_day(plan)
    todays = sessions_on(plan, today)
    log_session(todays[0], pain=1)

    row = patients.patient_row(physio, runner.pk, today=today)
    assert row is not None
    assert (row.adherence_7.planned, row.adherence_7.done) == (1, 1), "today's other sessions are not missed yet"
    figure = "100% (1 of 1)"

    client.force_login(physio)
    with at(today, hour=19):
        listed = main_text(client.get(reverse("programs:patients")).content)
        page = main_text(client.get(reverse("programs:patient-detail", args=[runner.pk])).content)
        api = client_for(physio).get(f"/api/v1/patients/{runner.pk}/").json()

    assert figure in listed and "nothing planned" not in listed
    assert f"Done, last 7 days: {figure}" in page
    assert api["adherence_7"] == {"percent": 100, "planned": 1, "done": 1}


def test_a_session_of_today_not_logged_yet_is_not_counted_as_missed(physio: User, runner: User, plan: Plan) -> None:
    today = _first_training_day(plan)

    row = patients.patient_row(physio, runner.pk, today=today)

    assert row is not None and row.adherence_7 == patients.NOTHING_PLANNED
