"""Screenshots of the demo's pages, for people to look at: the runner's on a phone, the physio's at a laptop.

They go to a temporary folder on every run; `SCREENSHOTS_DIR=docs/screenshots` keeps them (the PNGs under
docs/screenshots/ were made that way).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from programs.forms.logs import is_loggable
from programs.management.commands.seed_demo import ATTENTION_EMAIL, PHYSIO_EMAIL
from programs.models import PlannedSession, Prescription
from programs.selectors.plans import plan_day_read, runner_current_plan
from programs.selectors.today import runner_today
from programs.services.logs import session_log_record
from tests.browser.conftest import signed_in

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def demo_runner(db: None, settings: Any) -> User:
    settings.DEBUG = True  # the demo accounts are made only on a development server, which the screenshots show
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    return User.objects.get(email="runner@demo.rehabplan.test")


def _shoot(page: Page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))  # what the phone shows: its viewport, the tab bar at the bottom
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    return path


@pytest.mark.parametrize(
    ("name", "url_name", "heading"),
    [
        ("today", "programs:home", "Today"),
        ("intake-step", "programs:intake-step", "Your hamstring"),
        ("progress", "programs:progress", "progress"),
    ],
)
def test_screenshot(
    page: Page,
    sign_in: Callable[[User], None],
    demo_runner: User,
    screenshots: Path,
    name: str,
    url_name: str,
    heading: str,
) -> None:
    try:
        url = reverse(url_name, args=("hamstring",) if url_name == "programs:intake-step" else ())
    except NoReverseMatch:
        pytest.fail(f"the page {url_name!r} is not there yet", pytrace=False)
    if url_name == "programs:intake-step":
        from programs.models import Intake

        assert Intake.objects.filter(runner=demo_runner).exists()  # the wizard starts from the latest answers
    sign_in(demo_runner)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading, ignore_case=True)
    _shoot(page, screenshots, name)


def _session_to_log(runner: User) -> PlannedSession:
    """Today's strength session if the demo runner has one (its log changes the next ones), else their first."""
    plan = runner_current_plan(runner)
    assert plan is not None, "seed_demo gives the runner a plan"
    today = runner_today(runner)
    loggable = [row.id for row in plan_day_read(plan, today).sessions if is_loggable(row)]
    if not loggable:
        pytest.skip(f"the demo runner has nothing to log on {today:%A}")
    sessions = PlannedSession.objects.filter(pk__in=loggable, log__isnull=True).order_by("position")
    session = sessions.filter(kind="strength").first() or sessions.first()
    assert session is not None, "today's sessions are not logged yet"
    return session


def test_screenshot_of_a_logged_session(
    page: Page, sign_in: Callable[[User], None], demo_runner: User, screenshots: Path
) -> None:
    session = _session_to_log(demo_runner)
    entries = [
        {"prescription": p.pk, "sets_done": p.dose.get("sets"), "pain_during": 1, "completed_as_prescribed": True}
        for p in Prescription.objects.filter(session=session)
    ]
    session_log_record(session=session, runner=demo_runner, entries=entries, notes="Felt strong today.")
    sign_in(demo_runner)
    page.goto("/")
    card = page.locator(f"#session-{session.pk}")
    expect(card.get_by_role("heading", name="What changed because of it")).to_be_visible()
    card.evaluate("el => el.scrollIntoView({block: 'start'})")
    _shoot(page, screenshots, "today-logged")


def test_screenshot_of_an_exercise_drawn(
    page: Page, sign_in: Callable[[User], None], demo_runner: User, screenshots: Path
) -> None:
    session = _session_to_log(demo_runner)
    sign_in(demo_runner)
    page.goto("/")
    card = page.locator(f"#session-{session.pk}")
    card.locator("summary").first.click()
    exercise = card.locator("section.exercise").first
    expect(exercise.locator("figure.illustration svg[role=img]")).to_be_visible()
    exercise.evaluate("el => el.scrollIntoView({block: 'start'})")
    _shoot(page, screenshots, "today-exercise")


def test_screenshots_of_the_physios_patients(
    laptop: BrowserContext, live_server: LiveServer, demo_runner: User, screenshots: Path
) -> None:
    flagged = User.objects.get(email=ATTENTION_EMAIL)
    laptop_page = signed_in(laptop, live_server, User.objects.get(email=PHYSIO_EMAIL))

    laptop_page.goto(reverse("programs:patients"))
    expect(laptop_page.locator("main")).to_contain_text(flagged.first_name)
    _shoot(laptop_page, screenshots, "patients")
    laptop_page.goto(reverse("programs:patient-detail", args=[flagged.pk]))
    expect(laptop_page.get_by_role("heading", level=1)).to_contain_text(flagged.first_name)
    _shoot(laptop_page, screenshots, "patient")
