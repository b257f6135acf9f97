"""A runner's day on a phone: distances in their Settings' unit, each card's own notes box, a partial session, no
morning check on the first day's evening, and Settings' words for connected apps."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import RunnerProfile, User
from programs.clinical.config import MILES_TO_KM
from programs.models import Plan, PlannedSession, Prescription
from programs.selectors.today import runner_today
from tests.browser.conftest import WEEKDAYS, demo_intake, fill, plan_from, plan_with_strength_today

DUPLICATE_IDS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(el => el.id);
  return ids.filter((id, i) => ids.indexOf(id) !== i);
}"""


def _plan_on(runner: User, *, offsets: tuple[int, ...], start_back: int) -> Plan:
    """A plan (answered in km) with sessions on the runner's days `offsets` from today (0 = today)."""
    today = runner_today(runner)
    days = sorted({(today.weekday() + k) % 7 for k in offsets})
    data = demo_intake(
        units="km", equipment=["mat", "band", "bike", "partner_or_anchor"], available_days=[WEEKDAYS[d] for d in days]
    )
    return plan_from(runner, data, start=today - dt.timedelta(days=start_back))


def _log_on_today(page: Page, session: PlannedSession, done: Iterable[Prescription], *, pain: int) -> None:
    """Open the session's card on Today, tick every set of the exercises done, give each a pain, and save."""
    page.goto("/")
    page.locator(f"#session-{session.pk}").locator("summary", has_text="Log this session").click()
    within = f"#session-{session.pk} form[data-offline-queue]"
    form = page.locator(within)
    for prescription in done:
        ticks = form.locator(f'input[name="item-{prescription.pk}-sets"]')
        for index in range(ticks.count()):
            ticks.nth(index).check()
        fill(page, {f"item-{prescription.pk}-pain_during": str(pain)}, within=within)
    form.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".messages")).to_contain_text("Saved")


def test_a_runner_who_chose_miles_reads_the_run_in_miles_on_today_and_the_week(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = _plan_on(runner, offsets=(0, 2, 4), start_back=7)
    RunnerProfile.objects.filter(user=runner).update(units="mi")
    run = Prescription.objects.select_related("session").get(
        session__plan=plan, session__date=runner_today(runner), session__kind="run"
    )
    km = run.dose["distance"]
    assert km, "today's run has a distance"
    miles = f"{round(km / MILES_TO_KM, 1):g} miles"
    sign_in(runner)

    page.goto("/")
    card = page.locator(f"#session-{run.session.pk}")
    expect(card).to_contain_text(miles)
    expect(card).not_to_contain_text(f"{km:g} km")
    page.goto(reverse("programs:plan-week", args=[plan.pk, run.session.week_number]))
    expect(page.locator("main")).to_contain_text(miles)
    expect(page.locator("main")).not_to_contain_text(f"{km:g} km")


def test_tapping_a_cards_notes_label_focuses_its_own_box_and_no_id_is_repeated(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = _plan_on(runner, offsets=(0, 3), start_back=7)
    sessions = list(
        PlannedSession.objects.filter(plan=plan, date=runner_today(runner)).exclude(kind="rest").order_by("position")
    )
    assert len(sessions) >= 2, "two sessions today, each with its notes box"
    sign_in(runner)
    page.goto("/")
    assert page.evaluate(DUPLICATE_IDS) == []

    last = page.locator(f"#session-{sessions[-1].pk}")
    last.locator("summary").first.click()
    last.locator("label", has_text=re.compile("^Notes")).click()
    focused_card = page.evaluate("() => document.activeElement.closest('[id^=\"session-\"]')?.id")
    assert focused_card == f"session-{sessions[-1].pk}"
    assert page.evaluate("() => document.activeElement.name") == "notes"


def test_a_strength_session_with_one_exercise_not_done_is_saved_and_says_so(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    skipped, *done = list(session.prescriptions.select_related("exercise").order_by("position"))
    sign_in(runner)
    _log_on_today(page, session, done, pain=1)

    expect(page.locator(f"#session-{session.pk}")).to_contain_text(f"{skipped.exercise.name}: not done.")


def test_the_evening_of_the_first_day_asks_about_now_not_this_morning(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    # The browser and the server run on the machine's clock: today is the plan's first day, logged as in the evening.
    plan = plan_with_strength_today(runner, days_back=0)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    sign_in(runner)
    _log_on_today(page, session, session.prescriptions.all(), pain=8)

    page.goto("/")
    # Pain 8/10 asks the red-flag questions again at once: about now, never about a morning that has not come.
    expect(page.locator("#morning-check")).to_contain_text("After that painful session")
    expect(page.locator("#morning-check")).to_contain_text("How is the back of your thigh now")
    main = page.locator("main")
    expect(main).not_to_contain_text("this morning")
    expect(main).not_to_contain_text("You trained yesterday")


def test_settings_calls_tokens_apps_connected_to_the_account(
    page: Page, sign_in: Callable[[User], None], runner: User
) -> None:
    sign_in(runner)
    page.goto(reverse("programs:settings"))
    main = page.locator("main")
    expect(main).to_contain_text("Apps connected to your account")
    expect(main).not_to_contain_text("API tokens")
