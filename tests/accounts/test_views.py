"""Account pages: sign up, log in by password or e-mailed link, log out, password reset, settings, deletion."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import CareLink, RunnerProfile, User
from programs.choices import ReminderStatus
from programs.models import (
    DayLog,
    ExerciseLog,
    Intake,
    Plan,
    PlanChange,
    PlannedSession,
    Prescription,
    SessionLog,
    StageCheck,
)
from programs.services.logs import session_log_record
from tests.factories.accounts import CareLinkFactory
from tests.factories.programs import ReminderFactory, StageCheckFactory
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "a brand new long passphrase"
LOGIN_REQUIRED = ["programs:settings", "programs:export-json", "programs:export-csv", "programs:account-delete"]


def _text(response: HttpResponse) -> str:
    page = response.content.decode()
    page = page[page.find("<main>") :] if "<main>" in page else page
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def _link_in_last_mail() -> str:
    found = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert found is not None, mail.outbox[-1].body
    return found.group(0)


def _strength_session(plan: Plan) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__isnull=False).order_by("date")[0]
    return session


def _log(plan: Plan, runner: User, pain: int = 2, notes: str = "") -> None:
    session = _strength_session(plan)
    entries = [
        {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "notes": notes, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries, day={"next_morning_pain": 1})


# ---------------------------------------------------------------- who may open the pages


@pytest.mark.parametrize("name", LOGIN_REQUIRED)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_anonymous_visitors_open_sign_up_log_in_and_password_reset(client: Client) -> None:
    for name in ("accounts:signup", "accounts:login", "accounts:password_reset"):
        assert client.get(reverse(name)).status_code == 200


def test_a_physio_has_no_settings_page(client: Client, physio: User) -> None:
    client.force_login(physio)
    assert client.get(reverse("programs:settings")).status_code == 404


# ---------------------------------------------------------------- sign up


def test_sign_up_makes_an_unconfirmed_runner_whose_e_mailed_link_signs_in_and_starts_the_intake(
    client: Client,
) -> None:
    page = client.get(reverse("accounts:signup")).content.decode()
    assert 'type="email"' in page and 'autocomplete="email"' in page and 'autocomplete="new-password"' in page
    assert 'autocomplete="given-name"' in page
    data = {"first_name": " Robin ", "email": "New.Runner@Example.test", "password": NEW_PASSWORD}
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200 and "Check your e-mail" in _text(response)
    user = User.objects.get(email="new.runner@example.test")
    assert user.first_name == "Robin"
    assert user.is_runner and RunnerProfile.objects.filter(user=user).exists() and not user.email_verified
    assert client.get(reverse("programs:settings")).status_code == 302  # not signed in by the form alone

    assert mail.outbox[-1].to == [user.email]
    link = _link_in_last_mail()
    assert "Confirm and sign in" in _text(client.get(link))
    user.refresh_from_db()
    assert not user.email_verified  # opening the link (a mail scanner does) changes nothing
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("programs:intake-start")
    user.refresh_from_db()
    assert user.email_verified
    assert client.get(reverse("programs:settings")).status_code == 200  # signed in
    assert client.get(link).status_code == 400  # used once


def test_a_weak_password_is_explained_next_to_the_field_and_the_email_kept(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {"email": "someone@example.test", "password": "12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="field invalid"' in page and "too short" in page
    assert 'value="someone@example.test"' in page
    assert not User.objects.filter(email="someone@example.test").exists()


def test_sign_up_without_a_first_name_is_a_field_error_and_makes_no_account(client: Client) -> None:
    for blank in ("", "   "):
        data = {"first_name": blank, "email": "someone@example.test", "password": NEW_PASSWORD}
        response = client.post(reverse("accounts:signup"), data)
        assert response.status_code == 200
        assert "Enter your first name." in _text(response)
        assert 'value="someone@example.test"' in response.content.decode()
    assert not User.objects.filter(email="someone@example.test").exists() and mail.outbox == []


def test_a_malformed_email_is_a_field_error(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {"email": "not an address", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Enter an e-mail address such as name@example.com." in _text(response)
    assert 'value="not an address"' in response.content.decode()


# ---------------------------------------------------------------- log in and out


def test_log_in_with_any_case_and_log_out_by_post(client: Client, runner: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": runner.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("programs:settings")).status_code == 200
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("programs:settings")).status_code == 302


def test_a_wrong_password_keeps_the_email_and_offers_a_link(client: Client, runner: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": runner.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in _text(response)
    assert f'value="{runner.email}"' in response.content.decode()


def test_a_sign_in_link_logs_in_once_and_fails_the_second_time(client: Client, runner: User) -> None:
    response = client.post(reverse("accounts:login-link"), {"link-email": runner.email.upper()})
    assert response.status_code == 200
    assert "If an account exists" in _text(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [runner.email]
    link = _link_in_last_mail()
    assert "15 minutes" in mail.outbox[0].body

    opened = client.get(link)  # what a mail scanner does: it shows a button and signs nobody in
    assert opened.status_code == 200 and "Sign in" in _text(opened)
    assert client.get(reverse("programs:settings")).status_code == 302
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("programs:home")
    assert client.get(reverse("programs:settings")).status_code == 200

    client.post(reverse("accounts:logout"))
    again = client.get(link)
    assert again.status_code == 400
    assert "no longer works" in _text(again)
    assert client.get(reverse("programs:settings")).status_code == 302


def test_a_sign_in_link_takes_the_runner_where_they_were_going(client: Client, runner: User) -> None:
    client.post(reverse("accounts:login-link"), {"link-email": runner.email, "next": "/settings/"})
    response = client.post(_link_in_last_mail())
    assert response["Location"] == "/settings/"


def test_a_sign_in_link_never_sends_to_another_host(client: Client, runner: User) -> None:
    client.post(reverse("accounts:login-link"), {"link-email": runner.email, "next": "https://evil.example/"})
    response = client.post(_link_in_last_mail())
    assert response["Location"] == reverse("programs:home")


def test_an_expired_sign_in_link_fails(client: Client, runner: User, settings: Any) -> None:
    client.post(reverse("accounts:login-link"), {"link-email": runner.email})
    link = _link_in_last_mail()
    settings.SESAME_MAX_AGE = -1
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    assert client.get(reverse("programs:settings")).status_code == 302


@pytest.mark.parametrize(("seconds", "words"), [(3600, "1 hour"), (30 * 60, "30 minutes"), (60, "1 minute")])
def test_the_sign_in_link_lifetime_is_told_from_the_setting(
    client: Client, runner: User, settings: Any, seconds: int, words: str
) -> None:
    settings.SESAME_MAX_AGE = seconds
    assert f"for {words}." in _text(client.get(reverse("accounts:login")))
    response = client.post(reverse("accounts:login-link"), {"link-email": runner.email})
    assert f"for the next {words}." in _text(response)
    assert f"It works once, for the next {words}." in mail.outbox[0].body
    assert "15 minutes" not in mail.outbox[0].body + _text(response)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, runner: User) -> None:
    known = _text(client.post(reverse("accounts:login-link"), {"link-email": runner.email}))
    unknown = _text(client.post(reverse("accounts:login-link"), {"link-email": "nobody@example.test"}))
    assert known.replace(runner.email, "X") == unknown.replace("nobody@example.test", "X")
    assert len(mail.outbox) == 1


def test_a_malformed_link_address_is_a_field_error_on_the_login_page(client: Client) -> None:
    response = client.post(reverse("accounts:login-link"), {"link-email": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter an e-mail address such as name@example.com." in _text(response) and 'value="nope"' in page
    assert "Log in" in _text(response) and mail.outbox == []


def test_a_tampered_link_fails(client: Client) -> None:
    response = client.post(reverse("accounts:login-link-open") + "?sesame=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 400
    assert client.get(reverse("programs:settings")).status_code == 302


# ---------------------------------------------------------------- password reset


def test_password_reset_mail_works_and_sets_the_new_password(client: Client, runner: User) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": runner.email.upper()})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [runner.email]
    link = _link_in_last_mail()
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in _text(form_page)
    set_url = form_page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "something else"})
    assert mismatch.status_code == 200 and "didn’t match" in _text(mismatch)
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "Your password is changed" in _text(done)
    runner.refresh_from_db()
    assert runner.check_password(NEW_PASSWORD)
    assert "no longer works" in _text(client.get(link, follow=True))


def test_password_reset_for_an_unknown_address_sends_nothing(client: Client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


# ---------------------------------------------------------------- settings


def test_settings_are_saved_with_a_message(client: Client, runner: User) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:settings")).content.decode()
    assert 'type="time"' in page and "Europe/London" in page and "America/New York" in page
    assert f'href="{reverse("programs:intake-start")}"' in page, "a runner can answer the questions again from here"
    data = {"timezone": "America/New_York", "reminder_time": "06:15", "units": "mi"}
    response = client.post(reverse("programs:settings"), data, follow=True)
    assert "Your settings are saved." in _text(response)
    profile = RunnerProfile.objects.get(user=runner)
    assert (profile.timezone, profile.reminder_time, profile.reminders_enabled, profile.units) == (
        "America/New_York",
        dt.time(6, 15),
        False,
        "mi",
    )


def test_bad_settings_are_explained_and_keep_what_was_typed(client: Client, runner: User) -> None:
    client.force_login(runner)
    data = {"timezone": "Mars/Olympus", "reminder_time": "25:99", "reminders_enabled": "on", "units": "furlongs"}
    response = client.post(reverse("programs:settings"), data)
    assert response.status_code == 400
    text = _text(response)
    assert "Choose your time zone from the list." in text
    assert "Enter a time such as 07:30." in text
    assert "Choose kilometres or miles." in text
    assert 'value="25:99"' in response.content.decode()
    profile = RunnerProfile.objects.get(user=runner)
    assert (profile.timezone, profile.units) == ("Europe/London", "km")


def test_turning_reminders_off_skips_the_queued_ones_and_keeps_them_as_history(
    client: Client, runner: User, other_runner: User
) -> None:
    due = dt.datetime(2026, 12, 1, 7, 30, tzinfo=dt.UTC)
    queued = ReminderFactory(user=runner, local_date=due.date(), due_at=due, subject="Today", body="…")
    others = ReminderFactory(user=other_runner, local_date=due.date(), due_at=due, subject="Today", body="…")
    client.force_login(runner)
    client.post(reverse("programs:settings"), {"timezone": "UTC", "reminder_time": "07:30", "units": "km"})
    queued.refresh_from_db()
    others.refresh_from_db()
    assert queued.status == ReminderStatus.SKIPPED, "kept in the outbox, never sent"
    assert others.status == ReminderStatus.PENDING


# ---------------------------------------------------------------- deleting the account


def _user_rows(user_id: int, plan_ids: list[int], intake_ids: list[int]) -> list[str]:
    """Every row of an accounts or programs table that points at the user, their plans or their intakes."""
    found = []
    targets = {settings.AUTH_USER_MODEL.lower(): [user_id], "programs.plan": plan_ids, "programs.intake": intake_ids}
    for label in ("accounts", "programs"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower in targets and model.objects.filter(pk__in=targets[model._meta.label_lower]):
                found.append(model._meta.label)
            for field in model._meta.get_fields():
                if isinstance(field, models.ForeignKey) and field.related_model._meta.label_lower in targets:
                    ids = targets[field.related_model._meta.label_lower]
                    if model.objects.filter(**{f"{field.attname}__in": ids}).exists():
                        found.append(f"{model._meta.label}.{field.name}")
    return found


def test_deleting_the_account_removes_every_row_and_logs_out(
    client: Client, runner: User, other_runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    _log(plan, runner, pain=5)
    StageCheckFactory(plan=plan, phase="one", answers={}, answered_by=physio)
    ReminderFactory(
        user=runner,
        local_date=dt.date(2026, 12, 1),
        due_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        subject="s",
        body="b",
    )
    other_plan = create_plan(other_runner, intake_data, weeks=4)
    _log(other_plan, other_runner)
    assert SessionLog.objects.filter(runner=runner).exists() and PlanChange.objects.filter(plan=plan).exists()
    user_id, plan_ids = runner.pk, [plan.pk]
    intake_ids = list(Intake.objects.filter(runner=runner).values_list("pk", flat=True))
    other_counts = (SessionLog.objects.count(), ExerciseLog.objects.count(), Prescription.objects.count())

    client.force_login(runner)
    page = client.get(reverse("programs:account-delete")).content.decode()
    assert 'type="password"' in page and 'type="checkbox"' in page
    response = client.post(reverse("programs:account-delete"), {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account-deleted")
    assert "Your account is deleted" in _text(client.get(response["Location"]))

    assert not User.objects.filter(pk=user_id).exists()
    assert _user_rows(user_id, plan_ids, intake_ids) == []
    assert not CareLink.objects.filter(runner_id=user_id).exists()
    assert client.get(reverse("programs:settings")).status_code == 302
    # The other runner's data and the physio are untouched.
    assert User.objects.filter(pk__in=[other_runner.pk, physio.pk]).count() == 2
    assert SessionLog.objects.filter(runner=other_runner).exists() and DayLog.objects.filter(runner=other_runner)
    assert other_counts[0] > SessionLog.objects.count() > 0 and other_counts[1] > ExerciseLog.objects.count() > 0
    assert Plan.objects.filter(runner=other_runner).exists()


def test_deletion_needs_the_box_and_the_right_password(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.post(reverse("programs:account-delete"), {"password": "wrong"})
    assert response.status_code == 400
    text = _text(response)
    assert "Tick the box to confirm." in text and "That is not your password." in text
    assert User.objects.filter(pk=runner.pk).exists()


def test_an_account_without_a_password_confirms_with_its_email(client: Client, runner: User) -> None:
    runner.set_unusable_password()
    runner.save()
    client.force_login(runner)
    wrong = client.post(reverse("programs:account-delete"), {"email": "someone.else@example.test"})
    assert wrong.status_code == 400 and "Type the e-mail address you log in with" in _text(wrong)
    assert 'value="someone.else@example.test"' in wrong.content.decode()
    response = client.post(reverse("programs:account-delete"), {"email": runner.email.upper()})
    assert response.status_code == 302
    assert not User.objects.filter(pk=runner.pk).exists()


def test_a_physio_with_answers_in_a_patients_plan_is_told_why_it_cannot_be_deleted(
    client: Client, runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    StageCheckFactory(plan=plan, phase="one", answers={}, answered_by=physio)
    client.force_login(physio)
    response = client.post(reverse("programs:account-delete"), {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 400
    assert "part of their records" in _text(response)
    assert User.objects.filter(pk=physio.pk).exists() and StageCheck.objects.filter(plan=plan).exists()


def test_a_physio_without_such_answers_is_deleted_and_the_link_goes(client: Client, runner: User) -> None:
    link = CareLinkFactory(runner=runner)
    client.force_login(link.physio)
    response = client.post(reverse("programs:account-delete"), {"confirm": "on", "password": PASSWORD})
    assert response.status_code == 302
    assert not CareLink.objects.filter(pk=link.pk).exists() and User.objects.filter(pk=runner.pk).exists()


def test_settings_say_when_the_next_reminder_comes_on_the_runners_clock(client: Client, runner: User) -> None:
    RunnerProfile.objects.filter(user=runner).update(
        timezone="Australia/Sydney", next_reminder_at=dt.datetime(2026, 11, 23, 20, 30, tzinfo=dt.UTC)
    )
    client.force_login(runner)
    page = client.get(reverse("programs:settings")).content.decode()
    assert "Your next reminder: Tuesday 24 November at 07:30." in page
    RunnerProfile.objects.filter(user=runner).update(next_reminder_at=None)
    assert "Your next reminder" not in client.get(reverse("programs:settings")).content.decode()
