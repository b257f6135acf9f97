"""Offline on a phone: a session log saved with no connection waits on the phone and is stored once back online."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from programs.models import PlannedSession, SessionLog
from programs.selectors.today import runner_today
from tests.browser.conftest import fill, plan_with_strength_today


@pytest.fixture
def service_workers() -> str:
    return "allow"  # the worker keeps Today for offline use


def _open_today(page: Page) -> None:
    """Open Today and wait for the page's catch-up to start: it asks for the offline page list, then sends the queue.

    Not "networkidle": the worker refreshes the kept pages in the background, which on a busy machine outlasts it.
    """
    with page.expect_response(lambda response: response.url.endswith("/offline-pages.json")):
        page.goto("/")


def _stored(client_id: str, *, within: float = 10.0) -> int:
    """How many logs carry the client id, once one has arrived (or the wait is over)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if SessionLog.objects.filter(client_id=client_id).exists():
            break
        time.sleep(0.2)
    return SessionLog.objects.filter(client_id=client_id).count()


def test_a_log_saved_offline_is_sent_once_when_back_online(
    page: Page, context: BrowserContext, sign_in: Callable[[User], None], runner: User
) -> None:
    plan = plan_with_strength_today(runner)
    session = PlannedSession.objects.get(plan=plan, date=runner_today(runner), kind="strength")
    sign_in(runner)
    _open_today(page)
    form = page.locator(f"#session-{session.pk} form[data-offline-queue]")
    client_id = form.locator('input[name="client_id"]').input_value()
    assert client_id

    context.set_offline(True)
    page.locator(f"#session-{session.pk} summary", has_text="Log this session").click()
    for prescription in session.prescriptions.all():
        prefix = f"item-{prescription.pk}-"
        for index in range(form.locator(f'input[name="{prefix}sets"]').count()):
            form.locator(f'input[name="{prefix}sets"]').nth(index).check()
        fill(page, {f"{prefix}pain_during": "2"}, within=f"#session-{session.pk} form[data-offline-queue]")
    form.get_by_role("button", name="Save this session").click()

    expect(page.get_by_text("Saved on this phone")).to_be_visible()
    assert not SessionLog.objects.filter(client_id=client_id).exists()

    context.set_offline(False)
    assert _stored(client_id) == 1
    log = SessionLog.objects.get(client_id=client_id)
    assert log.session_id == session.pk and log.runner_id == runner.pk
    assert sorted(log.exercise_logs.values_list("pain_during", flat=True)) == [2] * session.prescriptions.count()
    # Coming back to Today must not send the queued log a second time.
    _open_today(page)
    time.sleep(1.5)  # a second send would follow the page list's answer at once
    assert SessionLog.objects.filter(client_id=client_id).count() == 1
    assert SessionLog.objects.filter(session=session).count() == 1
