"""One care-link rule for every physio surface: a patient is a runner with an active link to the physio
(`CareLink.objects.of_physio`, read through `Plan.objects.of_patients` and `selectors.patients.linked_patient_or_404`).

Drift here is a privacy leak: a page or endpoint that scoped by "any link" would keep showing a runner's plan to a
physio the runner revoked, or to one the runner never accepted. So every page and endpoint that reaches a patient,
their plan or a prescription is called with the link active (not a 404) and then revoked or only invited (a 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CareLink, CareLinkStatus, User
from programs.models import Plan, Prescription
from programs.selectors.patients import linked_patient_or_404, patients_of
from tests.api.conftest import client_for
from tests.pages import at
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db

Call = Callable[[Client, APIClient, User, Plan, Prescription], int]

SURFACES: dict[str, Call] = {
    "patient page": lambda c, api, r, p, rx: c.get(reverse("programs:patient-detail", args=[r.pk])).status_code,
    "patient message": lambda c, api, r, p, rx: (
        c.post(reverse("programs:patient-messages", args=[r.pk]), {"body": "Hello"}).status_code
    ),
    "assign page": lambda c, api, r, p, rx: c.get(reverse("programs:program-assign", args=[r.pk])).status_code,
    "plan edit page": lambda c, api, r, p, rx: c.get(reverse("programs:program-edit", args=[r.pk, p.pk])).status_code,
    "clearance page": lambda c, api, r, p, rx: c.get(reverse("programs:plan-clearance", args=[r.pk, p.pk])).status_code,
    "patient plans API": lambda c, api, r, p, rx: api.get(f"/api/v1/patients/{r.pk}/plans/").status_code,
    "prescription API": lambda c, api, r, p, rx: api.get(f"/api/v1/prescriptions/{rx.pk}/").status_code,
    "clearance API": lambda c, api, r, p, rx: api.post(f"/api/v1/plans/{p.pk}/clearance/", {}).status_code,
    "program API": lambda c, api, r, p, rx: api.get(f"/api/v1/plans/{p.pk}/program/").status_code,
    "template API": lambda c, api, r, p, rx: api.post(f"/api/v1/plans/{p.pk}/template/", {}).status_code,
}


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, 4)


def _set_link(physio: User, runner: User, status: str) -> None:
    revoked_at = timezone.now() if status == CareLinkStatus.REVOKED else None
    CareLink.objects.filter(physio=physio, runner=runner).update(status=status, revoked_at=revoked_at)


@pytest.mark.parametrize("surface", sorted(SURFACES))
@pytest.mark.parametrize("status", [CareLinkStatus.REVOKED, CareLinkStatus.INVITED])
def test_every_physio_surface_reaches_a_patient_only_through_an_active_link(
    surface: str, status: str, plan: Plan, runner: User, physio: User, client: Client
) -> None:
    call = SURFACES[surface]
    prescription = Prescription.objects.filter(plan=plan).order_by("session__date", "pk").last()
    assert prescription is not None
    client.force_login(physio)
    api = client_for(physio)
    with at(START + dt.timedelta(days=1)):
        assert call(client, api, runner, plan, prescription) != 404, "the linked physio reaches their patient"
        _set_link(physio, runner, status)
        assert call(client, api, runner, plan, prescription) == 404


def test_the_patient_and_their_plans_come_from_the_same_rule(runner: User, physio: User, plan: Plan) -> None:
    assert linked_patient_or_404(physio, runner.pk) == runner
    assert list(patients_of(physio)) == [runner]
    assert list(Plan.objects.of_patients(physio)) == [plan]
    assert not Plan.objects.of_patients(runner).exists(), "a runner is nobody's physio"
    _set_link(physio, runner, CareLinkStatus.REVOKED)
    assert not patients_of(physio).exists() and not Plan.objects.of_patients(physio).exists()
