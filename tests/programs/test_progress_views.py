"""The Progress page (`progress`) and the decisions timeline it shares with `plans:changes`.

Plans are made and logged through the real services, as Today does; the clock is moved with time_machine so
"so far" is a known day of the plan.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanChangeKind
from programs.models import Plan, PlanChange, PlannedSession, Prescription, SessionLog
from programs.services.care import prescription_override
from programs.services.logs import day_log_record, session_log_record
from programs.templatetags.plans import decision_reason
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

URL = "/progress/"
FILL_IN = "Your charts fill in as you log"


@contextmanager
def on(date: dt.date) -> Iterator[None]:
    with time_machine.travel(dt.datetime(date.year, date.month, date.day, 12, tzinfo=dt.UTC), tick=False):
        yield


def _visible(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def _main(response: HttpResponse) -> str:
    page = response.content.decode()
    return page[page.find("<main>") :]


def _section(response: HttpResponse, title_id: str) -> str:
    """The visible text of one section of the page, found by its heading's id."""
    page = _main(response)
    start = page.find(f'id="{title_id}"')
    assert start != -1, title_id
    section = re.sub(r"<svg\b.*?</svg>", " ", page[start : page.find("</section>", start)], flags=re.S)
    return _visible(section)


def _svgs(response: HttpResponse) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", response.content.decode(), re.S)


def _sessions(plan: Plan, kind: str) -> list[PlannedSession]:
    return list(
        PlannedSession.objects.filter(plan=plan, kind=kind, prescriptions__isnull=False).distinct().order_by("date")
    )


