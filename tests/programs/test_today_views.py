"""Today (the runner's home), logging a session or run from it, and the morning check.

Plans are made through the real services; "today" is set with time-machine to a day of the plan.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanStatus
from programs.forms.logs import PAIN_MISSING, SCALE_MESSAGE
from programs.models import DayLog, Plan, PlanChange, PlannedSession, SessionLog
from programs.services.logs import session_log_record
from programs.templatetags.plans import decision_reason
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan, today_log_data

pytestmark = pytest.mark.django_db


def _first(plan: Plan, kind: str) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, kind=kind, prescriptions__isnull=False).order_by("date").first()
    assert session is not None, f"the demo intake gives a {kind} session"
    return session


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def test_today_shows_todays_session_with_dose_how_to_and_reason(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date):
        response = client.get("/")
    assert response.status_code == 200
    text = main_text(response.content)
    first = session.prescriptions.select_related("exercise").first()
    assert first is not None
    assert first.exercise.name in text
    assert "stop if pain goes above" in text
    assert "How to do it" in text
    assert f'action="{reverse("programs:session-log", args=[session.pk])}"' in response.content.decode()
    assert "When to stop and see someone" in text
    assert first.exercise.slug not in text or "_" not in first.exercise.slug


def test_a_rest_day_says_so_and_names_the_next_session(client: Client, runner: User, plan: Plan) -> None:
    planned = set(PlannedSession.objects.filter(plan=plan).values_list("date", flat=True))
    rest_day = next(START + dt.timedelta(days=n) for n in range(14) if START + dt.timedelta(days=n) not in planned)
    client.force_login(runner)
    with at(rest_day):
        text = main_text(client.get("/").content)
    assert "Rest day" in text
    assert "Next:" in text


def test_logging_at_pain_7_saves_once_and_shows_what_changed(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    data = today_log_data(session, pain=7)
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), data)
        assert response.status_code == 302
        page = main_text(client.get(response["Location"]).content)
        again = client.post(reverse("programs:session-log", args=[session.pk]), data)  # a retry of the same log
    assert again.status_code == 302
    assert SessionLog.objects.filter(session=session).count() == 1
    changes = PlanChange.objects.filter(cause_log__session=session)
    assert changes.exists()
    assert "Done ✓" in page
    assert "What changed because of it" in page
    for change in changes:
        assert decision_reason(change.reason) in page
    assert any(c.kind in ("regress", "pause") for c in changes)


def test_easy_sessions_are_logged_as_done_and_the_rules_progress_or_hold(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, pain=1))
    assert response.status_code == 302
    logs = SessionLog.objects.get(session=session).exercise_logs.all()
    assert logs and all(log.completed_as_prescribed and log.pain_during == 1 for log in logs)


def test_unticked_sets_are_logged_as_not_done(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date):
        client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, pain=1, all_sets=False))
    logs = SessionLog.objects.get(session=session).exercise_logs.all()
    assert any(not log.completed_as_prescribed for log in logs)


def test_missing_pain_is_a_message_next_to_the_field_and_what_was_typed_is_kept(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    data = today_log_data(session, pain=2)
    first = session.prescriptions.first()
    assert first is not None
    data[f"item-{first.pk}-pain_during"] = ""
    data["notes"] = "felt strong today"
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert PAIN_MISSING in page
    assert "felt strong today" in page
    assert not SessionLog.objects.filter(session=session).exists()


def test_a_run_logs_distance_pain_and_tightness(client: Client, runner: User, plan: Plan) -> None:
    session = PlannedSession.objects.filter(plan=plan, kind="run").order_by("date").first()
    if session is None:
        pytest.skip("the demo intake's plan has no run in its first weeks")
    client.force_login(runner)
    data = today_log_data(session, pain=2) | {"tightness_after": "yes"}
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), data)
    assert response.status_code == 302
    day = DayLog.objects.get(runner=runner, date=session.date)
    assert day.tightness_after_running is True
    assert day.run_pain == 2


def test_another_runners_session_is_a_404_and_nothing_is_stored(client: Client, other_runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(other_runner)
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, pain=1))
    assert response.status_code == 404
    assert not SessionLog.objects.exists()


def test_a_session_still_to_come_cannot_be_logged(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date - dt.timedelta(days=1)):
        response = client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, pain=1))
    assert response.status_code == 302
    assert not SessionLog.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client: Client, plan: Plan) -> None:
    session = _first(plan, "strength")
    for url in (reverse("programs:session-log", args=[session.pk]), reverse("programs:morning-check")):
        response = client.post(url, {})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_morning_after_a_session_day_asks_the_morning_check(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date):
        assert "Morning check" not in main_text(client.get("/").content)
    with at(session.date + dt.timedelta(days=1)):
        assert "Morning check" in main_text(client.get("/").content)
        client.post(reverse("programs:morning-check"), {"skip": "1"})
        assert "Morning check" not in main_text(client.get("/").content)


def test_rising_morning_pain_holds_the_load(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    morning = session.date + dt.timedelta(days=1)
    with at(morning):
        response = client.post(reverse("programs:morning-check"), {"next_morning_pain": "6", "any_red_flags": "no"})
        assert response.status_code == 302
        page = main_text(client.get("/").content)
    assert DayLog.objects.get(runner=runner, date=morning).next_morning_pain == 6
    plan.refresh_from_db()
    assert plan.state.get("load_hold_since")
    assert "held" in page.lower()


def test_a_morning_check_sent_twice_by_the_phone_is_recorded_once(client: Client, runner: User, plan: Plan) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    morning = session.date + dt.timedelta(days=1)
    check = {"client_id": str(uuid.uuid4()), "next_morning_pain": "2", "any_red_flags": "no"}
    with at(morning):
        assert client.post(reverse("programs:morning-check"), check).status_code == 302
        client.post(reverse("programs:morning-check"), {**check, "next_morning_pain": "3"})  # the queue replays it
    day = DayLog.objects.get(runner=runner, date=morning)
    assert (day.next_morning_pain, str(day.client_id)) == (2, check["client_id"])


def test_a_red_flag_at_the_morning_check_stops_the_plan_and_says_see_a_clinician(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date + dt.timedelta(days=1)):
        client.post(
            reverse("programs:morning-check"),
            {"next_morning_pain": "3", "any_red_flags": "yes", "red_flags": ["bladder_or_bowel_change"]},
        )
        page = main_text(client.get("/").content)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    assert "clinician" in page
    assert "Save this session" not in page


def test_a_morning_check_with_a_contradiction_is_re_rendered_with_the_message(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date + dt.timedelta(days=1)):
        response = client.post(reverse("programs:morning-check"), {"next_morning_pain": "12", "any_red_flags": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert SCALE_MESSAGE in page
    assert "Tick what you noticed" in page
    assert not DayLog.objects.exists()


TODAY_QUERY_BUDGET = 12  # session, user, profile, plan, the day (≤ 5), what changed, the morning check (≤ 2)


def _today_queries(
    client: Client, runner: User, intake_data: dict[str, Any], weeks: int, assert_max_queries: Any
) -> list[int]:
    """Queries of Today on a session day and on the morning after (a morning check and what changed to show)."""
    plan = create_plan(runner, intake_data, weeks=weeks)
    session = _first(plan, "strength")
    session_log_record(
        session=session,
        runner=runner,
        entries=[{"prescription": p.pk, "pain_during": 1} for p in session.prescriptions.all()],
    )
    client.force_login(runner)
    counts = []
    for day in (session.date, session.date + dt.timedelta(days=1)):
        with at(day), assert_max_queries(TODAY_QUERY_BUDGET), CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
    return counts


def test_today_renders_in_the_same_bounded_number_of_queries_for_1_and_26_weeks(
    client: Client,
    runner: User,
    other_runner: User,
    intake_data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    short = _today_queries(client, runner, intake_data, 1, django_assert_max_num_queries)
    long = _today_queries(client, other_runner, intake_data, 26, django_assert_max_num_queries)
    assert short == long


def test_today_html_css_and_js_stay_under_100_kb_on_every_day_of_the_first_weeks(
    client: Client, runner: User, plan: Plan
) -> None:
    from django.contrib.staticfiles import finders

    client.force_login(runner)
    heaviest = b""
    for n in range(21):  # session days, run days, mornings after: every kind of Today the plan has
        with at(START + dt.timedelta(days=n)):
            page = client.get("/").content
        heaviest = max(heaviest, page, key=len)
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', heaviest.decode())
    assert assets, "Today loads its stylesheet and scripts"
    total = len(heaviest) + sum(Path(str(finders.find(a))).stat().st_size for a in assets)
    assert total < 100_000, f"{total} bytes"


def test_today_links_this_week_and_the_decisions(client: Client, runner: User, plan: Plan) -> None:
    client.force_login(runner)
    with at(START):
        content = client.get("/").content.decode()
    assert f'href="{reverse("programs:plan-week", args=[plan.pk, 1])}"' in content
    assert f'href="{reverse("programs:plan-changes", args=[plan.pk])}"' in content


def test_a_runner_without_a_plan_is_invited_to_start_one(client: Client, runner: User) -> None:
    client.force_login(runner)
    page = main_text(client.get("/").content)
    assert "Welcome" in page
    assert "When to stop and see someone" in page
    assert not PlannedSession.objects.exists()


def test_after_severe_pain_the_red_flag_questions_are_asked_the_next_day_even_without_a_session(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first(plan, "strength")
    client.force_login(runner)
    with at(session.date):
        client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, pain=9))
    plan.refresh_from_db()
    assert plan.state.get("recheck_red_flags")
    planned = set(PlannedSession.objects.filter(plan=plan).values_list("date", flat=True))
    later = next(
        d
        for d in (session.date + dt.timedelta(days=n) for n in range(2, 14))
        if d - dt.timedelta(days=1) not in planned
    )
    with at(later):
        page = main_text(client.get("/").content)
    assert "Morning check" in page
    assert "pop" in page
