"""An emergency sign in the intake's safety questions: the runner is told to go to an emergency department now, and
nothing more is asked: no equipment or days, no "Make my plan"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

from playwright.sync_api import Page, expect

from accounts.models import User
from programs.choices import PlanStatus
from programs.models import Plan
from tests.browser.conftest import fill
from tests.browser.test_intake import ANSWERS
from tests.factories.accounts import RunnerFactory


def test_an_emergency_answer_ends_the_intake_on_the_referral(page: Page, sign_in: Callable[[User], None]) -> None:
    runner = cast(User, RunnerFactory(email="emergency.runner@example.test"))
    sign_in(runner)
    page.goto("/intake/")
    answers = {**ANSWERS, "safety": {**ANSWERS["safety"], "bladder_or_bowel_change": "yes"}}
    for slug in ("about-you", "running", "hamstring", "safety"):
        expect(page).to_have_url(re.compile(f"/intake/{slug}/$"))
        fill(page, {name: value for name, value in answers[slug].items() if page.locator(f'[name="{name}"]').count()})
        page.locator('button[name="nav"][value="next"]').click()
        page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/intake/see-a-clinician/$"))
    main = page.locator("main")
    expect(main).to_contain_text("Go to an emergency department now.")
    expect(main).to_contain_text("Until then")
    expect(main).not_to_contain_text("Make my plan")
    expect(main).not_to_contain_text("Which days can you train?")
    expect(main).not_to_contain_text("Answer the questions again")
    expect(page.locator('button[name="nav"]')).to_have_count(0)
    expect(page.locator('[name="equipment"]')).to_have_count(0)
    plan = Plan.objects.get(runner=runner)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN and plan.referral is not None
    assert plan.referral["urgency"] == "emergency"
