"""The physio's patient list page (home for a physio, and /patients/): the rows of programs.selectors.patients, filtered and
sorted from the form, and only actively linked runners."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import CareLinkStatus, User
from programs.models import Plan, PlannedSession
from tests.factories.accounts import CareLinkFactory, RunnerFactory
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan
from tests.programs.test_patients import clone_plan, log_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _page(client: Client, user: User, **query: str) -> tuple[int, str]:
    client.force_login(user)
    with at(START + dt.timedelta(days=9)):
        response = client.get(reverse("programs:patients"), query)
    return response.status_code, main_text(response.content)


def test_home_and_the_list_show_each_linked_patient_with_plain_facts(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    status, page = _page(client, physio)
    assert status == 200
    assert runner.email in page
    assert "week 2" in page
    assert "Done, last 7 days" in page and "Last next-morning pain" in page
    assert "overuse_ache" not in page  # the program's name, never its slug
    client.force_login(physio)
    with at(START + dt.timedelta(days=9)):
        assert runner.email in main_text(client.get(reverse("programs:home")).content)


def test_a_physio_sees_neither_unaccepted_nor_other_physios_patients(
    client: Client, physio: User, other_physio: User, runner: User, other_runner: User, plan: Plan
) -> None:
    CareLinkFactory(physio=physio, runner=other_runner, status=CareLinkStatus.INVITED, consented_at=None)
    _status, page = _page(client, physio)
    assert other_runner.email not in page
    _status, page = _page(client, other_physio)
    assert runner.email not in page
    assert "No patient has accepted an invitation from you yet." in page


def test_filters_and_sorting_from_the_form(client: Client, physio: User, runner: User, plan: Plan) -> None:
    other = RunnerFactory(email="second@example.test")
    CareLinkFactory(physio=physio, runner=other)
    copy = clone_plan(plan, other)
    for session in PlannedSession.objects.filter(plan=copy).exclude(kind="rest").order_by("date")[:2]:
        with at(session.date):
            log_session(session, pain=6)
    _status, page = _page(client, physio, flag="over_limit_twice")
    assert other.email in page and runner.email not in page
    assert "Pain above the limit in the last two logged exercises" in page
    _status, page = _page(client, physio, ordering="-last_pain")
    assert page.index(other.email) < page.index(runner.email)


def test_a_bad_choice_is_a_form_error_not_a_500(client: Client, physio: User, plan: Plan) -> None:
    status, page = _page(client, physio, ordering="drop table")
    assert status == 400
    assert "Select a valid choice" in page


def test_a_runner_cannot_open_the_list_and_an_anonymous_visitor_is_sent_to_log_in(
    client: Client, runner: User, plan: Plan
) -> None:
    status, _page_text = _page(client, runner)
    assert status == 403
    client.logout()
    response = Client().get(reverse("programs:patients"))
    assert response.status_code == 302 and reverse("accounts:login") in response.headers["Location"]


@pytest.mark.parametrize("size", [2, 200])
def test_the_list_renders_200_patients_in_the_same_bounded_queries(
    size: int, client: Client, physio: User, plan: Plan, django_assert_max_num_queries: Any
) -> None:
    for n in range(size - 1):
        patient = RunnerFactory(email=f"patient{n}@example.test")
        CareLinkFactory(physio=physio, runner=patient)
        if n < 5:  # plans for a few: the queries must not depend on how many have one
            clone_plan(plan, patient)
    client.force_login(physio)
    with at(START + dt.timedelta(days=9)), django_assert_max_num_queries(12):
        response = client.get(reverse("programs:patients"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row" data-label="Patient">') == size  # one row each


def test_each_heading_sorts_the_table_both_ways_keeping_the_filters(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    with at(START + dt.timedelta(days=9)):
        first = client.get(reverse("programs:patients")).content.decode()
        again = client.get(reverse("programs:patients"), {"pathway": "overuse_ache", "ordering": "-last_pain"})
    assert '<a href="?ordering=-last_pain">Last pain during exercise</a>' in first  # highest first
    assert '<a href="?ordering=name">Patient</a>' in first
    assert 'aria-sort="descending"><a href="?ordering=flags">Needs attention' in first  # the default order
    page = again.content.decode()
    assert again.status_code == 200
    assert 'aria-sort="descending"><a href="?pathway=overuse_ache&amp;ordering=last_pain">' in page
    assert 'data-label="Last pain during exercise"' in page  # each cell names its column for the phone's cards
