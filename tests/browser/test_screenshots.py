"""Phone screenshots of the demo runner's pages, for people to look at.

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
from playwright.sync_api import Page, expect

from accounts.models import User

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
