"""Today on a phone: log a strength session with the Nordic hamstring curl and read what changed because of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from programs.choices import PlanChangeKind
from programs.models import PlanChange, PlannedSession, Prescription, SessionLog
from programs.selectors.today import runner_today
from tests.browser.conftest import fill, plan_with_strength_today

NORDIC = "nordic_curl"


def _strength_card(page: Page, session: PlannedSession) -> Locator:
    return page.locator(f"#session-{session.pk}")


def _log_strength(page: Page, session: PlannedSession, *, nordic_pain: int, other_pain: int) -> None:
    """Tick every set, give pain for each exercise and save, on the session's own form."""
    card = _strength_card(page, session)
    card.locator("summary", has_text="Log this session").click()
    form = card.locator("form[data-offline-queue]")
    for prescription in session.prescriptions.all():
        prefix = f"item-{prescription.pk}-"
        for index in range(form.locator(f'input[name="{prefix}sets"]').count()):
            form.locator(f'input[name="{prefix}sets"]').nth(index).check()
        pain = nordic_pain if prescription.exercise.slug == NORDIC else other_pain
        fill(page, {f"{prefix}pain_during": str(pain)}, within=f"#session-{session.pk} form[data-offline-queue]")
    form.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_load_state()


def _next_nordic(session: PlannedSession) -> Prescription | None:
    """The Nordic curl's place in the next strength session: None when it is paused (left out)."""
    later = PlannedSession.objects.filter(plan=session.plan, kind="strength", date__gt=session.date).order_by("date")
    return Prescription.objects.filter(session=later.first(), slot=NORDIC).first()


def test_pain_7_in_the_nordic_curl_shows_what_changed_and_the_next_session_is_lighter(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    before = _next_nordic(session)
    sign_in(runner)
    page.goto("/")
    card = _strength_card(page, session)
    expect(card.locator(".doses")).to_contain_text("Nordic hamstring curl")

    _log_strength(page, session, nordic_pain=7, other_pain=1)

    card = _strength_card(page, session)
    expect(card.get_by_role("heading", name="What changed because of it")).to_be_visible()
    changes = card.locator(".changes li")
    expect(changes.filter(has_text=re.compile(r"^Nordic hamstring curl (paused|stepped back):"))).to_have_count(1)
    expect(changes.filter(has_text=re.compile(r"pain 7/10"))).to_have_count(1)
    expect(card.locator("form")).to_have_count(0)
    log = SessionLog.objects.get(session=session)
    stepped = PlanChange.objects.get(plan=plan, cause_log=log, exercise=NORDIC)
    assert stepped.kind in (PlanChangeKind.PAUSE, PlanChangeKind.REGRESS)
    after = _next_nordic(session)
    assert before is not None and before.exercise.slug == NORDIC
    if stepped.kind == PlanChangeKind.PAUSE:
        assert after is None, "a paused exercise is left out of the next session"
    else:
        assert after is not None and (after.exercise.slug != NORDIC or after.step < before.step)


def test_an_easy_session_at_pain_1_progresses_the_nordic_curl(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    sign_in(runner)
    page.goto("/")

    _log_strength(page, session, nordic_pain=1, other_pain=1)

    expect(page.locator(".message").first).to_contain_text("Saved")
    card = _strength_card(page, session)
    expect(card.locator(".done").first).to_be_visible()
    expect(card.locator(".changes li").filter(has_text="Nordic hamstring curl progressed")).not_to_have_count(0)
    # On track: the curl keeps climbing its ladder, a step up from next week's first session.
    today = Prescription.objects.get(session=session, slot=NORDIC)
    next_week = plan.start + dt.timedelta(weeks=1)
    stepped_up = Prescription.objects.get(
        plan=plan,
        slot=NORDIC,
        session__date=PlannedSession.objects.filter(plan=plan, kind="strength", date__gte=next_week)
        .order_by("date")
        .values("date")[:1],
    )
    assert stepped_up.exercise.slug == NORDIC and stepped_up.step == today.step + 1
    assert (stepped_up.dose["sets"], stepped_up.dose["reps"]) > (today.dose["sets"], today.dose["reps"])
    assert PlanChange.objects.filter(plan=plan, exercise=NORDIC, kind=PlanChangeKind.PROGRESS).exists()
