"""A physio's clearance page: the referral a patient's plan is held by, and the form that clears it after assessment.

Clearing goes through the service the API calls (programs.services.care.plan_clinician_clear): a stopped plan is
made from the start date, the decision is recorded by that physio, and the runner sees who cleared them, when and
what was found, on Today and on the plan pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanChangeKind, PlanStatus
from programs.models import Plan, PlanChange, PlannedSession
from programs.services.logs import day_log_record, session_log_record
from programs.services.revisions import PLAN_CHANGED_MESSAGE
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan
from tests.programs.test_program_editor_views import form_fields
from tests.programs.test_today_views import TODAY_QUERY_BUDGET

pytestmark = pytest.mark.django_db

NOTE = "Night pain is positional; no red flag on examination"


def _url(plan: Plan) -> str:
    return reverse("programs:plan-clearance", args=[plan.runner_id, plan.pk])


@pytest.fixture
def stopped_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    intake_data["symptoms"]["fever_or_unwell"] = True
    plan = create_plan(runner, intake_data, weeks=4)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    return plan


@pytest.fixture
def advisory_plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    intake_data["symptoms"].update(onset="sudden", location="sit_bone", weeks_since_onset=0.3, pain_walking=1)
    plan = create_plan(runner, intake_data, weeks=6)
    assert plan.status == PlanStatus.ACTIVE and not plan.referral["stops_plan"]
    return plan


def _clear(client: Client, plan: Plan, **data: Any) -> Any:
    """The form as the page sends it, read at the plan's revision now."""
    revision = Plan.objects.get(pk=plan.pk).revision
    return client.post(
        _url(plan), {"note": NOTE, "start": START.isoformat(), "confirm": "on", "revision": revision, **data}
    )


def test_the_page_shows_what_was_reported_and_defaults_the_start_to_the_runners_today(
    client: Client, physio: User, stopped_plan: Plan
) -> None:
    client.force_login(physio)
    with at(START + dt.timedelta(days=2)):
        response = client.get(_url(stopped_plan))
    assert response.status_code == 200
    page = main_text(response.content)
    assert "What was reported" in page and "Urgent" in page
    assert "What we noticed fever or feeling unwell" in page
    assert stopped_plan.referral["message"] in page
    assert f'value="{(START + dt.timedelta(days=2)).isoformat()}"' in response.content.decode()


def test_a_physio_reaches_the_page_from_the_patients_plan(client: Client, physio: User, stopped_plan: Plan) -> None:
    client.force_login(physio)
    with at(START):
        page = client.get(reverse("programs:plan-detail", args=[stopped_plan.pk])).content.decode()
    assert f'href="{_url(stopped_plan)}"' in page


def test_clearing_a_stopped_plan_makes_it_from_the_start_and_records_who_and_what(
    client: Client, physio: User, stopped_plan: Plan
) -> None:
    start = START + dt.timedelta(days=3)
    client.force_login(physio)
    with at(START):
        response = _clear(client, stopped_plan, note=f"  {NOTE}  ", start=start.isoformat())

    assert response.status_code == 302
    assert response["Location"] in {
        reverse("programs:patient-detail", args=[stopped_plan.runner_id]),
        reverse("programs:patients"),
    }
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.ACTIVE and stopped_plan.referral is None
    assert stopped_plan.start == start
    dates = PlannedSession.objects.filter(plan=stopped_plan).values_list("date", flat=True)
    assert dates and min(dates) >= start
    decision = PlanChange.objects.get(plan=stopped_plan, kind=PlanChangeKind.CLEARANCE)
    assert decision.author == physio and decision.reason == NOTE and decision.effective_from == start
    assert stopped_plan.clinician_clearance["physio"] == physio.email


def test_the_runner_sees_the_clearance_on_today_and_the_plan_pages(
    client: Client, runner: User, physio: User, stopped_plan: Plan
) -> None:
    physio.first_name, physio.last_name = "Pat", "Lee"
    physio.save()
    client.force_login(physio)
    with at(START):
        assert _clear(client, stopped_plan).status_code == 302

    client.force_login(runner)
    line = f"Cleared by Pat Lee on Mon 23 Nov: {NOTE}. Your plan starts from Mon 23 Nov."
    with at(START):
        assert line in main_text(client.get("/").content)
        assert line in main_text(client.get(reverse("programs:plan-detail", args=[stopped_plan.pk])).content)
        assert line in main_text(client.get(reverse("programs:plan-changes", args=[stopped_plan.pk])).content)
        assert "Please see a clinician" not in main_text(client.get("/").content)


