"""The calendar subscription (`calendar-feed`): a runner's current plan as all-day events, read with icalendar."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from accounts.models import RunnerProfile, User
from programs.models import Plan, PlannedSession
from programs.services.logs import session_log_record
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


def _feed_url(user: User) -> str:
    return reverse("programs:calendar-feed", args=[RunnerProfile.objects.get(user=user).calendar_token])


def _events(client: Client, url: str) -> list[Any]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def _log_painful_strength(plan: Plan, runner: User) -> None:
    session = (
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False)
        .order_by("date", "position")
        .first()
    )
    assert session is not None
    entries = [
        {"prescription": p.pk, "pain_during": 5, "pain_after": 5, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def test_one_all_day_event_per_planned_session_and_run(client: Client, runner: User, plan: Plan) -> None:
    planned = list(PlannedSession.objects.filter(plan=plan).exclude(kind="rest").values_list("date", "kind"))
    events = _events(client, _feed_url(runner))
    assert len(events) == len(planned) > 0
    assert sorted(e.decoded("dtstart") for e in events) == sorted(date for date, _ in planned)
    assert len({str(e["uid"]) for e in events}) == len(events)
    for event in events:
        summary = str(event["summary"])
        assert "_" not in summary and summary[0].isupper()
        assert "/plans/" in str(event["url"])
        assert str(event["url"]).startswith("http")


def test_summaries_and_descriptions_are_plain_words(client: Client, runner: User, plan: Plan) -> None:
    events = _events(client, _feed_url(runner))
    summaries = {str(e["summary"]) for e in events}
    assert any(s.startswith("Strength · about ") and s.endswith(" min") for s in summaries), summaries
    strength = next(e for e in events if str(e["summary"]).startswith("Strength"))
    description = str(strength["description"])
    assert "•" in description and "Open the day in RehabPlan: http" in description
    assert "_" not in description.split("Open the day")[0]
    runs = [s for s in summaries if " km" in s or " miles" in s]
    kinds = set(PlannedSession.objects.filter(plan=plan).values_list("kind", flat=True))
    if "run" in kinds:
        assert runs or any(s.startswith("Walk") for s in summaries), summaries


def test_runs_follow_the_runners_units(client: Client, runner: User, plan: Plan) -> None:
    if not PlannedSession.objects.filter(plan=plan, kind="run").exists():
        pytest.skip("the demo plan has no run")
    km = {str(e["summary"]) for e in _events(client, _feed_url(runner)) if " km" in str(e["summary"])}
    RunnerProfile.objects.filter(user=runner).update(units="mi")
    miles = {str(e["summary"]) for e in _events(client, _feed_url(runner)) if " miles" in str(e["summary"])}
    assert len(km) > 0 and len(miles) > 0


def test_the_same_uids_after_a_replan(client: Client, runner: User, plan: Plan) -> None:
    url = _feed_url(runner)
    before = {str(e["uid"]): e for e in _events(client, url)}
    _log_painful_strength(plan, runner)
    after = {str(e["uid"]): e for e in _events(client, url)}
    assert set(after) == set(before)
    assert plan.changes.exists(), "a painful session makes the rules change the plan"
    changed = [uid for uid in after if after[uid]["description"] != before[uid]["description"]]
    assert changed, "the replan shows in the events it changed, under the same UIDs"


def test_the_feed_needs_no_login_and_an_unknown_token_is_a_404(client: Client, runner: User, plan: Plan) -> None:
    assert client.get(_feed_url(runner)).status_code == 200
    assert client.get(reverse("programs:calendar-feed", args=["not-a-real-token"])).status_code == 404


def test_another_runners_feed_has_only_their_plan(client: Client, runner: User, other_runner: User, plan: Plan) -> None:
    events = _events(client, _feed_url(other_runner))
    assert events == []


def test_a_new_link_makes_the_old_one_404(client: Client, runner: User, plan: Plan) -> None:
    old = _feed_url(runner)
    client.force_login(runner)
    response = client.post(reverse("programs:calendar-token-regenerate"))
    assert response.status_code == 302
    new = _feed_url(runner)
    assert new != old
    assert client.get(old).status_code == 404
    assert len(_events(client, new)) > 0
    page = client.get(reverse("programs:settings")).content.decode()
    assert new in page and "webcal://" in page and old not in page


def test_with_htmx_a_new_link_swaps_only_the_calendar_section(client: Client, runner: User, plan: Plan) -> None:
    old = _feed_url(runner)
    client.force_login(runner)
    response = client.post(reverse("programs:calendar-token-regenerate"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    section = response.content.decode()
    assert section.lstrip().startswith('<section id="calendar"')
    assert _feed_url(runner) in section and old not in section
    assert "The old link no longer works" in section
    assert "<html" not in section


def test_a_replan_that_drops_sessions_adds_no_new_events(client: Client, runner: User, plan: Plan) -> None:
    url = _feed_url(runner)
    before = {str(e["uid"]) for e in _events(client, url)}
    entries_pain = 7
    session = PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False).order_by("date")[0]
    entries = [
        {"prescription": p.pk, "pain_during": entries_pain, "pain_after": entries_pain, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)
    after = {str(e["uid"]) for e in _events(client, url)}
    assert after <= before and after


def test_a_plan_waiting_for_a_clinician_has_no_events(
    client: Client, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["bladder_or_bowel_change"] = True
    create_plan(runner, intake_data, weeks=4)
    assert _events(client, _feed_url(runner)) == []


def test_the_feed_reads_a_fixed_number_of_queries_whatever_the_plan_length(
    client: Client, runner: User, other_runner: User, intake_data: dict[str, Any]
) -> None:
    create_plan(runner, intake_data, weeks=2)
    create_plan(other_runner, intake_data, weeks=12)
    counts = []
    for user in (runner, other_runner):
        url = _feed_url(user)
        with CaptureQueriesContext(connection) as queries:
            assert len(_events(client, url)) > 0
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
