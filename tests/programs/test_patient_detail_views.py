"""A physio's patient page (`patient-detail`): the plan, every log, the Progress charts, the decisions and the thread,
for actively linked patients only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts import care
from accounts.models import CareLinkStatus, Message, User
from programs.models import DayLog, Plan, PlanChange, PlannedSession, SessionLog
from programs.services.logs import day_log_record, session_log_record
from tests.factories.accounts import CareLinkFactory, MessageFactory, PhysioFactory
from tests.factories.programs import PlanChangeFactory, SessionLogFactory
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db


def _physio() -> User:
    return cast(User, PhysioFactory())


def _url(runner: User) -> str:
    return reverse("programs:patient-detail", args=[runner.pk])


def _strength_sessions(plan: Plan) -> list[PlannedSession]:
    return list(
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False)
        .distinct()
        .order_by("date")
    )


def _log_strength(session: PlannedSession, runner: User, pain: int, *, notes: str = "", rpe: int = 6) -> SessionLog:
    entries = [
        {
            "prescription": p.pk,
            "pain_during": pain,
            "pain_after": pain,
            "rpe": rpe,
            "completed_as_prescribed": True,
            "notes": notes,
        }
        for p in session.prescriptions.all()
    ]
    with at(session.date, hour=18):
        return session_log_record(session=session, runner=runner, entries=entries, notes=notes)


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


@pytest.fixture
def logged(plan: Plan, runner: User) -> dict[str, Any]:
    """The first strength session logged at pain 6 (the rules regress), a morning check at 4 with a red-flag answer,
    and the page read the day after."""
    first = _strength_sessions(plan)[0]
    _log_strength(first, runner, pain=6, notes="Tight on the left", rpe=7)
    morning = first.date + dt.timedelta(days=1)
    with at(morning):
        day_log_record(runner=runner, date=morning, values={"next_morning_pain": 4, "red_flags": []})
    DayLog.objects.filter(runner=runner, date=morning).update(stiffness=3, red_flags=["night_pain"])
    return {"session": first, "morning": morning, "today": morning}


def _get(client: Client, user: User, runner: User, on: dt.date = START) -> HttpResponse:
    client.force_login(user)
    with at(on):
        return cast(HttpResponse, client.get(_url(runner)))


def _section(response: HttpResponse, section_id: str) -> str:
    page = response.content.decode()
    start = page.find(f'<section id="{section_id}"')
    assert start != -1, section_id
    return main_text(("<main>" + page[start : page.find("</section>", start)]).encode())


# ---------------------------------------------------------------- who may read it


def test_a_linked_physio_reads_the_plan_logs_charts_decisions_and_thread(
    client: Client, physio: User, runner: User, plan: Plan, logged: dict[str, Any]
) -> None:
    care.message_send(author=physio, other_id=runner.pk, body="How were the bridges?")
    care.message_send(author=runner, other_id=physio.pk, body="A bit tight, fine otherwise.")
    response = _get(client, physio, runner, on=logged["today"])
    assert response.status_code == 200
    text = main_text(response.content)
    assert runner.email in text
    assert "Hamstring" in text or "week 1" in text.lower()

    plan_text = _section(response, "plan")
    assert "Week 1 (this week)" in plan_text and "Week 4" in plan_text
    assert "Source" in plan_text  # every item's source is one click away for the physio
    today = logged["today"]
    assert re.search(
        rf'<li class="today" aria-current="date">\s*<strong>{today:%a} {today.day} {today:%b}</strong>',
        response.content.decode(),
    )

    logs = _section(response, "logs")
    first = logged["session"].date
    assert f"{first:%a} {first.day} {first:%b} · Strength" in logs
    assert "6/10 6/10 7 Tight on the left" in logs  # pain during, after, RPE, the exercise's notes
    assert "Their note: Tight on the left" in logs
    morning = logged["morning"]
    assert f"{morning:%a} {morning.day} {morning:%b} 4/10 3/10 no" in logs
    assert "Pain at rest or at night that wakes you" in logs  # the red-flag answer in words, not its name
    assert "night_pain" not in logs

    assert len(re.findall(r"<svg\b", _section_markup(response, "charts"))) >= 2

    decisions = _section(response, "decisions")
    assert PlanChange.objects.filter(plan=plan).exists()
    assert "Decided by the plan's rules" in decisions  # the physio reads it about the runner

    thread = _section(response, "messages")
    assert thread.index("A bit tight, fine otherwise.") < thread.index("How were the bridges?")  # newest first
    assert "New" in thread


def _section_markup(response: HttpResponse, section_id: str) -> str:
    page = response.content.decode()
    start = page.find(f'<section id="{section_id}"')
    assert start != -1, section_id
    return page[start : page.find("</section>", start)]


def test_the_list_links_each_patient_to_their_page(client: Client, physio: User, runner: User, plan: Plan) -> None:
    client.force_login(physio)
    with at(START):
        page = client.get(reverse("programs:patients")).content.decode()
    assert f'href="{_url(runner)}"' in page


def test_every_decision_is_listed_newest_first_with_author_and_reason(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    for n in range(12):  # more than the runner's Progress page shows
        PlanChangeFactory(plan=plan, kind="hold", reason=f"Reason number {n:02d}", author=physio)
    decisions = _section(_get(client, physio, runner), "decisions")
    reasons = re.findall(r"Reason number (\d\d)", decisions)
    assert reasons[:12] == [f"{n:02d}" for n in range(11, -1, -1)]
    assert "Decided by you" in decisions


def test_without_a_plan_the_page_still_shows_the_runner_and_the_thread(
    client: Client, physio: User, runner: User
) -> None:
    response = _get(client, physio, runner)
    assert response.status_code == 200
    text = main_text(response.content)
    assert "No plan yet" in text
    assert "No session logged yet." in text
    assert "Sessions of earlier plans" not in text
    assert 'id="messages"' in response.content.decode()


@pytest.mark.parametrize("who", ["other_physio", "invited_physio", "unknown_runner"])
def test_anyone_but_an_actively_linked_physio_gets_404(
    client: Client, who: str, runner: User, plan: Plan, other_physio: User
) -> None:
    MessageFactory(physio=other_physio, runner=runner, author=other_physio, body="never shown")
    target = runner
    reader = other_physio
    if who == "invited_physio":
        reader = _physio()
        CareLinkFactory(physio=reader, runner=runner, status=CareLinkStatus.INVITED, consented_at=None)
    elif who == "unknown_runner":
        reader = _physio()
        target = User(pk=2**31 - 1)
    response = _get(client, reader, target)
    assert response.status_code == 404
    assert runner.email not in response.content.decode()
    client.force_login(reader)
    post = client.post(reverse("programs:patient-messages", args=[target.pk]), {"body": "hello"})
    assert post.status_code == 404
    assert Message.objects.count() == 1


def test_revoking_closes_the_page_at_once(client: Client, physio: User, runner: User, plan: Plan) -> None:
    assert _get(client, physio, runner).status_code == 200
    care.care_link_revoke(runner=runner, physio_id=physio.pk)
    assert _get(client, physio, runner).status_code == 404
    client.force_login(physio)
    assert (
        client.post(reverse("programs:patient-messages", args=[runner.pk]), {"body": "still there?"}).status_code == 404
    )
    assert not Message.objects.exists()


def test_a_runner_is_refused_and_an_anonymous_visitor_sent_to_log_in(
    client: Client, runner: User, other_runner: User, plan: Plan
) -> None:
    assert _get(client, runner, runner).status_code == 403
    assert _get(client, other_runner, runner).status_code == 403
    response = Client().get(_url(runner))
    assert response.status_code == 302 and reverse("accounts:login") in response.headers["Location"]


# ---------------------------------------------------------------- writing to the runner


def test_sending_stores_the_message_and_goes_back_to_the_thread(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    response = client.post(
        reverse("programs:patient-messages", args=[runner.pk]), {"body": "  Try the bridges slower.  "}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == _url(runner) + "#messages"
    message = Message.objects.get()
    assert (message.physio, message.runner, message.author, message.body) == (
        physio,
        runner,
        physio,
        "Try the bridges slower.",
    )


@pytest.mark.parametrize(("body", "error"), [("   ", "Write something to send."), ("x" * 5001, "5000 characters")])
def test_a_bad_message_is_a_400_keeping_what_was_typed(
    client: Client, physio: User, runner: User, plan: Plan, body: str, error: str
) -> None:
    client.force_login(physio)
    with at(START):
        response = client.post(reverse("programs:patient-messages", args=[runner.pk]), {"body": body})
    assert response.status_code == 400
    assert error in main_text(response.content)
    if body.strip():
        assert body in response.content.decode()
    assert not Message.objects.exists()


def test_opening_the_page_marks_the_runners_messages_read(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    mine = care.message_send(author=physio, other_id=runner.pk, body="from the physio")
    theirs = care.message_send(author=runner, other_id=physio.pk, body="from the runner")
    other_physio = _physio()
    CareLinkFactory(physio=other_physio, runner=runner)
    elsewhere = care.message_send(author=runner, other_id=other_physio.pk, body="to someone else")
    _get(client, physio, runner)
    for message in (mine, theirs, elsewhere):
        message.refresh_from_db()
    assert theirs.read_at is not None
    assert mine.read_at is None and elsewhere.read_at is None
    assert "New" not in _section(_get(client, physio, runner), "messages")


# ---------------------------------------------------------------- bounded queries


# Session and user (2), the zone middleware's profile read (1), the link check (1), the access-log entry (1), the
# patient's row (9), the plan (1), the thread and marking it read (4 with the savepoint), day logs (1), the plan read
# (4), the Progress read (5), session notes (1), earlier plans (1).
QUERY_BUDGET = 31


@pytest.mark.parametrize("weeks", [4, 24])
def test_the_page_runs_the_same_bounded_queries_for_a_short_plan_and_a_24_week_plan_with_many_logs(
    weeks: int,
    client: Client,
    physio: User,
    runner: User,
    intake_data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    long_plan = create_plan(runner, intake_data, weeks=weeks)
    sessions = [
        s
        for s in PlannedSession.objects.filter(plan=long_plan).exclude(kind="rest").order_by("date")
        if s.date < START + dt.timedelta(weeks=6)
    ]
    for session in sessions:
        log = SessionLogFactory(session=session, runner=runner, notes="ok")
        for p in session.prescriptions.all():
            log.exercise_logs.create(prescription=p, pain_during=2, pain_after=1, rpe=5, completed_as_prescribed=True)
    DayLog.objects.bulk_create(
        DayLog(runner=runner, date=START + dt.timedelta(days=d), next_morning_pain=d % 4) for d in range(42)
    )
    for n in range(30):
        MessageFactory(physio=physio, runner=runner, author=runner if n % 2 else physio, body=f"note {n}")
    today = START + dt.timedelta(weeks=6)
    with at(today):
        client.force_login(physio)
        client.get(_url(runner))  # warm the per-process catalogue and pathway caches
        Message.objects.update(read_at=None)
        with django_assert_max_num_queries(QUERY_BUDGET):
            response = cast(HttpResponse, client.get(_url(runner)))
    assert response.status_code == 200
    assert len(sessions) > (20 if weeks == 24 else 10)
    logs = _section(response, "logs")
    assert logs.count(" · Strength") >= 8 and logs.count("2/10 1/10 5") >= 20
    assert len(re.findall(r"<svg\b", _section_markup(response, "charts"))) == 3


def test_the_actions_link_to_the_physio_pages_and_clearance_only_with_a_referral(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    def actions() -> str:
        page = _get(client, physio, runner).content.decode()
        start = page.find('<nav class="patient-actions"')
        return page[start : page.find("</nav>", start)]

    links = actions()
    assert f'href="{reverse("programs:program-assign", args=[runner.pk])}"' in links
    assert f'href="{reverse("programs:program-edit", args=[runner.pk, plan.pk])}"' in links
    assert f'href="{reverse("programs:plan-print", args=[plan.pk])}"' in links
    assert f'href="{reverse("programs:plan-pdf", args=[plan.pk])}"' in links
    clearance = f'href="{reverse("programs:plan-clearance", args=[runner.pk, plan.pk])}"'
    assert clearance not in links
    Plan.objects.filter(pk=plan.pk).update(
        referral={"urgency": "soon", "message": "Get the swelling checked.", "reasons": ["swelling"]}
    )
    links = actions()
    assert clearance in links and "Clear red flags" in links
    assert "Get the swelling checked." in _section(_get(client, physio, runner), "referral")


def test_earlier_plans_are_linked_from_the_logs(
    client: Client, physio: User, runner: User, plan: Plan, intake_data: dict[str, Any]
) -> None:
    Plan.objects.filter(pk=plan.pk).update(status="ended")
    newer = create_plan(runner, intake_data, weeks=2, start=START + dt.timedelta(weeks=1))
    logs = _section_markup(_get(client, physio, runner), "logs")
    assert f'href="{reverse("programs:plan-detail", args=[plan.pk])}"' in logs
    assert f'href="{reverse("programs:plan-detail", args=[newer.pk])}"' not in logs
    assert "(ended)" in logs


def test_a_plan_stopped_for_a_clinician_renders_without_weeks(
    client: Client, physio: User, runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"]["saddle_numbness"] = True
    stopped = create_plan(runner, intake_data, weeks=4)
    assert stopped.status == "needs_clinician"
    response = _get(client, physio, runner)
    assert response.status_code == 200
    assert "Stopped for a clinician's assessment" in _section(response, "referral")
    assert "Red flag" in main_text(response.content)