def test_today_with_a_clearance_stays_within_its_query_budget(
    client: Client, runner: User, physio: User, stopped_plan: Plan, django_assert_max_num_queries: Any
) -> None:
    """The heaviest Today (the morning after a logged session: the morning check and what changed) plus the line."""
    client.force_login(physio)
    with at(START):
        _clear(client, stopped_plan)
    session = PlannedSession.objects.filter(plan=stopped_plan, kind="strength").order_by("date").first()
    assert session is not None
    session_log_record(
        session=session,
        runner=runner,
        entries=[{"prescription": p.pk, "pain_during": 1} for p in session.prescriptions.all()],
    )
    client.force_login(runner)
    for day in (session.date, session.date + dt.timedelta(days=1)):
        with at(day), django_assert_max_num_queries(TODAY_QUERY_BUDGET):
            assert "Cleared by" in main_text(client.get("/").content)


def test_clearing_an_advisory_says_the_full_plan_continues(
    client: Client, runner: User, physio: User, advisory_plan: Plan
) -> None:
    start = START + dt.timedelta(days=7)
    client.force_login(physio)
    with at(START):
        assert _clear(client, advisory_plan, start=start.isoformat()).status_code == 302
    advisory_plan.refresh_from_db()
    assert advisory_plan.referral is None and advisory_plan.start == START

    client.force_login(runner)
    with at(START):
        assert "Your full plan continues from Mon 30 Nov." in main_text(client.get("/").content)


def test_an_empty_note_is_a_400_that_keeps_the_start_date(client: Client, physio: User, stopped_plan: Plan) -> None:
    start = (START + dt.timedelta(days=5)).isoformat()
    client.force_login(physio)
    with at(START):
        response = _clear(client, stopped_plan, note="   ", start=start)

    assert response.status_code == 400
    assert "Record what the assessment found." in main_text(response.content)
    assert f'value="{start}"' in response.content.decode()
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN and stopped_plan.clinician_clearance is None
    assert not PlanChange.objects.filter(plan=stopped_plan, kind=PlanChangeKind.CLEARANCE).exists()


def test_a_start_before_the_runners_today_or_no_confirmation_is_refused(
    client: Client, physio: User, stopped_plan: Plan
) -> None:
    client.force_login(physio)
    with at(START + dt.timedelta(days=1)):
        response = _clear(client, stopped_plan, start=START.isoformat())
        assert response.status_code == 400
        assert "(the runner's today) or later" in main_text(response.content)
        assert NOTE in main_text(response.content)  # what was typed is kept
        response = client.post(_url(stopped_plan), {"note": NOTE, "start": START.isoformat()})
        assert response.status_code == 400 and "Tick the box" in main_text(response.content)
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN


def test_a_plan_with_nothing_to_clear_says_so(client: Client, physio: User, runner: User, intake_data: Any) -> None:
    plan = create_plan(runner, intake_data, weeks=1)
    assert plan.referral is None
    client.force_login(physio)
    with at(START):
        assert "no open red flag to clear" in main_text(client.get(_url(plan)).content)
        response = _clear(client, plan)
    assert response.status_code == 400 and "no open red flag to clear" in main_text(response.content)


def test_outsiders_get_a_404_and_a_runner_a_403(
    client: Client,
    runner: User,
    other_runner: User,
    physio: User,
    other_physio: User,
    stopped_plan: Plan,
    intake_data: dict[str, Any],
) -> None:
    with at(START):
        assert client.get(_url(stopped_plan)).status_code == 302  # anonymous: log in first
        client.force_login(other_physio)
        assert client.get(_url(stopped_plan)).status_code == 404
        assert _clear(client, stopped_plan).status_code == 404
        client.force_login(runner)
        assert client.get(_url(stopped_plan)).status_code == 403
        assert _clear(client, stopped_plan).status_code == 403
        # The physio's own patient id with another runner's plan: no such plan for them.
        elsewhere = create_plan(other_runner, {**intake_data}, weeks=1)
        client.force_login(physio)
        assert client.get(reverse("programs:plan-clearance", args=[runner.pk, elsewhere.pk])).status_code == 404
        assert client.get(reverse("programs:plan-clearance", args=[other_runner.pk, elsewhere.pk])).status_code == 404
    stopped_plan.refresh_from_db()
    assert stopped_plan.status == PlanStatus.NEEDS_CLINICIAN


def test_a_red_flag_reported_while_the_physio_was_clearing_is_shown_not_cleared_unseen(
    client: Client, physio: User, runner: User, advisory_plan: Plan
) -> None:
    client.force_login(physio)
    with at(START):
        fields = form_fields(client.get(_url(advisory_plan)).content)
        day_log_record(runner=runner, date=START, values={"red_flags": ["bladder_or_bowel_change"]})
        refused = client.post(_url(advisory_plan), {**fields, "note": NOTE, "confirm": "on"})
    assert refused.status_code == 409
    page = main_text(refused.content)
    assert PLAN_CHANGED_MESSAGE in page and NOTE in page
    assert "The plan is stopped" in page, "what was reported, as it is now"
    advisory_plan.refresh_from_db()
    assert advisory_plan.status == PlanStatus.NEEDS_CLINICIAN and advisory_plan.clinician_clearance is None
    assert form_fields(refused.content)["revision"] == str(advisory_plan.revision)
