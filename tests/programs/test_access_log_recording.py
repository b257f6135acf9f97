"""Where programs records a physio's or a staff member's reads and changes of a runner's data in the runner's access
log (`accounts.access_log`): the patient's page, the plan pages, the program editor, the plan services, the admin,
and the data export that includes the log."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.access_log import record_access
from accounts.models import AccessActor, AccessedData, AccessKind, DataAccess, User
from programs.clinical.edits import ProgramEdits
from programs.models import Plan, SessionLog
from programs.outputs import export
from programs.selectors.today import runner_today
from programs.services.program_edits import plan_program_edit
from tests.factories.accounts import UserFactory
from tests.factories.programs import SessionLogFactory
from tests.pages import at
from tests.programs.plans import START, create_plan


@pytest.fixture
def plan(runner: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=6)


def _entries(runner: User) -> list[tuple[str, str, str]]:
    return list(DataAccess.objects.of_runner(runner).values_list("actor_kind", "kind", "what"))


def test_a_physio_opening_a_patients_page_is_one_read_however_often_they_reload(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    for _ in range(3):
        assert client.get(reverse("programs:patient-detail", args=[runner.pk])).status_code == 200
    assert _entries(runner) == [(AccessActor.PHYSIO, AccessKind.READ, AccessedData.PATIENT_PAGE)]


def test_a_physio_opening_a_patients_plan_page_is_a_read_and_the_runner_opening_it_is_not(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(runner)
    assert client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("programs:patient-detail", args=[runner.pk])).status_code == 403
    assert not DataAccess.objects.exists()
    client.force_login(physio)
    assert client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 200
    assert _entries(runner) == [(AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN)]


def test_a_physio_who_is_not_linked_records_nothing(client: Client, other_physio: User, plan: Plan) -> None:
    client.force_login(other_physio)
    assert client.get(reverse("programs:patient-detail", args=[plan.runner_id])).status_code == 404
    assert client.get(reverse("programs:plan-detail", args=[plan.pk])).status_code == 404
    assert not DataAccess.objects.exists()


def test_a_physio_opening_the_editor_reads_the_plan_and_each_edit_is_a_change(
    client: Client, physio: User, runner: User, plan: Plan
) -> None:
    client.force_login(physio)
    with at(START):
        assert client.get(reverse("programs:program-edit", args=[runner.pk, plan.pk])).status_code == 200
        start = max(START, runner_today(runner))
        plan_program_edit(plan=plan, physio=physio, edits=ProgramEdits(pain_limit=3), note="Gentler.", start=start)
        plan_program_edit(plan=plan, physio=physio, edits=ProgramEdits(pain_limit=2), note="Gentler.", start=start)
    assert sorted(_entries(runner)) == [
        (AccessActor.PHYSIO, AccessKind.CHANGE, AccessedData.PLAN),
        (AccessActor.PHYSIO, AccessKind.CHANGE, AccessedData.PLAN),
        (AccessActor.PHYSIO, AccessKind.READ, AccessedData.PLAN),
    ]


def test_staff_opening_a_runners_plan_or_session_log_in_the_admin_is_a_read(
    client: Client, runner: User, plan: Plan
) -> None:
    staff = UserFactory(email="sam@rehabplan.test", first_name="Sam", is_staff=True, is_superuser=True)
    session = plan.sessions.exclude(kind="rest").order_by("date").first()
    assert session is not None
    log: SessionLog = SessionLogFactory(session=session, runner=runner)
    client.force_login(staff)
    assert client.get(reverse("admin:programs_plan_change", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:programs_sessionlog_change", args=[log.pk])).status_code == 200
    assert client.get(reverse("admin:programs_plan_changelist")).status_code == 200  # a list reads no one's record
    assert sorted(_entries(runner)) == [
        (AccessActor.STAFF, AccessKind.READ, AccessedData.PLAN),
        (AccessActor.STAFF, AccessKind.READ, AccessedData.SESSION_LOGS),
    ]
    assert set(DataAccess.objects.values_list("actor_name", flat=True)) == {"Sam"}


def test_the_export_includes_the_access_log(runner: User, physio: User) -> None:
    physio.first_name, physio.last_name = "Alex", "Smith"
    physio.save(update_fields=["first_name", "last_name"])
    record_access(actor=physio, runner_id=runner.pk, what=AccessedData.INTAKE)
    data = export.account_export(runner)
    assert [(e["who"], e["what"], e["action"]) for e in data["access_log"]] == [
        ("Your physio Alex Smith", "your intake answers", "read")
    ]
    assert "Access log" in export.export_csv(data)
