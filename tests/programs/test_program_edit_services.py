"""A physio's program edits through the services: a published program passes the generator's safety checks and reads
back as generated; adjusting an active plan is one decision by that physio with their note, never touches a logged
session or its logs, and every replan keeps the edits; outsiders and ended plans are refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from exercises.catalogue import Dose
from exercises.catalogue_file import load_catalogue_file
from exercises.models import CatalogueVersion
from exercises.services import catalogue_load
from programs.choices import PlanChangeKind, PlanStatus
from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.edits import KEPT_BY_PHYSIO, SET_BY_PHYSIO, AddedExercise, ProgramEdits, edits_to_dict
from programs.clinical.state_json import state_from_dict
from programs.clinical.types import PlanState
from programs.models import ExerciseLog, Plan, PlanChange, PlannedSession, Prescription, SessionLog
from programs.selectors import plans as selectors
from programs.selectors.today import runner_today
from programs.services.assign import plan_assign, program_preview
from programs.services.care import plan_clinician_clear
from programs.services.generation import catalogue, generate, generate_for, pathways
from programs.services.logs import session_log_record
from programs.services.plans import plan_replan_on
from programs.services.program_edits import (
    paused_now,
    plan_program_edit,
    plan_program_preview,
    template_from_plan,
)
from programs.services.templates import template_create
from tests.programs.plan_checks import check_plan
from tests.programs.plans import START, load_older_catalogue, record_intake

pytestmark = pytest.mark.django_db

# The demo intake's plan (overuse ache) has these in its first weeks.
SAFE_EDITS = ProgramEdits(
    removed=frozenset({"active_isolated_stretching"}),
    doses={"single_leg_bridge": Dose(sets=2, reps=8)},
    order=("single_leg_stand_abduction",),
    weekly_distance_cap=20.0,
    max_runs=3,
)


def _prescribed(plan: Plan) -> list[Any]:
    stored = selectors.plan_read(plan).to_domain()
    return [
        (day.date, item)
        for week in stored.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
    ]


def _assign(runner: User, physio: User, intake_data: dict[str, Any], edits: ProgramEdits, weeks: int = 6) -> Plan:
    record_intake(runner, intake_data)
    return plan_assign(physio=physio, runner=runner, start=START, weeks=weeks, edits=edits)


def test_a_published_program_passes_the_generators_safety_checks_and_reads_back_as_generated(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _assign(runner, physio, intake_data, SAFE_EDITS)
    assert plan.program_edits == edits_to_dict(SAFE_EDITS)
    intake = intake_from_dict(plan.intake.data)
    generated = generate(intake, start=START, weeks=6, pathway=plan.pathway, edits=SAFE_EDITS)
    stored = selectors.plan_read(plan).to_domain()
    assert plan_to_dict(stored) == plan_to_dict(generated)
    check_plan(intake, generated, PlanState())  # the same checks as every generated plan (stored reads back equal)
    items = [item for _, item in _prescribed(plan)]
    assert "active_isolated_stretching" not in {i.exercise for i in items}
    bridges = [i for i in items if i.exercise == "single_leg_bridge"]
    assert bridges and all(i.dose == Dose(sets=2, reps=8) and SET_BY_PHYSIO in i.reason for i in bridges)
    assert all(w.running.target_distance <= 20 for w in stored.weeks)
    decision = PlanChange.objects.get(plan=plan)
    assert (decision.kind, decision.author, decision.after) == (PlanChangeKind.ASSIGN, physio, plan.program_edits)


def test_an_override_is_recorded_with_its_reason_and_places_the_exercise_only_then(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"].update(
        onset="sudden", weeks_since_onset=1, pain_walking=0, pain_running=3, location="mid_thigh"
    )
    record_intake(runner, intake_data)
    scoops = AddedExercise("hamstring_scoops", "strength", Dose(sets=1, reps=10))
    with pytest.raises(ValidationError) as raised:
        plan_assign(
            physio=physio,
            runner=runner,
            start=START,
            weeks=4,
            pathway="acute_strain",
            edits=ProgramEdits(added=(scoops,)),
        )
    messages = raised.value.message_dict["edits.added.0.exercise"]
    assert messages and all("Hamstring scoops" in m for m in messages)
    reason = "Assessed: grade 1, full range; gentle scoops from day one."
    edits = ProgramEdits(added=(scoops,), overrides={"hamstring_scoops": reason})
    preview = program_preview(physio=physio, runner=runner, start=START, weeks=4, pathway="acute_strain", edits=edits)
    assert not Plan.objects.filter(runner=runner).exists(), "a preview saves nothing"
    plan = plan_assign(physio=physio, runner=runner, start=START, weeks=4, pathway="acute_strain", edits=edits)
    stored = selectors.plan_read(plan).to_domain()
    assert plan_to_dict(stored) == plan_to_dict(preview)
    scoops = [
        (w.phase, i)
        for w in stored.weeks
        for d in w.days
        for s in d.sessions
        for i in s.items
        if i.exercise == "hamstring_scoops"
    ]
    early = {p.slug for p in pathways()["acute_strain"].phases if "acute_strain_early" in p.forbidden_tags}
    assert any(phase in early for phase, _ in scoops), "the override places it in the stage that forbids it"
    decision = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.ASSIGN)
    assert "Hamstring scoops" in decision.reason and reason in decision.reason
    assert decision.after["overrides"] == {"hamstring_scoops": reason}


def _log_first_session(plan: Plan, runner: User, pain: int) -> PlannedSession:
    session = (
        PlannedSession.objects.filter(plan=plan, kind="strength", prescriptions__exercise__slug="single_leg_bridge")
        .order_by("date")
        .first()
    )
    assert session is not None
    entries = [
        {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)
    return session


def _history(session: PlannedSession) -> Any:
    prescriptions = [model_to_dict(p) for p in Prescription.objects.filter(session=session).order_by("pk")]
    logs = [model_to_dict(log) for log in ExerciseLog.objects.filter(session_log__session=session).order_by("pk")]
    return prescriptions, logs, model_to_dict(SessionLog.objects.get(session=session))


def test_the_preview_and_the_checks_read_the_catalogue_the_plan_is_pinned_to(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    load_older_catalogue()
    plan = _assign(runner, physio, intake_data, ProgramEdits())
    assert catalogue_load(catalogue=load_catalogue_file()).new_version  # what new plans get from now on
    assert (plan.catalogue_version.number, CatalogueVersion.objects.latest_loaded().number) == (2, 3)
    adding = ProgramEdits(added=(AddedExercise("prone_leg_extension", "strength", Dose(sets=2, reps=10)),))

    not_in_its_catalogue = "There is no exercise “prone_leg_extension” in the library."
    with pytest.raises(ValidationError, match=not_in_its_catalogue):
        plan_program_preview(plan=plan, physio=physio, edits=adding)
    with pytest.raises(ValidationError, match=not_in_its_catalogue):
        plan_program_edit(plan=plan, physio=physio, edits=adding, note="Hip extension.", start=START)
    preview = plan_program_preview(plan=plan, physio=physio, edits=SAFE_EDITS)
    saved = plan_program_edit(plan=plan, physio=physio, edits=SAFE_EDITS, note="Less for now.", start=START)
    plan.refresh_from_db()
    assert plan.catalogue_version.number == 2
    assert plan_to_dict(selectors.plan_read(plan).to_domain()) == plan_to_dict(preview), "saved as previewed"
    assert saved.item_changes

    new_plan = program_preview(physio=physio, runner=runner, start=START, weeks=6, edits=adding)
    assert "prone_leg_extension" in {i.exercise for _, i in _items(new_plan)}, "a new plan gets today's catalogue"


def _items(plan: Any) -> list[Any]:
    return [(d.date, i) for w in plan.weeks for d in w.days for s in d.sessions for i in s.items]


def test_editing_an_active_plan_never_changes_a_logged_session_and_is_one_decision(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _assign(runner, physio, intake_data, ProgramEdits())
    logged = _log_first_session(plan, runner, pain=1)
    before = _history(logged)
    start = max(START, runner_today(runner))
    edits = ProgramEdits(
        removed=frozenset({"single_leg_bridge"}), doses={"single_leg_stand_abduction": Dose(sets=3, reps=12)}
    )
    change = plan_program_edit(plan=plan, physio=physio, edits=edits, note=" Less bridging for now. ", start=start)
    assert _history(logged) == before, "the logged session and its logs are history"
    assert (change.kind, change.author, change.reason, change.rule) == (
        PlanChangeKind.PROGRAM,
        physio,
        "Less bridging for now.",
        "physio",
    )
    assert (change.before, change.after, change.effective_from) == ({}, edits_to_dict(edits), start)
    assert change.item_changes and all(c["date"] >= start.isoformat() for c in change.item_changes)
    assert PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).count() == 1
    plan.refresh_from_db()
    assert plan.program_edits == edits_to_dict(edits)
    future = [(d, i) for d, i in _prescribed(plan) if d > logged.date]
    assert future and "single_leg_bridge" not in {i.exercise for _, i in future}
    assert all(i.dose == Dose(sets=3, reps=12) for _, i in future if i.exercise == "single_leg_stand_abduction")
    assert "single_leg_bridge" in {p.exercise.slug for p in logged.prescriptions.all()}


def test_every_replan_keeps_the_edits_and_the_rules_say_the_dose_stays(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    fixed = Dose(sets=2, reps=8)
    edits = ProgramEdits(removed=frozenset({"ball_rolling"}), doses={"single_leg_bridge": fixed})
    plan = _assign(runner, physio, intake_data, edits)
    logged = _log_first_session(plan, runner, pain=0)  # pain-free: the rules would move the bridge up
    decisions = PlanChange.objects.filter(plan=plan, exercise="single_leg_bridge", author__isnull=True)
    assert decisions.exists()
    assert all(d.reason.startswith(KEPT_BY_PHYSIO) for d in decisions), [d.reason for d in decisions]
    # the hourly replan, some days on (missed sessions count), and a regeneration keep the edits
    plan_replan_on(plan_id=plan.pk, as_of=logged.date + dt.timedelta(days=9))
    plan.refresh_from_db()
    items = [i for d, i in _prescribed(plan) if d > logged.date]
    assert "ball_rolling" not in {i.exercise for i in items}
    bridges = [i for i in items if i.exercise == "single_leg_bridge"]
    assert bridges and {i.dose for i in bridges} == {fixed}
    regenerated = generate_for(plan, intake_from_dict(plan.intake.data), state=PlanState())
    assert not [
        i
        for w in regenerated.weeks
        for d in w.days
        for s in d.sessions
        for i in s.items
        if i.exercise == "ball_rolling"
    ]


def test_only_a_linked_physio_edits_an_open_plan_with_a_note_from_today_on(
    runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _assign(runner, physio, intake_data, ProgramEdits())
    start = max(START, runner_today(runner))
    edits = ProgramEdits(pain_limit=3)
    with pytest.raises(PermissionDenied):
        plan_program_edit(plan=plan, physio=other_physio, edits=edits, note="x", start=start)
    with pytest.raises(ValidationError) as raised:
        plan_program_edit(plan=plan, physio=physio, edits=edits, note="  ", start=start)
    assert "note" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        plan_program_edit(
            plan=plan, physio=physio, edits=edits, note="x", start=runner_today(runner) - dt.timedelta(days=1)
        )
    assert "start" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        plan_program_edit(
            plan=plan, physio=physio, edits=ProgramEdits(removed=frozenset({"nope"}), max_runs=9), note="x", start=start
        )
    assert set(raised.value.message_dict) == {"edits.removed", "edits.max_runs"}
    assert not PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.PROGRAM).exists()
    plan_program_edit(plan=plan, physio=physio, edits=edits, note="Keep it gentle.", start=start)
    plan.refresh_from_db()
    assert plan.pain_limits["during"] == 3
    assert {
        i.pain_limit for d, i in _prescribed(plan) if d >= start and i.exercise not in ("easy_run", "long_run")
    } == {3}
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ENDED)
    with pytest.raises(ValidationError) as raised:
        plan_program_edit(plan=plan, physio=physio, edits=edits, note="x", start=start)
    assert "plan" in raised.value.message_dict


def test_any_program_is_kept_as_a_template_and_assigns_the_same_edits(
    runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _assign(runner, physio, intake_data, SAFE_EDITS, weeks=5)
    with pytest.raises(PermissionDenied):
        template_from_plan(plan=plan, physio=other_physio, name="Theirs")
    template = template_from_plan(plan=plan, physio=physio, name="Ache, gentle", description="after review")
    assert (template.owner, template.pathway, template.weeks) == (physio, plan.pathway, 5)
    assert template.program == edits_to_dict(SAFE_EDITS)
    again = plan_assign(physio=physio, runner=runner, start=START, template=template)
    assert again.program_edits == plan.program_edits
    assert plan_to_dict(selectors.plan_read(again).to_domain()) == plan_to_dict(selectors.plan_read(plan).to_domain())


def test_a_template_program_is_validated_as_edits(physio: User) -> None:
    with pytest.raises(ValidationError) as raised:
        template_create(
            owner=physio,
            name="Bad",
            pathway="acute_strain",
            weeks=4,
            program={"added": [{"exercise": "nordic_curl", "kind": "strength", "dose": {"sets": 2, "reps": 4}}]},
        )
    assert "Nordic hamstring curl" in raised.value.message_dict["program"][0]
    made = template_create(owner=physio, name="Old shape", pathway="acute_strain", weeks=4, program={"pain_limit": 4})
    assert made.program == {"pain_limit": 4}
    assert "nordic_curl" in catalogue()


def test_editing_a_plans_program_costs_the_same_queries_for_4_and_26_weeks(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    record_intake(runner, intake_data)
    counts = []
    for weeks in (4, 26):
        plan = plan_assign(physio=physio, runner=runner, start=START, weeks=weeks)
        edits = ProgramEdits(removed=frozenset({"ball_rolling"}), doses={"single_leg_bridge": Dose(sets=2, reps=8)})
        with CaptureQueriesContext(connection) as captured:
            plan_program_edit(
                plan=plan, physio=physio, edits=edits, note="Fewer spots.", start=max(START, runner_today(runner))
            )
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20, counts  # 15 measured, 4 for the runner's plan-change message, 1 for their access log


def test_a_clearance_keeps_the_physios_edits(runner: User, physio: User, intake_data: dict[str, Any]) -> None:
    intake_data["symptoms"]["fever_or_unwell"] = True
    edits = ProgramEdits(removed=frozenset({"single_leg_bridge"}), weekly_distance_cap=10.0)
    plan = _assign(runner, physio, intake_data, edits)
    assert plan.status == PlanStatus.NEEDS_CLINICIAN and not Prescription.objects.filter(plan=plan).exists()
    plan_clinician_clear(plan=plan, physio=physio, note="Viral illness settled.", start=START)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    stored = selectors.plan_read(plan).to_domain()
    assert stored.weeks and all(w.running.target_distance <= 10 for w in stored.weeks)
    assert "single_leg_bridge" not in {i.exercise for _, i in _prescribed(plan)}


def _sessions_from(plan: Any, start: dt.date) -> list[Any]:
    """(date, kind, [(exercise, dose)]) of every session from `start`: what a preview shows and a save keeps."""
    return [
        (d.date, s.kind, [(i.exercise, i.dose) for i in s.items])
        for w in plan.weeks
        for d in w.days
        if d.date >= start
        for s in d.sessions
    ]


def test_preview_is_built_by_the_code_that_saves_so_it_shows_the_rules_decisions_too(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _assign(runner, physio, intake_data, ProgramEdits())
    bridging = PlannedSession.objects.filter(plan=plan, prescriptions__exercise__slug="single_leg_bridge")
    first = bridging.filter(kind="strength").order_by("date").first()
    assert first is not None
    with time_machine.travel(dt.datetime.combine(first.date, dt.time(18), tzinfo=dt.UTC), tick=False):
        severe = _log_first_session(plan, runner, pain=9)  # the rules pause what hurt
    plan.refresh_from_db()
    paused = {slug for slug, adj in state_from_dict(plan.state).exercise_adjustments if adj.paused}
    assert paused, "severe pain pauses the exercises that hurt"
    start = severe.date + dt.timedelta(days=1)
    edits = ProgramEdits(doses={"single_leg_stand_abduction": Dose(sets=3, reps=12)}, max_runs=2)

    with time_machine.travel(dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC), tick=False):
        preview = plan_program_preview(plan=plan, physio=physio, edits=edits)
        plan_program_edit(plan=plan, physio=physio, edits=edits, note="Fewer runs.", start=start)
    saved = selectors.plan_read(plan).to_domain()

    assert _sessions_from(preview, start) == _sessions_from(saved, start), "saved as previewed"
    upcoming = {i.exercise for date, i in _items(preview) if date >= start}
    assert not paused & upcoming, "the preview keeps the pause as Save does"
    assert paused_now(plan, catalogue(), today=start), "the editor can list it"
