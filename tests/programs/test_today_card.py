"""Today as a coach's card: the morning check only the morning after a session day, one id per control, a partial
session logged with pain for what was done, and each change line naming its exercise once."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.forms.logs import is_loggable
from programs.models import ExerciseLog, Plan, PlannedSession
from programs.selectors.plans import plan_day_read
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan, today_log_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _first_strength(plan: Plan) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    assert session is not None, "the demo intake gives a strength session"
    return session


def test_the_evening_of_the_first_day_asks_the_red_flag_questions_about_now_not_this_morning(
    client: Client, runner: User, plan: Plan
) -> None:
    session = _first_strength(plan)
    client.force_login(runner)
    with at(session.date, hour=19):
        evening = main_text(client.get("/").content)
        assert "Morning check" not in evening and "this morning" not in evening  # nothing yet on the first evening
        client.post(reverse("programs:session-log", args=[session.pk]), today_log_data(session, 8))
        plan.refresh_from_db()
        assert plan.state.get("recheck_red_flags"), "severe pain asks the red-flag questions again"
        evening = main_text(client.get("/").content)
    # Severe pain: the red-flag questions at once, about now; never "You trained yesterday" or "this morning".
    assert "After that painful session" in evening and "How is the back of your thigh now" in evening
    assert "Anything new since that session?" in evening
    assert "A change in bladder or bowel control" in evening
    assert "You trained yesterday" not in evening and "this morning" not in evening


def _day_with_two_forms_after_a_session_day(plan: Plan) -> dt.date:
    for n in range(1, 28):
        day = START + dt.timedelta(days=n)
        loggable = [s for s in plan_day_read(plan, day).sessions if is_loggable(s)]
        yesterday = PlannedSession.objects.filter(plan=plan, date=day - dt.timedelta(days=1)).exclude(kind="rest")
        if len(loggable) >= 2 and yesterday.exists():
            return day
    pytest.fail("the demo plan has a day of two sessions after a session day")


def test_today_has_no_duplicate_ids_and_every_label_finds_its_control(client: Client, runner: User, plan: Plan) -> None:
    day = _day_with_two_forms_after_a_session_day(plan)
    client.force_login(runner)
    with at(day):
        content = client.get("/").content.decode()
    assert content.count("data-offline-queue") >= 3, "two sessions and the morning check, each with its form"
    ids = re.findall(r'\sid="([^"]+)"', content)
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', content):
        assert target in ids, f"a label for {target} finds nothing"


def test_a_partial_session_is_stored_with_pain_only_for_what_was_done(client: Client, runner: User, plan: Plan) -> None:
    session = _first_strength(plan)
    skipped, *done = list(session.prescriptions.select_related("exercise"))
    data = today_log_data(session, 1)
    for key in [k for k in data if k.startswith(f"item-{skipped.pk}-")]:
        del data[key]
    client.force_login(runner)
    with at(session.date):
        response = client.post(reverse("programs:session-log", args=[session.pk]), data)
        assert response.status_code == 302
        page = main_text(client.get("/").content)
    log = ExerciseLog.objects.get(session_log__session=session, prescription=skipped)
    assert (log.completed_as_prescribed, log.pain_during) == (False, None)
    assert all(e.completed_as_prescribed for e in ExerciseLog.objects.filter(prescription__in=done))
    assert f"{skipped.exercise.name}: not done." in page


def test_a_pain_reaction_is_one_line_that_names_the_exercise(client: Client, runner: User, plan: Plan) -> None:
    session = _first_strength(plan)
    hurt = session.prescriptions.select_related("exercise").order_by("pk").first()
    assert hurt is not None
    client.force_login(runner)
    with at(session.date):
        data = today_log_data(session, {hurt.exercise.slug: 7})
        client.post(reverse("programs:session-log", args=[session.pk]), data)
        content = client.get("/").content.decode()
    changes = content.split('class="changes"')[1].split("</ul>")[0]
    lines = [main_text(b"<main>" + line.encode()) for line in re.findall(r"<li[^>]*>(.*?)</li>", changes, re.DOTALL)]
    painful = [line for line in lines if "pain 7/10" in line]
    assert len(painful) == 1, lines
    assert re.match(rf"{re.escape(hurt.exercise.name)} (paused|stepped back):", painful[0]), painful
    assert len(lines) == len(set(lines)), "each line once"
    for line in lines:
        assert not re.search(r"(,|and) running\.", line), "no raw kind word"
        assert "the changes above" not in line and "below" not in line, "no line points at another"
        assert "paused" not in line or "you do less of it" not in line, "a pause does not read as going on"
