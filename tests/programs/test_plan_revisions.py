"""A physio and the runner changing the same plan at once (`programs.services.revisions`): each edit names the
plan's revision it was read at, and an edit from an older revision is refused whole, with a plain message.

The demo intake's cross-training is clip-in cycling, which the runner may swap for trunk bridges; the physio leaves
the single-leg bridge out. Both are made through the real services and pages, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programs.choices import PlanChangeKind
from programs.clinical.edits import edits_from_dict
from programs.clinical.state_json import state_from_dict
from programs.models import Plan, PlanChange, PlanStateChange, Prescription
from programs.services.logs import session_log_record
from programs.services.plans import plans_replan
from programs.services.program_edits import plan_program_edit
from programs.services.revisions import PLAN_CHANGED_MESSAGE, PlanChanged
from programs.services.swaps import exercise_swap
from tests.pages import at, main_text
from tests.programs.plans import START, create_plan
from tests.programs.test_program_editor_views import form_fields

pytestmark = pytest.mark.django_db

CYCLING, TRUNK, BRIDGE = "cycling_clip_in", "trunk_bridges", "single_leg_bridge"
NOTE = "Less bridging while the ache settles."


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=4)


def _cycling(plan: Plan) -> Prescription:
    prescription = (
        Prescription.objects.filter(plan=plan, slot=CYCLING, session__date__gte=START)
        .select_related("session", "exercise")
        .order_by("session__date")
        .first()
    )
    assert prescription is not None
    return prescription


def _physio_edit(plan: Plan, physio: User, seen_revision: int | None) -> PlanChange:
    edits = edits_from_dict({"removed": [BRIDGE]})
    return plan_program_edit(plan=plan, physio=physio, edits=edits, note=NOTE, start=START, seen_revision=seen_revision)


def _runner_swap(plan: Plan, runner: User, seen_revision: int | None) -> PlanChange:
    return exercise_swap(
        prescription=_cycling(plan), by=runner, exercise=TRUNK, today=START, seen_revision=seen_revision
    )


def _revision(plan: Plan) -> int:
    return Plan.objects.values_list("revision", flat=True).get(pk=plan.pk)


def _swapped(plan: Plan) -> dict[str, str]:
    return dict(state_from_dict(Plan.objects.get(pk=plan.pk).state).swaps)


# ---------------------------------------------------------------- the services


def test_an_edit_at_the_plans_revision_is_saved_and_raises_it(plan: Plan, physio: User) -> None:
    read_at = _revision(plan)
    with at(START):
        _physio_edit(plan, physio, read_at)
    assert _revision(plan) == read_at + 1
    assert Plan.objects.get(pk=plan.pk).program_edits == {"removed": [BRIDGE]}


def test_of_two_edits_read_at_the_same_revision_the_second_is_refused_and_writes_nothing(
    plan: Plan, runner: User, physio: User
) -> None:
    read_at = _revision(plan)
    with at(START):
        _runner_swap(plan, runner, read_at)
        with pytest.raises(PlanChanged) as refused:
            _physio_edit(plan, physio, read_at)
    assert refused.value.revision == read_at + 1 == _revision(plan), "the revision a second try names"
    assert str(refused.value) == PLAN_CHANGED_MESSAGE
    assert Plan.objects.get(pk=plan.pk).program_edits in ({}, None), "nothing of the physio's edit was kept"
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
    assert _swapped(plan) == {CYCLING: TRUNK}, "the runner's swap is intact"


def test_a_log_raises_the_revision_so_an_edit_read_before_it_is_refused(plan: Plan, runner: User, physio: User) -> None:
    """Logging a session changes what the plan shows (and what the rules do next): an edit made without seeing it
    is refused, with the same plain message. A replan that changes nothing shown leaves the revision alone."""
    read_at = _revision(plan)
    with at(START):
        plans_replan(plan_ids=[plan.pk], now=dt.datetime(START.year, START.month, START.day, 9, tzinfo=dt.UTC))
    assert PlanStateChange.objects.filter(plan=plan).exists(), "the hourly replan looked at the plan"
    assert _revision(plan) == read_at, "a replan that changed nothing kept the revision"
    session = _cycling(plan).session
    entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
    with at(session.date):
        session_log_record(session=session, runner=runner, entries=entries)
        with pytest.raises(PlanChanged):
            _physio_edit(plan, physio, read_at)


def test_an_edit_without_a_revision_is_not_checked(plan: Plan, runner: User, physio: User) -> None:
    """The API's writes without If-Match (docs/api.md): saved as before revisions were asked for."""
    with at(START):
        _runner_swap(plan, runner, None)
        _physio_edit(plan, physio, None)
    assert PlanChange.objects.filter(plan=plan, kind__in=[PlanChangeKind.PROGRAM, PlanChangeKind.SWAP]).count() == 2


