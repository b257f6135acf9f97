"""Settings: the physios who see the runner's plan, the invitations waiting for an answer, and "Stop sharing".

Revoking takes effect at once: the physio's very next request finds no such patient, on the pages and in the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.care import invitation_create
from accounts.models import CareLink, CareLinkStatus, User
from programs.models import Plan
from tests.factories.accounts import CareLinkFactory, PhysioFactory
from tests.pages import main_text
from tests.programs.plans import create_plan

pytestmark = pytest.mark.django_db


def _revoke_url(physio: User) -> str:
    return reverse("accounts:physio-revoke", args=[physio.pk])


def _api_as(user: User) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=1)


def test_settings_list_each_physio_with_the_consent_date_and_pending_invitations(
    client: Client, runner: User, physio: User, other_physio: User
) -> None:
    CareLink.objects.filter(physio=physio, runner=runner).update(
        consented_at=dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    )
    physio.first_name, physio.last_name = "Pat", "Lee"
    physio.save()
    invitation_create(physio=other_physio, email=runner.email, link_for=lambda token: f"/invitations/{token}/")
    client.force_login(runner)

    response = client.get("/settings/")

    page = main_text(response.content)
    assert "Physios who see your plan" in page
    assert f"Pat Lee {physio.email} · since 10 March 2026" in page
    assert f"{other_physio.email} asks to see your plan" in page
    html = response.content.decode()
    assert f'href="{_revoke_url(physio)}"' in html
    accept_link = html.split(f"{other_physio.email} asks to see your plan", 1)[1]
    assert 'href="/invitations/' in accept_link.split("</li>", 1)[0]


def test_settings_say_so_plainly_when_no_physio_sees_the_plan(client: Client, other_runner: User) -> None:
    client.force_login(other_runner)
    page = main_text(client.get("/settings/").content)
    assert "No physio sees your plan." in page
    assert "asks to see your plan" not in page


def test_stop_sharing_asks_first_and_changes_nothing_until_confirmed(
    client: Client, runner: User, physio: User
) -> None:
    client.force_login(runner)

    response = client.get(_revoke_url(physio))

    assert response.status_code == 200
    page = main_text(response.content)
    assert f"Stop sharing your plan with {physio.email}?" in page
    assert "cannot see your plans" in page and "Keep sharing" in page
    assert CareLink.objects.physio_may_see(physio, runner.pk)


def test_revoking_stops_the_physio_seeing_the_runner_at_once(
    client: Client, runner: User, physio: User, plan: Plan
) -> None:
    physio_client = Client()
    physio_client.force_login(physio)
    physio_api = _api_as(physio)
    assert runner.email in main_text(physio_client.get("/patients/").content)
    assert physio_api.get(f"/api/v1/patients/{runner.pk}/").status_code == 200
    assert physio_client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 200

    client.force_login(runner)
    response = client.post(_revoke_url(physio))

    assert response.status_code == 302 and response["Location"] == "/settings/#physios"
    assert runner.email not in main_text(physio_client.get("/patients/").content)
    assert physio_api.get(f"/api/v1/patients/{runner.pk}/").status_code == 404
    assert physio_client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 404
    link = CareLink.objects.get(physio=physio, runner=runner)
    assert link.status == CareLinkStatus.REVOKED and link.revoked_at is not None
    page = main_text(client.get("/settings/").content)
    assert f"{physio.email} no longer sees your plan." in page
    assert "No physio sees your plan." in page
    assert client.post(_revoke_url(physio)).status_code == 404  # nothing left to stop


def test_another_physio_of_the_runner_is_unaffected(
    client: Client, runner: User, physio: User, other_physio: User
) -> None:
    CareLinkFactory(physio=other_physio, runner=runner, consented_at=timezone.now())
    client.force_login(runner)

    client.post(_revoke_url(physio))

    assert not CareLink.objects.physio_may_see(physio, runner.pk)
    assert CareLink.objects.physio_may_see(other_physio, runner.pk)
    assert _api_as(other_physio).get(f"/api/v1/patients/{runner.pk}/").status_code == 200
    page = main_text(client.get("/settings/").content)
    assert (
        other_physio.email in page
        and f'href="{_revoke_url(other_physio)}"' in client.get("/settings/").content.decode()
    )


def test_only_the_runner_can_revoke_their_own_link(
    client: Client, runner: User, other_runner: User, physio: User, other_physio: User
) -> None:
    client.force_login(other_runner)
    assert client.get(_revoke_url(physio)).status_code == 404
    assert client.post(_revoke_url(physio)).status_code == 404
    client.force_login(physio)  # a physio has no Settings and no links to revoke here
    assert client.post(_revoke_url(physio)).status_code == 404
    client.force_login(runner)
    assert client.post(_revoke_url(other_physio)).status_code == 404
    assert CareLink.objects.physio_may_see(physio, runner.pk)


def test_anonymous_visitors_log_in_first(client: Client, physio: User) -> None:
    response = client.post(_revoke_url(physio))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert CareLink.objects.filter(status=CareLinkStatus.ACTIVE).count() == 1


def _settings_queries(client: Client, runner: User) -> int:
    client.force_login(runner)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/settings/").status_code == 200
    return len(queries)


def test_settings_cost_the_same_queries_for_one_physio_or_several(
    client: Client, runner: User, physio: User, other_runner: User
) -> None:
    for _ in range(3):
        CareLinkFactory(runner=other_runner)
        invitation_create(physio=PhysioFactory(), email=other_runner.email, link_for=str)
    invitation_create(physio=PhysioFactory(), email=runner.email, link_for=str)

    assert _settings_queries(client, runner) == _settings_queries(client, other_runner)
