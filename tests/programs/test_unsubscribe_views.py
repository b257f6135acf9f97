"""The one-click unsubscribe link of reminder e-mails: GET only asks (mail scanners follow links), POST turns that
kind of message off, from the page's button or straight from the mail provider (RFC 8058), with no login and no
CSRF token; a link that is not ours is a plain 400 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import RunnerProfile, User
from programs.choices import ReminderStatus
from programs.models import Reminder
from programs.reminders.delivery import unsubscribe_url
from tests.factories.programs import ReminderFactory
from tests.pages import main_text

pytestmark = pytest.mark.django_db

RUNNER_SWITCHES = {
    "session": "remind_sessions",
    "morning_check": "remind_morning_check",
    "missed_session": "remind_missed_sessions",
    "plan_changed": "remind_plan_changes",
}
ONE_CLICK = "List-Unsubscribe=One-Click"


def _path(user: User, kind: str) -> str:
    return "/" + unsubscribe_url(user_id=user.pk, kind=kind).split("://", 1)[1].split("/", 1)[1]


def _profile(user: User) -> RunnerProfile:
    return RunnerProfile.objects.get(user=user)


def _pending(user: User, kind: str) -> Reminder:
    now = timezone.now()
    return ReminderFactory(user=user, kind=kind, local_date=now.date(), due_at=now + dt.timedelta(hours=1))


def _one_click(path: str) -> Any:
    # As a mail provider sends it: a form-encoded POST with no cookie, no session and no CSRF token.
    provider = Client(enforce_csrf_checks=True)
    return provider.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("kind", list(RUNNER_SWITCHES))
def test_get_asks_and_changes_nothing(runner: User, kind: str) -> None:
    queued = _pending(runner, kind)
    response = Client().get(_path(runner, kind))

    assert response.status_code == 200
    text = main_text(response.content)
    assert "Stop " in text
    assert "?" in text
    assert getattr(_profile(runner), RUNNER_SWITCHES[kind]) is True
    queued.refresh_from_db()
    assert queued.status == ReminderStatus.PENDING
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_question_is_in_plain_words(runner: User) -> None:
    response = Client().get(_path(runner, "session"))

    text = main_text(response.content)
    assert "Stop session reminders?" in text
    assert "session_" not in text


@pytest.mark.parametrize("kind", list(RUNNER_SWITCHES))
def test_a_one_click_post_turns_that_kind_off_and_skips_what_is_queued(
    runner: User, kind: str, django_capture_on_commit_callbacks: Any
) -> None:
    queued = _pending(runner, kind)
    other_kind = next(k for k in RUNNER_SWITCHES if k != kind)
    other = _pending(runner, other_kind)

    with django_capture_on_commit_callbacks() as after_commit:
        response = _one_click(_path(runner, kind))

    assert response.status_code == 200
    profile = _profile(runner)
    assert getattr(profile, RUNNER_SWITCHES[kind]) is False
    assert all(getattr(profile, switch) for k, switch in RUNNER_SWITCHES.items() if k != kind)
    queued.refresh_from_db()
    other.refresh_from_db()
    assert (queued.status, other.status) == (ReminderStatus.SKIPPED, ReminderStatus.PENDING)
    # The runner's next reminder is recomputed once the change is committed.
    assert len(after_commit) == 1


def test_the_page_button_posts_and_says_done(runner: User) -> None:
    response = Client(enforce_csrf_checks=True).post(_path(runner, "session"), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    text = main_text(response.content)
    assert "Done. You will not get session reminders any more. You can turn them back on in Settings." in text
    assert _profile(runner).remind_sessions is False


def test_the_physio_digest_link_turns_the_digest_off(physio: User) -> None:
    assert physio.digest_enabled is True
    response = _one_click(_path(physio, "physio_digest"))

    assert response.status_code == 200
    physio.refresh_from_db()
    assert physio.digest_enabled is False
    text = main_text(response.content)
    assert "You will not get the hourly e-mail about patients who need attention any more." in text
    assert "turn them back on in your patient list" in text
    assert 'href="/patients/"' in response.content.decode()


def test_a_deleted_accounts_link_still_answers_done(runner: User) -> None:
    path = _path(runner, "session")
    runner.delete()

    assert _one_click(path).status_code == 200


def test_posting_twice_is_harmless(runner: User) -> None:
    path = _path(runner, "morning_check")
    assert _one_click(path).status_code == 200
    assert _one_click(path).status_code == 200
    assert _profile(runner).remind_morning_check is False


def test_one_persons_link_changes_nobody_else(runner: User, other_runner: User) -> None:
    _one_click(_path(runner, "session"))

    assert _profile(other_runner).remind_sessions is True


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_that_is_not_ours_is_a_plain_400(runner: User, method: str) -> None:
    path = _path(runner, "session")
    altered = path.replace("/unsubscribe/", "/unsubscribe/x")
    response = getattr(Client(), method)(altered)

    assert response.status_code == 400
    text = main_text(response.content)
    assert "This link does not work" in text
    assert "signature" not in text.lower()
    assert _profile(runner).remind_sessions is True
