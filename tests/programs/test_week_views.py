"""The Week page (`plans:week`: one line a day with its status), the Week tab (`plans:current-week`) and the Plan page
(`plans:detail`: one line a week). Plans are made and logged through the real services; the clock is moved with
time_machine so "today" falls inside the plan."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanStatus
from programs.clinical.sources import source_notes
from programs.models import Plan, PlannedSession
from programs.services.logs import session_log_record
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db


def _at(date: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC), tick=False)


def _visible(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _day_lines(page: str) -> list[tuple[str, str]]:
    """(class, visible text) of each line of the week's day list."""
    listing = page[page.index('<ul class="week-days">') :]
    listing = listing[: listing.index("</ul>")]
    return [(css, _visible(body)) for css, body in re.findall(r'<li(?: class="([^"]*)")?>(.*?)</li>', listing, re.S)]


def _work_sessions(plan: Plan, week: int) -> list[PlannedSession]:
    return list(PlannedSession.objects.filter(plan=plan, week_number=week).exclude(kind="rest").order_by("date"))


def _log_painless(session: PlannedSession, runner: User) -> None:
    entries = [
        {"prescription": p.pk, "pain_during": 1, "pain_after": 1, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, 4)


@pytest.fixture
def signed_in(client: Client, runner: User) -> Iterator[Client]:
    client.force_login(runner)
    yield client


def test_each_day_is_one_line_with_done_missed_today_and_coming(plan: Plan, runner: User, signed_in: Client) -> None:
    work_days = sorted({s.date for s in _work_sessions(plan, 1)})
    assert len(work_days) >= 4, "the demo intake trains on most days of the week"
    logged_day, missed_day, today, coming_day = work_days[0], work_days[1], work_days[2], work_days[3]
    with _at(logged_day):
        for session in PlannedSession.objects.filter(plan=plan, date=logged_day).exclude(kind="rest"):
            _log_painless(session, runner)
    with _at(today):
        page = signed_in.get(reverse("programs:plan-week", args=[plan.pk, 1])).content.decode()

    lines = dict(zip([START + dt.timedelta(days=i) for i in range(7)], _day_lines(page), strict=True))
    assert lines[logged_day][0] == "done" and lines[logged_day][1].endswith("Done ✓")
    assert lines[missed_day][0] == "missed" and lines[missed_day][1].endswith("Missed")
    assert lines[today][0] == "today" and lines[today][1].endswith("Today")
    assert lines[coming_day][0] == "coming" and lines[coming_day][1].endswith("Coming")
    assert lines[logged_day][1].startswith(f"{logged_day:%a} {logged_day.day} {logged_day:%b} · ")
    for date in work_days:
        assert f'href="{reverse("programs:plan-day", args=[plan.pk, date.isoformat()])}"' in page


def test_a_line_names_the_session_its_minutes_and_the_run_in_the_runners_units(
    plan: Plan, runner: User, signed_in: Client
) -> None:
    with _at(START):
        page = signed_in.get(reverse("programs:plan-week", args=[plan.pk, 1])).content.decode()
    texts = [text for _, text in _day_lines(page)]
    strength = next(s for s in _work_sessions(plan, 1) if s.kind == "strength")
    strength_line = texts[(strength.date - START).days]
    assert "Strength · about " in strength_line and " min" in strength_line
    runs = [s for s in _work_sessions(plan, 1) if s.kind == "run"]
    for run in runs:
        distance = run.prescriptions.get().dose["distance"]
        assert f"{distance:g} km" in texts[(run.date - START).days]
    assert "_" not in " ".join(texts), "no slugs on a runner's page"


def test_the_weeks_running_target_and_stage_head_the_page_with_links_to_the_other_weeks(
    plan: Plan, signed_in: Client
) -> None:
    week = plan.plan_weeks.get(number=2)
    with _at(START):
        response = signed_in.get(reverse("programs:plan-week", args=[plan.pk, 2]))
    page = response.content.decode()
    text = _visible(page)
    if week.target_distance:
        assert f"Running up to {float(week.target_distance):g} km in at most {week.max_runs} runs" in text
    else:
        assert "No running this week" in text
    assert "Week 2 · " in text
    assert reverse("programs:plan-week", args=[plan.pk, 1]) in page
    assert reverse("programs:plan-week", args=[plan.pk, 3]) in page
    with _at(START):
        last = signed_in.get(reverse("programs:plan-week", args=[plan.pk, 4])).content.decode()
    assert reverse("programs:plan-week", args=[plan.pk, 5]) not in last


def test_the_week_tab_opens_the_week_of_today(plan: Plan, signed_in: Client) -> None:
    with _at(START + dt.timedelta(days=9)):
        response = signed_in.get(reverse("programs:current-week"))
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:plan-week", args=[plan.pk, 2])
    with _at(START - dt.timedelta(days=3)):
        before = signed_in.get(reverse("programs:current-week"))
    assert before["Location"] == reverse("programs:plan-week", args=[plan.pk, 1])


def test_the_week_tab_without_a_plan_goes_home(client: Client, other_runner: User, physio: User) -> None:
    for user in (other_runner, physio):
        client.force_login(user)
        response = client.get(reverse("programs:current-week"))
        assert response.status_code == 302
        assert response["Location"] == reverse("programs:home")


def test_the_week_tab_follows_the_current_plan_not_an_ended_one(
    plan: Plan, runner: User, intake_data: dict[str, Any], signed_in: Client
) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ENDED)
    newer = create_plan(runner, intake_data, 4)
    with _at(START):
        response = signed_in.get(reverse("programs:current-week"))
    assert response["Location"] == reverse("programs:plan-week", args=[newer.pk, 1])


