"""A physio's day at a laptop, in a real browser: the log table words doses as the runner's pages do, the pages speak
about the runner rather than to them, adherence reads the same on the list and the page, the editor says what is
paused, an address is invited once, and no page logs a console error."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from playwright.sync_api import Page

from accounts.models import User
from programs.clinical.edits import ProgramEdits
from programs.models import Plan, PlanChange, PlannedSession
from programs.selectors.today import runner_today
from programs.services.logs import session_log_record
from programs.services.program_edits import plan_program_edit
from tests.browser.conftest import plan_with_strength_today
from tests.factories.accounts import CareLinkFactory, PhysioFactory, RunnerFactory

# Each exercise line of a runner's day page as {name: dose}, the dose as worded before its pain limit.
DAY_DOSES = """() => Object.fromEntries([...document.querySelectorAll('article.session > ul > li:has(> strong)')].map(li => {
  const name = li.querySelector('strong').textContent.trim();
  const line = li.innerText.split('\\n')[0];
  const dose = line.slice(name.length + 2).split(' · stop if pain')[0].replace(/, \\d+ times a day$/, '');
  return [name, dose.trim()];
}))"""

# The session-log table's rows as {exercise: {column heading: cell text}}.
LOG_ROWS = """() => Object.fromEntries([...document.querySelectorAll('table[aria-labelledby="session-logs"] tbody tr')]
  .map(tr => [tr.querySelector('th').innerText.trim(),
              Object.fromEntries([...tr.querySelectorAll('td')].map(td => [td.dataset.label, td.innerText.trim()]))]))"""


@pytest.fixture
def care(db: None) -> tuple[User, User, Plan]:
    """A physio and their patient, whose plan has a strength session today."""
    physio = PhysioFactory(first_name="Pat", last_name="Lee")
    runner = RunnerFactory(first_name="Robin", last_name="Hale")
    CareLinkFactory(physio=physio, runner=runner)
    return physio, runner, plan_with_strength_today(runner, days_back=1)


def _todays_strength(plan: Plan, runner: User) -> PlannedSession:
    return PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")


def _log(session: PlannedSession, runner: User, *, pain: int, one_set_of_the_first_multi_set: bool = False) -> str:
    """Log every exercise of the session at `pain`; optionally one set only of the first exercise with several."""
    items = list(session.prescriptions.select_related("exercise").order_by("position"))
    short = next((p for p in items if (p.dose.get("sets") or 0) >= 2), None) if one_set_of_the_first_multi_set else None
    entries = []
    for p in items:
        entry = {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "completed_as_prescribed": p != short}
        if p.dose.get("sets"):
            entry["sets_done"] = 1 if p == short else p.dose["sets"]
        entries.append(entry)
    session_log_record(session=session, runner=runner, entries=entries)
    return short.exercise.name if short else ""


def test_the_log_table_words_doses_as_the_runners_day_page(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio, runner, plan = care
    session = _todays_strength(plan, runner)
    one_set = _log(session, runner, pain=1, one_set_of_the_first_multi_set=True)
    assert one_set

    runner_page = open_as(runner)
    runner_page.goto(f"/plans/{plan.pk}/days/{session.date.isoformat()}/")
    doses = runner_page.evaluate(DAY_DOSES)
    physio_page = open_as(physio)
    physio_page.goto(f"/patients/{runner.pk}/")
    rows = physio_page.evaluate(LOG_ROWS)

    assert rows and set(rows) <= set(doses)
    for name, row in rows.items():
        assert row["Prescribed"] == doses[name], name
        assert "sets" not in row["Prescribed"] + row["Done"], name
    assert rows[one_set]["Done"].startswith("1 × "), rows[one_set]


def test_the_patient_page_speaks_of_the_runner_not_to_them_after_a_pain_decision(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio, runner, plan = care
    _log(_todays_strength(plan, runner), runner, pain=9)  # severe: the rules pause the exercises
    tomorrow = runner_today(runner) + dt.timedelta(days=1)
    plan_program_edit(plan=plan, physio=physio, edits=ProgramEdits(max_runs=1), note="Fewer runs.", start=tomorrow)

    page = open_as(physio)
    page.goto(f"/patients/{runner.pk}/")
    text = page.locator("main").inner_text()

    assert "far above their limit" in text  # the pain decision is there, in the physio's reading
    for phrase in ("your limit", "your plan's rules", "by your physio"):
        assert phrase not in text, phrase


def test_adherence_reads_the_same_on_the_patient_list_and_page_after_a_session_logged_today(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio, runner, plan = care
    _log(_todays_strength(plan, runner), runner, pain=1)

    page = open_as(physio)
    page.goto("/patients/")
    listed = page.locator("tbody tr", has_text="Robin").locator('td[data-label^="Done, last 7"]').inner_text().strip()
    page.goto(f"/patients/{runner.pk}/")
    on_page = re.search(r"Done, last 7 days: ([^·\n]+?)\s*·", page.locator("main").inner_text())

    assert listed and listed != "nothing planned" and "%" in listed
    assert on_page and on_page.group(1) == listed


def test_the_editor_lists_a_paused_exercise_under_paused_now(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio, runner, plan = care
    session = _todays_strength(plan, runner)
    _log(session, runner, pain=9)
    names = set(session.prescriptions.values_list("exercise__name", flat=True))
    tomorrow = dt.datetime.combine(session.date + dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)

    with time_machine.travel(tomorrow, tick=True):  # the pause starts with the session after the painful one
        page = open_as(physio)
        page.goto(f"/patients/{runner.pk}/plans/{plan.pk}/edit/")
        paused = page.locator("section.paused-now").inner_text()

    assert "Nothing is paused" not in paused
    assert any(name in paused for name in names), paused
    assert "pain 9/10" in paused and "your limit" not in paused


def test_inviting_the_same_address_twice_leaves_one_pending_invitation(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio = care[0]
    page = open_as(physio)
    page.goto("/patients/invitations/")
    for _ in range(2):
        page.locator('[name="email"]').fill("sam.new@example.com")
        page.get_by_role("button", name="Send the invitation").click()
        page.wait_for_load_state()

    listed = page.locator("ul.invitations > li", has_text="sam.new@example.com")
    assert listed.count() == 1
    assert "waiting for an answer" in listed.inner_text()


def test_the_physio_pages_log_no_console_error(open_as: Callable[[User], Page], care: tuple[User, User, Plan]) -> None:
    physio, runner, plan = care
    _log(_todays_strength(plan, runner), runner, pain=1)
    page = open_as(physio)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    for path in ("/patients/", f"/patients/{runner.pk}/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert errors == []


# The previewed days as {"Tue 8 Dec": {exercise names}}; a session's line reads "Label: Name: dose; Name: dose".
PREVIEW_NAMES = """() => Object.fromEntries([...document.querySelectorAll('table.editor-week tr')].map(tr => [
  tr.querySelector('th').innerText.trim(),
  [...tr.querySelectorAll('td p')].flatMap(p => {
    const items = p.innerText.split(': ').slice(1).join(': ');
    return items ? items.split('; ').map(item => item.split(': ')[0].trim()) : [];
  })]))"""


def test_preview_shows_the_sessions_that_save_makes(
    open_as: Callable[[User], Page], care: tuple[User, User, Plan]
) -> None:
    physio, runner, plan = care
    session = _todays_strength(plan, runner)
    _log(session, runner, pain=9)  # a pause the preview must keep, as Save does
    tomorrow = session.date + dt.timedelta(days=1)

    with time_machine.travel(dt.datetime.combine(tomorrow, dt.time(9), tzinfo=dt.UTC), tick=True):
        page = open_as(physio)
        page.goto(f"/patients/{runner.pk}/plans/{plan.pk}/edit/")
        kept = page.locator("fieldset.editor-row", has=page.locator('input[type="checkbox"]:checked')).last
        left_out = kept.locator("legend").inner_text().split(" starts at ")[0].strip()
        kept.locator('input[type="checkbox"]').uncheck()
        page.locator('[name="note"]').fill("One exercise fewer for now.")
        page.get_by_role("button", name="Preview").click()
        page.locator("section.editor-preview").wait_for()
        previewed = {day: set(names) for day, names in page.evaluate(PREVIEW_NAMES).items()}
        page.get_by_role("button", name="Save the changes").click()
        page.wait_for_load_state()

        days = [tomorrow + dt.timedelta(days=n) for n in range((plan.start + dt.timedelta(days=14) - tomorrow).days)]
        saved = {}
        for day in days:
            page.goto(f"/plans/{plan.pk}/days/{day.isoformat()}/")
            names = page.locator("article.session > ul > li > strong").all_inner_texts()
            saved[f"{day:%a} {day.day} {day:%b}"] = {name.strip() for name in names}

    assert PlanChange.objects.filter(plan=plan, reason__contains="One exercise fewer").exists(), "saved"
    assert any(saved.values()), "the saved plan has sessions in the previewed weeks"
    assert all(left_out not in names for names in saved.values()), left_out
    for day, names in saved.items():
        assert previewed.get(day, set()) == names, day