def _log_strength(session: PlannedSession, runner: User, pain: int) -> SessionLog:
    entries = [
        {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    return session_log_record(session=session, runner=runner, entries=entries)


def _log_run(session: PlannedSession, runner: User, distance: float, pain: int) -> SessionLog:
    """As Today stores a run: the run session's distance and pain, and the same run as the day's run."""
    entries = [{"prescription": p.pk, "distance": distance, "pain_during": pain} for p in session.prescriptions.all()]
    day = {"ran_distance": distance, "run_pain": pain, "tightness_after_running": False}
    return session_log_record(session=session, runner=runner, entries=entries, day=day)


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, 4)


# ---------------------------------------------------------------- who sees the page


def test_anonymous_is_sent_to_log_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_physio_gets_404(client: Client, physio: User, plan: Plan) -> None:
    client.force_login(physio)
    assert client.get(URL).status_code == 404


def test_the_progress_tab_is_current(client: Client, runner: User, plan: Plan) -> None:
    with on(START):
        client.force_login(runner)
        page = client.get(reverse("programs:progress")).content.decode()
    assert f'<a href="{URL}" aria-current="page">Progress</a>' in page


def test_without_a_plan_the_runner_is_invited_to_start_one(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.get(URL)
    assert response.status_code == 200
    text = _visible(_main(response))
    assert "You have no plan yet" in text
    assert f'href="{reverse("programs:intake-start")}"' in _main(response)
    assert not _svgs(response)


def test_before_the_plan_starts_the_page_says_when(client: Client, runner: User, plan: Plan) -> None:
    with on(START - dt.timedelta(days=2)):
        client.force_login(runner)
        response = client.get(URL)
    text = _visible(_main(response))
    assert f"Your plan starts on {START:%A} {START.day} {START:%B}" in text
    assert FILL_IN in text
    assert "Nothing has changed yet" in text
    assert not _svgs(response)


def test_on_the_first_day_with_nothing_logged_the_charts_wait(client: Client, runner: User, plan: Plan) -> None:
    with on(START):
        client.force_login(runner)
        response = client.get(URL)
    text = _visible(_main(response))
    assert FILL_IN in text
    assert "Nothing logged yet" in _section(response, "pain-title")
    assert "No sessions were due yet" in _section(response, "sessions-title")
    # Only the week's running target is drawn so far, with nothing run against it yet.
    [running] = _svgs(response)
    assert "Running each week" in running
    target = plan.plan_weeks.get(number=1)
    assert f"Week 1 {target.target_distance:g} {target.unit} 0 {target.unit}" in _section(response, "running-title")


# ---------------------------------------------------------------- the charts from real logs


@pytest.fixture
def logged_plan(plan: Plan, runner: User) -> dict[str, Any]:
    """The first strength session at pain 6, the next morning at 3, the first run 3.5 long at pain 2;
    the second strength session left undone; the page is read the day after the run."""
    strength = _sessions(plan, "strength")
    painful = strength[0]
    first_run = next(run for run in _sessions(plan, "run") if run.date != painful.date)
    with on(painful.date):
        _log_strength(painful, runner, pain=6)
    morning = painful.date + dt.timedelta(days=1)
    with on(morning):
        day_log_record(runner=runner, date=morning, values={"next_morning_pain": 3, "red_flags": []})
    with on(first_run.date):
        _log_run(first_run, runner, distance=3.5, pain=2)
    today = max(first_run.date, strength[1].date) + dt.timedelta(days=1)
    assert today < START + dt.timedelta(days=7), "the demo plan's first week has two strength sessions and a run"
    return {"painful": painful, "morning": morning, "run": first_run, "today": today}


def test_the_charts_show_what_was_logged(client: Client, runner: User, plan: Plan, logged_plan: dict[str, Any]) -> None:
    with on(logged_plan["today"]):
        client.force_login(runner)
        response = client.get(URL)
    assert response.status_code == 200
    assert len(_svgs(response)) == 3
    assert FILL_IN not in _visible(_main(response))

    due = PlannedSession.objects.filter(plan=plan, date__lt=logged_plan["today"]).exclude(kind="rest").count()
    done = SessionLog.objects.filter(session__plan=plan).count()
    assert done == 2 and due > done
    sessions = _section(response, "sessions-title")
    assert f"Week 1 {done} {due} {round(100 * done / due)}%" in sessions

    pain = _section(response, "pain-title")
    painful, morning, run = logged_plan["painful"].date, logged_plan["morning"], logged_plan["run"].date
    assert f"{painful:%a} {painful.day} {painful:%b} 6 –" in pain
    if run == morning:  # one row for the date: the run's pain during and that morning's pain
        assert f"{run:%a} {run.day} {run:%b} 2 3" in pain
    else:
        assert f"{morning:%a} {morning.day} {morning:%b} – 3" in pain
        assert f"{run:%a} {run.day} {run:%b} 2 –" in pain
    limit = plan.pain_limits["during"]
    assert f"Your plan's limit during exercise is {limit} out of 10" in pain

    running = _section(response, "running-title")
    target = plan.plan_weeks.get(number=1).target_distance
    unit = plan.plan_weeks.get(number=1).unit
    # The run is stored as the session's distance and as the day's run: it counts once.
    assert f"Week 1 {target:g} {unit} 3.5 {unit}" in running
    assert "Week 2" not in running


def test_the_svg_loads_nothing_and_runs_nothing(client: Client, runner: User, logged_plan: dict[str, Any]) -> None:
    with on(logged_plan["today"]):
        client.force_login(runner)
        response = client.get(URL)
    svgs = _svgs(response)
    assert svgs
    for svg in svgs:
        assert "<script" not in svg
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", svg)
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert 'role="img"' in svg and "<title>" in svg
    assert "kozea" not in response.content.decode().lower()


def test_another_runners_logs_and_decisions_never_show(
    client: Client, runner: User, other_runner: User, plan: Plan, intake_data: dict[str, Any]
) -> None:
    others = create_plan(other_runner, intake_data, 4)
    painful = _sessions(others, "strength")[0]
    with on(painful.date):
        _log_strength(painful, other_runner, pain=7)
    assert PlanChange.objects.filter(plan=others).exists()
    with on(painful.date + dt.timedelta(days=1)):
        client.force_login(runner)
        response = client.get(URL)
    assert "Nothing logged yet" in _section(response, "pain-title")
    assert "Nothing has changed yet" in _section(response, "changes-title")
    assert all(
        decision_reason(change.reason) not in _visible(_main(response))
        for change in PlanChange.objects.filter(plan=others)
    )


# ---------------------------------------------------------------- the decisions timeline


def test_the_timeline_lists_decisions_newest_first_and_who_decided(
    client: Client, runner: User, physio: User, plan: Plan, logged_plan: dict[str, Any]
) -> None:
    later = PlannedSession.objects.filter(plan=plan, kind="strength", date__gt=logged_plan["today"]).order_by("date")
    target = Prescription.objects.filter(session=later[0]).order_by("position").first()
    assert target is not None
    with on(logged_plan["today"]):
        override = prescription_override(
            prescription=target, physio=physio, dose={"sets": 2, "reps": 8}, reason="Easier while the knee settles."
        )
    rules = PlanChange.objects.filter(plan=plan, author__isnull=True).order_by("-created_at", "-id")
    assert rules.filter(kind=PlanChangeKind.REGRESS).exists()

    for url in (URL, reverse("programs:plan-changes", args=[plan.pk])):
        with on(logged_plan["today"]):
            client.force_login(runner)
            response = client.get(url)
        page = _main(response)
        start = page.find('<div class="timeline">')
        timeline = page[start : page.find("</ul>", start)]
        items = [_visible(item) for item in re.findall(r"<li\b.*?</li>", timeline, re.S)]
        assert "Decided by your physio" in items[0] and "plan's rules" not in items[0]
        assert decision_reason(override.reason) in items[0] and "Changed by your physio" in items[0]
        assert len(items) == 1 + rules.count()
        for item, change in zip(items[1:], rules, strict=True):
            assert decision_reason(change.reason) in item
            assert change.get_kind_display().lower() in item.lower()
            assert "Decided by your plan's rules" in item
        assert not re.search(r"\b(regress|override)\b", _visible(timeline)) and "_" not in _visible(timeline)


def test_progress_shows_the_newest_ten_decisions_and_links_to_every_change(
    client: Client, runner: User, plan: Plan, logged_plan: dict[str, Any]
) -> None:
    for session in _sessions(plan, "strength")[2:5]:
        with on(session.date):
            _log_strength(session, runner, pain=2)
    decisions = list(PlanChange.objects.filter(plan=plan).order_by("-created_at", "-id"))
    assert len(decisions) > 10
    changes_url = reverse("programs:plan-changes", args=[plan.pk])
    counts = {}
    for url in (URL, changes_url):
        with on(START + dt.timedelta(days=20)):
            client.force_login(runner)
            page = _main(client.get(url))
        start = page.find('<div class="timeline">')
        items = re.findall(r"<li\b.*?</li>", page[start : page.find("</ul>", start)], re.S)
        counts[url] = len(items)
        assert decision_reason(decisions[0].reason) in _visible(items[0])
        assert (f'href="{changes_url}"' in page) is (url == URL)
    assert counts == {URL: 10, changes_url: len(decisions)}


# ---------------------------------------------------------------- query budget


def _queries(client: Client, user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_one_and_26_weeks(
    client: Client,
    runner: User,
    other_runner: User,
    intake_data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    counts = []
    for user, weeks in ((runner, 1), (other_runner, 26)):
        plan = create_plan(user, intake_data, weeks)
        session = _sessions(plan, "strength")[0]
        with on(session.date):
            _log_strength(session, user, pain=5)
        with on(START + dt.timedelta(days=6)):
            client.force_login(user)
            _queries(client, user)  # the catalogue is parsed once per process
            with django_assert_max_num_queries(12):
                counts.append(_queries(client, user))
    assert counts[0] == counts[1], counts