def test_another_runner_cannot_see_the_week(plan: Plan, client: Client, other_runner: User) -> None:
    client.force_login(other_runner)
    assert client.get(reverse("programs:plan-week", args=[plan.pk, 1])).status_code == 404


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_week_page_reads_the_same_few_queries_for_a_short_and_a_long_plan(
    runner: User, intake_data: dict[str, Any], signed_in: Client, django_assert_max_num_queries: Any
) -> None:
    short = create_plan(runner, intake_data, 1)
    long = create_plan(runner, intake_data, 26)
    for plan in (short, long):
        first = PlannedSession.objects.filter(plan=plan).exclude(kind="rest").order_by("date").first()
        assert first is not None
        with _at(first.date):
            _log_painless(first, runner)
    with _at(START + dt.timedelta(days=2)):
        counts = [_page_queries(signed_in, reverse("programs:plan-week", args=[p.pk, 1])) for p in (short, long)]
        assert counts[0] == counts[1]
        # the session and user, the plan, the runner's profile, then the read model's week (at most 6)
        with django_assert_max_num_queries(10):
            signed_in.get(reverse("programs:plan-week", args=[long.pk, 1]))


def test_the_plan_page_is_one_line_a_week_with_sessions_done_and_this_week_marked(
    plan: Plan, runner: User, signed_in: Client, django_assert_max_num_queries: Any
) -> None:
    first = _work_sessions(plan, 1)[0]
    with _at(first.date):
        _log_painless(first, runner)
    with _at(START + dt.timedelta(days=8)), django_assert_max_num_queries(8):
        page = signed_in.get(reverse("programs:plan-detail", args=[plan.pk])).content.decode()
    listing = page[page.index('<ul class="plan-weeks">') :]
    listing = listing[: listing.index("</ul>")]
    rows = re.findall(r"<li([^>]*)>(.*?)</li>", listing, re.S)
    assert len(rows) == 4
    planned = [len(_work_sessions(plan, n)) for n in range(1, 5)]
    for number, (attributes, body) in enumerate(rows, start=1):
        done = 1 if number == 1 else 0
        text = _visible(body)
        assert text.startswith(f"Week {number}")
        assert f"{done} of {planned[number - 1]} sessions done" in text
        assert ("this-week" in attributes) == (number == 2)
    assert "(this week)" in _visible(rows[1][1])


def test_the_runner_reads_why_the_running_is_set_without_source_codes_which_their_physio_sees(
    plan: Plan, client: Client, runner: User, physio: User
) -> None:
    week = plan.plan_weeks.get(number=1)
    assert week.running_reason and week.running_source
    for user, sees_sources in ((runner, False), (physio, True)):
        client.force_login(user)
        with _at(START):
            text = _visible(client.get(reverse("programs:plan-week", args=[plan.pk, 1])).content.decode())
        assert week.running_reason in text
        assert week.running_source not in text and "§" not in text
        first = source_notes(week.running_source)[0]
        assert (first.plain in text) is sees_sources and (first.citation in text) is sees_sources