# ---------------------------------------------------------------- the pages


def test_the_physios_save_after_the_runners_swap_shows_the_plan_now_and_keeps_what_they_typed(
    plan: Plan, runner: User, physio: User, client: Client
) -> None:
    client.force_login(physio)
    url = reverse("programs:program-edit", args=[runner.pk, plan.pk])
    with at(START):
        fields = form_fields(client.get(url).content, having="shown")
    assert fields["revision"] == str(_revision(plan))
    fields.pop(f"keep__{BRIDGE}")

    runner_client = Client()
    runner_client.force_login(runner)
    swap_url = reverse("programs:plan-swap", args=[plan.pk, _cycling(plan).pk])
    with at(START):
        swap_fields = form_fields(runner_client.get(swap_url).content)
        assert runner_client.post(swap_url, {**swap_fields, "exercise": TRUNK}).status_code == 302

    with at(START):
        refused = client.post(url, {**fields, "action": "save", "note": NOTE})
    assert refused.status_code == 409
    text = main_text(refused.content)
    assert PLAN_CHANGED_MESSAGE in text
    assert Plan.objects.get(pk=plan.pk).program_edits in ({}, None)
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
    assert _swapped(plan) == {CYCLING: TRUNK}, "the runner's swap is intact"
    kept = form_fields(refused.content, having="shown")
    assert kept["note"].strip() == NOTE and f"keep__{BRIDGE}" not in kept, "what the physio typed is kept"
    assert kept["revision"] == str(_revision(plan)), "the page now carries the plan's revision"

    with at(START):
        again = client.post(url, {**kept, "action": "save"})
    assert again.status_code == 302, main_text(again.content)
    assert Plan.objects.get(pk=plan.pk).program_edits == {"removed": [BRIDGE]}
    assert _swapped(plan) == {CYCLING: TRUNK}


def test_the_runners_swap_after_the_physios_save_is_refused_and_shows_the_choices_now(
    plan: Plan, runner: User, physio: User, client: Client
) -> None:
    client.force_login(runner)
    swap_url = reverse("programs:plan-swap", args=[plan.pk, _cycling(plan).pk])
    with at(START):
        swap_fields = form_fields(client.get(swap_url).content)
        _physio_edit(plan, physio, _revision(plan))
        refused = client.post(swap_url, {**swap_fields, "exercise": TRUNK})
    assert refused.status_code == 409
    assert PLAN_CHANGED_MESSAGE in main_text(refused.content)
    assert _swapped(plan) == {}
    assert Plan.objects.get(pk=plan.pk).program_edits == {"removed": [BRIDGE]}, "the physio's edit is intact"
    kept = form_fields(refused.content)
    assert kept["exercise"] == TRUNK and kept["revision"] == str(_revision(plan))


def test_a_form_that_lost_its_revision_is_refused_as_out_of_date(plan: Plan, runner: User, client: Client) -> None:
    client.force_login(runner)
    swap_url = reverse("programs:plan-swap", args=[plan.pk, _cycling(plan).pk])
    with at(START):
        refused = client.post(swap_url, {"exercise": TRUNK})
    assert refused.status_code == 409 and PLAN_CHANGED_MESSAGE in main_text(refused.content)
    assert _swapped(plan) == {}


# ---------------------------------------------------------------- at the same time (real PostgreSQL, threads)


def _at_once(*writes: Callable[[], Any]) -> list[Any]:
    """Every write starts at the same moment, each in its own thread, database connection and transaction; each
    result is what it returned or the exception it raised."""
    barrier = threading.Barrier(len(writes))
    results: list[Any] = [None] * len(writes)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = writes[i]()
        except BaseException as exc:  # the test reads it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(writes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


# serialized_rollback: the flush after a transactional test would take the catalogue's migration data with it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_saves_at_once_from_the_same_revision_exactly_one_wins(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    read_at = _revision(plan)
    with at(START):
        results = _at_once(lambda: _physio_edit(plan, physio, read_at), lambda: _runner_swap(plan, runner, read_at))
    saved = [r for r in results if isinstance(r, PlanChange)]
    refused = [r for r in results if isinstance(r, PlanChanged)]
    assert (len(saved), len(refused)) == (1, 1), results
    assert refused[0].revision == read_at + 1 == _revision(plan)
    kinds = set(PlanChange.objects.filter(plan=plan).values_list("kind", flat=True))
    assert len(kinds & {PlanChangeKind.PROGRAM, PlanChangeKind.SWAP}) == 1, "only the winner's decision is kept"
    won_by_physio = saved[0].kind == PlanChangeKind.PROGRAM
    assert (Plan.objects.get(pk=plan.pk).program_edits == {"removed": [BRIDGE]}) == won_by_physio
    assert (_swapped(plan) == {CYCLING: TRUNK}) == (not won_by_physio)
