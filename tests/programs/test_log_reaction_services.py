"""Through the services: a log of today reacts from today's sessions still to do (the morning check before the daily
sweep, a run logged before the morning check)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.models import User
from programs.models import PlannedSession, Prescription
from programs.selectors.today import runner_today
from programs.services.logs import day_log_record
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def test_after_four_weeks_with_nothing_logged_the_morning_check_holds_todays_nordic_too(
    runner: User, intake_data: dict[str, Any]
) -> None:
    today = runner_today(runner)
    intake_data.update(
        equipment=["mat", "band", "bike", "partner_or_anchor"],
        available_days=[WEEKDAYS[today.weekday()], WEEKDAYS[(today.weekday() + 3) % 7]],
    )
    plan = create_plan(runner, intake_data, weeks=8, start=today - dt.timedelta(weeks=4))
    assert Prescription.objects.filter(plan=plan, slot="nordic_curl", session__date=today).exists()

    day_log_record(runner=runner, date=today, values={"next_morning_pain": 1, "red_flags": []})

    doses = [
        p.dose
        for p in Prescription.objects.filter(plan=plan, slot="nordic_curl", session__date__gte=today).order_by(
            "session__date"
        )[:3]
    ]
    assert len(doses) == 3 and doses[0] == doses[1] == doses[2], doses


def test_a_run_logged_at_severe_pain_takes_the_weeks_other_runs_off_and_asks_again(
    runner: User, intake_data: dict[str, Any]
) -> None:
    today = runner_today(runner)
    intake_data["available_days"] = list(WEEKDAYS)
    plan = create_plan(runner, intake_data, weeks=4, start=today)
    week_end = today + dt.timedelta(days=7)
    runs = list(PlannedSession.objects.filter(plan=plan, kind="run", date__lt=week_end).order_by("date"))
    assert len(runs) >= 2

    day_log_record(runner=runner, date=runs[0].date, values={"ran_distance": 5, "run_pain": 8})

    assert not PlannedSession.objects.filter(plan=plan, kind="run", date__gt=runs[0].date, date__lt=week_end).exists()
    plan.refresh_from_db()
    assert plan.state["recheck_red_flags"] and plan.state["running_cut_to"] is not None
