"""The rules react to what is logged on the day it is logged, on a phone: a red flag answered after the day's run was
logged, the red-flag questions asked again after severe pain until answered, and a severe morning after a painful
session changing today's run."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import Plan, PlannedSession, Prescription
from programs.selectors.today import runner_today
from programs.services.logs import session_log_record
from tests.browser.conftest import WEEKDAYS, demo_intake, fill, plan_from

MORNING_FORM = "#morning-check form[data-offline-queue]"


def _plan_running_on(runner: User, *, offsets: tuple[int, ...], start_back: int = 7) -> Plan:
    """A plan with runs and strength on the runner's days `offsets` from today (0 = today), started a week ago."""
    today = runner_today(runner)
    days = sorted({(today.weekday() + k) % 7 for k in offsets})
    data = demo_intake(
        equipment=["mat", "band", "bike", "partner_or_anchor"], available_days=[WEEKDAYS[d] for d in days]
    )
    return plan_from(runner, data, start=today - dt.timedelta(days=start_back))


def _log_run(page: Page, session: PlannedSession, *, pain: int) -> None:
    prescription = Prescription.objects.get(session=session)
    within = f"#session-{session.pk} form[data-offline-queue]"
    fill(page, {f"item-{prescription.pk}-pain_during": str(pain)}, within=within)
    page.locator(within).get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".messages")).to_contain_text("Saved")


def _log_session_at(session: PlannedSession, runner: User, pain: int) -> None:
    session_log_record(
        session=session,
        runner=runner,
        entries=[
            {
                "prescription": p.pk,
                "sets_done": p.dose.get("sets"),
                "pain_during": pain,
                "completed_as_prescribed": True,
            }
            for p in Prescription.objects.filter(session=session)
        ],
    )


def test_a_red_flag_in_the_morning_check_after_the_days_run_was_logged_stops_the_plan(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = _plan_running_on(runner, offsets=(0, 2, 4))
    today = runner_today(runner)
    run = PlannedSession.objects.get(plan=plan, date=today, kind="run")
    sign_in(runner)
    page.goto("/")
    _log_run(page, run, pain=1)

    page.goto("/morning-check/")
    fill(
        page, {"next_morning_pain": "1", "any_red_flags": "yes", "red_flags": ["saddle_numbness"]}, within=MORNING_FORM
    )
    page.locator(MORNING_FORM).get_by_role("button", name="Save my morning check").click()
    page.wait_for_load_state()

    expect(page.locator(".messages")).to_contain_text("needs a clinician")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.NEEDS_CLINICIAN
    assert "saddle_numbness" in plan.state["reported_flags"]
    assert any("red flag" in line for line in plan.state["attention"]), "a linked physio sees it"


def test_logging_the_run_after_a_7_of_10_session_keeps_the_red_flag_questions_until_answered(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = _plan_running_on(runner, offsets=(0, 3))
    today = runner_today(runner)
    strength = PlannedSession.objects.get(plan=plan, date=today, kind="strength")
    _log_session_at(strength, runner, 7)
    plan.refresh_from_db()
    assert plan.state["recheck_red_flags"]
    run = PlannedSession.objects.get(plan=plan, date=today, kind="run")
    sign_in(runner)
    page.goto("/")
    _log_run(page, run, pain=1)

    plan.refresh_from_db()
    assert plan.state["recheck_red_flags"], "logging a run is not an answer to the questions"
    page.goto("/")
    expect(page.locator(MORNING_FORM)).to_be_visible()  # the questions wait on Today until answered, the same day too
    fill(page, {"next_morning_pain": "2", "any_red_flags": "no"}, within=MORNING_FORM)
    page.locator(MORNING_FORM).get_by_role("button", name="Save my answers").click()
    expect(page.locator(".messages")).to_contain_text("Thank you, your morning check is saved.")
    plan.refresh_from_db()
    assert not plan.state["recheck_red_flags"], "answering them ends the re-check"


def test_7_of_10_then_8_of_10_the_next_morning_changes_todays_run(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = _plan_running_on(runner, offsets=(-1, 0, 3))
    today = runner_today(runner)
    yesterday = PlannedSession.objects.filter(plan=plan, date=today - dt.timedelta(days=1), kind="strength").first()
    if yesterday is not None:
        _log_session_at(yesterday, runner, 7)
    assert PlannedSession.objects.filter(plan=plan, date=today, kind="run").exists()
    sign_in(runner)

    page.goto("/morning-check/")
    fill(page, {"next_morning_pain": "8", "any_red_flags": "no"}, within=MORNING_FORM)
    page.locator(MORNING_FORM).get_by_role("button", name="Save my morning check").click()
    expect(page.locator(".messages")).to_contain_text("Thank you, your morning check is saved.")

    assert not PlannedSession.objects.filter(plan=plan, date=today, kind="run").exists(), "today's run is off"
    walk = Prescription.objects.get(session__plan=plan, session__date=today, exercise__slug="brisk_walk")
    assert "Instead of your run" in walk.reason
    expect(page.locator("#content")).to_contain_text("Instead of your run")
