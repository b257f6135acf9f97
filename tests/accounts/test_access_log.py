"""The runner's access log: what is recorded (`accounts.access_log.record_access`), the staff side (the admin), the
runner's page under Settings, and what happens to entries when an account goes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.access_log import NO_ACCESS_YET, record_access
from accounts.models import AccessActor, AccessedData, AccessKind, DataAccess, RunnerProfile, User
from programs.services.account_deletion import account_delete
from tests.factories.accounts import PhysioFactory, RunnerFactory, UserFactory
from tests.pages import main_text

PAGE = reverse("accounts:access-log")


@pytest.fixture
def named_physio(physio: User) -> User:
    physio.first_name, physio.last_name = "Alex", "Smith"
    physio.save(update_fields=["first_name", "last_name"])
    return physio


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="sam@rehabplan.test", first_name="Sam", is_staff=True, is_superuser=True)


def _entries(runner: User) -> list[tuple[str, str, str, str]]:
    return list(DataAccess.objects.of_runner(runner).values_list("actor_name", "actor_kind", "kind", "what"))


def _later(minutes: int) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False)


# ---------------------------------------------------------------- recording


def test_a_read_within_the_window_is_one_entry_and_a_later_one_is_another(runner: User, named_physio: User) -> None:
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    with _later(14):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    assert _entries(runner) == [("Alex Smith", AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN)]
    with _later(16):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    assert len(_entries(runner)) == 2


def test_the_window_is_a_setting(runner: User, named_physio: User, settings: Any) -> None:
    settings.ACCESS_LOG_READ_MINUTES = 60
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    with _later(30):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    assert len(_entries(runner)) == 1


def test_other_data_another_actor_and_every_change_are_entries_of_their_own(
    runner: User, named_physio: User, staff: User
) -> None:
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.INTAKE)
    record_access(actor=staff, runner_id=runner.pk, what=AccessedData.PLAN, actor_kind=AccessActor.STAFF)
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    assert sorted(_entries(runner)) == sorted(
        [
            ("Alex Smith", AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN),
            ("Alex Smith", AccessActor.PHYSIO, AccessKind.READ, AccessedData.INTAKE),
            ("Sam", AccessActor.STAFF, AccessKind.READ, AccessedData.PLAN),
            ("Alex Smith", AccessActor.PHYSIO, AccessKind.CHANGE, AccessedData.PLAN),
            ("Alex Smith", AccessActor.PHYSIO, AccessKind.CHANGE, AccessedData.PLAN),
        ]
    )


def test_a_read_is_one_query(runner: User, named_physio: User, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)


def test_the_runner_themself_and_accounts_that_are_not_runners_record_nothing(
    runner: User, named_physio: User, other_physio: User, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        record_access(actor=runner, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    record_access(actor=named_physio, runner_id=other_physio.pk, what=AccessedData.ACCOUNT)
    assert not DataAccess.objects.exists()


# ---------------------------------------------------------------- the admin (staff)


def _admin_form_data(response: HttpResponse) -> dict[str, Any]:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form  # type: ignore[attr-defined]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if hasattr(field.widget, "widgets"):  # split date and time
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else part
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def test_staff_opening_a_runner_in_the_admin_is_a_read_and_saving_is_a_change(
    client: Client, runner: User, staff: User
) -> None:
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[runner.pk])
    opened = client.get(url)
    client.get(url)  # a reload within the window
    assert opened.status_code == 200
    assert _entries(runner) == [("Sam", AccessActor.STAFF, AccessKind.READ, AccessedData.ACCOUNT)]

    saved = client.post(url, {**_admin_form_data(opened), "first_name": "Robin"})
    assert saved.status_code == 302, saved.content
    assert ("Sam", AccessActor.STAFF, AccessKind.CHANGE, AccessedData.ACCOUNT) in _entries(runner)


def test_staff_saving_a_runners_settings_in_the_admin_is_a_change(client: Client, runner: User, staff: User) -> None:
    client.force_login(staff)
    profile = RunnerProfile.objects.get(user=runner)
    url = reverse("admin:accounts_runnerprofile_change", args=[profile.pk])
    opened = client.get(url)
    assert client.post(url, {**_admin_form_data(opened), "timezone": "Europe/Paris"}).status_code == 302
    assert sorted(_entries(runner)) == [
        ("Sam", AccessActor.STAFF, AccessKind.CHANGE, AccessedData.PROFILE),
        ("Sam", AccessActor.STAFF, AccessKind.READ, AccessedData.PROFILE),
    ]


def test_staff_opening_a_physio_in_the_admin_records_nothing(client: Client, named_physio: User, staff: User) -> None:
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_user_change", args=[named_physio.pk])).status_code == 200
    assert not DataAccess.objects.exists()


# ---------------------------------------------------------------- the runner's page


def test_settings_links_to_the_page(client: Client, runner: User) -> None:
    client.force_login(runner)
    page = client.get(reverse("programs:settings")).content.decode()
    assert f'href="{PAGE}"' in page and "Who has seen your data" in page


def test_the_page_says_so_plainly_when_nobody_opened_anything(client: Client, runner: User) -> None:
    client.force_login(runner)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert NO_ACCESS_YET in main_text(response.content)


def test_the_page_lists_who_read_or_changed_what_newest_first_in_the_runners_time_zone(
    client: Client, runner: User, named_physio: User, staff: User, other_runner: User
) -> None:
    RunnerProfile.objects.filter(user=runner).update(timezone="Australia/Sydney")
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    with time_machine.travel(dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC), tick=False):
        record_access(actor=staff, runner_id=runner.pk, what=AccessedData.SESSION_LOGS, actor_kind=AccessActor.STAFF)
        record_access(actor=named_physio, runner_id=other_runner.pk, what=AccessedData.INTAKE)
    client.force_login(runner)
    text = main_text(client.get(PAGE).content)
    staff_line = "RehabPlan staff member Sam read your session logs and morning checks. Sat 21 November 2026, 19:00"
    physio_line = "Your physio Alex Smith read your plan. Fri 20 November 2026, 20:00"
    assert staff_line in text and physio_line in text
    assert text.index(staff_line) < text.index(physio_line), "newest first"
    assert "intake" not in text, "another runner's entries are not shown"


def test_a_change_reads_as_changed(client: Client, runner: User, named_physio: User) -> None:
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN, kind=AccessKind.CHANGE)
    client.force_login(runner)
    assert "Your physio Alex Smith changed your plan." in main_text(client.get(PAGE).content)


def test_entries_older_than_ninety_days_are_not_listed(client: Client, runner: User, named_physio: User) -> None:
    with _later(-91 * 24 * 60):
        record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    client.force_login(runner)
    assert NO_ACCESS_YET in main_text(client.get(PAGE).content)


def test_the_page_reads_in_a_fixed_number_of_queries(
    client: Client, runner: User, named_physio: User, django_assert_max_num_queries: Any
) -> None:
    for minutes in range(60 * 20, 0, -20):  # oldest first, as they happen
        with _later(-minutes):
            record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    client.force_login(runner)
    # Session and user (2), the zone middleware's profile (1), the count and the page of entries (2).
    with django_assert_max_num_queries(5):
        response = client.get(PAGE)
    assert main_text(response.content).count("Your physio Alex Smith read your plan.") == 50
    assert "Page 1 of 2" in main_text(response.content)


def test_the_page_is_a_runners(client: Client, named_physio: User) -> None:
    client.force_login(named_physio)
    assert client.get(PAGE).status_code == 404


# ---------------------------------------------------------------- accounts that go


def test_deleting_the_runners_account_deletes_their_entries(runner: User, named_physio: User) -> None:
    record_access(actor=named_physio, runner_id=runner.pk, what=AccessedData.PLAN)
    other = RunnerFactory()
    record_access(actor=named_physio, runner_id=other.pk, what=AccessedData.PLAN)
    account_delete(user=runner)
    assert list(DataAccess.objects.values_list("runner_id", flat=True)) == [other.pk]


def test_an_entry_keeps_the_name_of_a_physio_whose_account_is_deleted(runner: User) -> None:
    physio = PhysioFactory(first_name="Alex", last_name="Smith")
    record_access(actor=physio, runner_id=runner.pk, what=AccessedData.PLAN)
    account_delete(user=physio)
    entry = DataAccess.objects.get(runner=runner)
    assert (entry.actor_id, entry.actor_name) == (None, "Alex Smith")
