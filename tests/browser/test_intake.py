"""A new runner on a phone: sign up, answer the five intake steps, and land on Today with a plan."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from playwright.sync_api import Page, expect

from accounts.models import User
from programs.choices import PlanStatus
from programs.clinical.types import RED_FLAGS
from programs.models import Plan
from tests.browser.conftest import fill
from tests.factories.accounts import RunnerFactory

ANSWERS: dict[str, Mapping[str, str | Sequence[str]]] = {
    "about-you": {"age": "41", "sex": "female", "units": "km"},
    "running": {
        "weekly_distance": "48",
        "runs_per_week": "5",
        "longest_run": "18",
        "months_running": "72",
        "races_per_year": "6",
        "does_speed_work": "yes",
        "goal": "return_to_running",
    },
    "hamstring": {
        "side": "left",
        "onset": "gradual",
        "weeks_since_onset": "3",
        "pain_at_rest": "0",
        "pain_walking": "0",
        "pain_running": "3",
        "location": "mid_thigh",
        "worse_when": ["long_runs"],
        "previous_hamstring_injury": "no",
        "not_improving": "no",
    },
    "safety": dict.fromkeys(RED_FLAGS, "no"),
    "equipment-and-days": {
        "equipment": ["mat", "band", "bike", "partner_or_anchor"],
        "available_days": ["mon", "tue", "thu", "sat"],
        "minutes_per_session": "40",
        "plan_weeks": "8",
    },
}


def walk_the_intake(page: Page) -> None:
    """Answer each step and press Next, checking the wizard says where the runner is."""
    for number, (slug, answers) in enumerate(ANSWERS.items(), start=1):
        expect(page).to_have_url(re.compile(f"/intake/{slug}/$"))
        expect(page.locator(".wizard-progress")).to_contain_text(f"Step {number} of {len(ANSWERS)}")
        fill(page, {name: value for name, value in answers.items() if page.locator(f'[name="{name}"]').count()})
        page.locator('button[name="nav"][value="next"]').click()
        page.wait_for_load_state()


def test_the_intake_makes_a_plan_and_ends_on_today(page: Page, sign_in: Callable[[User], None]) -> None:
    runner = RunnerFactory(email="new.runner@example.test")
    sign_in(runner)
    page.goto("/")
    page.get_by_role("link", name="Start my plan").click()

    walk_the_intake(page)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    plan = Plan.objects.get(runner=runner)
    assert plan.status == PlanStatus.ACTIVE and plan.weeks == 8
    assert plan.intake.data["available_days"] == ["mon", "tue", "thu", "sat"]
