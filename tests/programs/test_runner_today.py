"""'Today' for a runner is one function (programs.selectors.today.runner_today): every page, the API and the demo seed read
the runner's date through it, with its guard for a zone name zoneinfo does not know (UTC, never a 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import RunnerProfile, User
from programs.selectors.today import runner_today
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("zone", "hour", "shown"), [("Pacific/Kiritimati", 20, START + dt.timedelta(days=1))])
def test_today_and_progress_show_the_runners_date_where_the_server_has_another(
    client: Client, runner: User, intake_data: dict[str, Any], zone: str, hour: int, shown: dt.date
) -> None:
    create_plan(runner, intake_data, weeks=4)
    RunnerProfile.objects.filter(user=runner).update(timezone=zone)
    client.force_login(runner)
    with at(START, hour=hour):
        runner.refresh_from_db()
        assert runner_today(runner) == shown
        today = main_text(client.get(reverse("programs:home")).content)
        assert client.get(reverse("programs:progress")).status_code == 200
    assert f"Today · {shown:%a} {shown.day} {shown:%b}" in today


def test_a_zone_name_zoneinfo_does_not_know_reads_as_utc_on_every_page(
    client: Client, runner: User, intake_data: dict[str, Any]
) -> None:
    create_plan(runner, intake_data, weeks=4)
    RunnerProfile.objects.filter(user=runner).update(timezone="Mars/Olympus_Mons")
    client.force_login(runner)
    with at(START, hour=23):
        runner.refresh_from_db()
        assert runner_today(runner) == START
        response = client.get(reverse("programs:home"))
        assert client.get(reverse("programs:progress")).status_code == 200
    assert response.status_code == 200
    assert f"Today · {START:%a} {START.day} {START:%b}" in main_text(response.content)
