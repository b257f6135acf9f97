"""The decision log and pinned versions: one PlanChange per decision with its item changes, the rules' previous
state kept, and a plan that changes only when the rules, a physio or an explicit upgrade change it."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from exercises.catalogue import Dose
from exercises.catalogue_file import load_catalogue_file
from exercises.models import CatalogueVersion
from exercises.services import catalogue_load
from programs.choices import PlanChangeKind
from programs.clinical import pathway_files
from programs.clinical.config import RulesConfig
from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.state_json import config_from_dict, config_to_dict, pain_limits_from_dict, state_from_dict
from programs.models import PathwayVersion, Plan, PlanChange, PlannedSession, PlanStateChange, Prescription
from programs.selectors.decisions import plan_decisions
from programs.selectors.plans import plan_read
from programs.selectors.versions import catalogue_of
from programs.services import generation
from programs.services.care import prescription_override
from programs.services.generation import generate, rules_config
from programs.services.logs import day_log_record, session_log_record
from programs.services.plan_sync import CatalogueMismatchError, _exercise_ids
from programs.services.plans import plan_upgrade
from tests.programs.plans import START, create_plan

pytestmark = pytest.mark.django_db


def _plan(runner: User, data: dict[str, Any], weeks: int = 26) -> Plan:
    return create_plan(runner, data, weeks)


def _first_strength_session(plan: Plan) -> PlannedSession:
    return PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()


def _log(session: PlannedSession, runner: User, pain: int) -> Any:
    entries = [
        {"prescription": p.pk, "pain_during": pain, "pain_after": pain, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    return session_log_record(session=session, runner=runner, entries=entries)


def test_a_painful_log_on_a_26_week_plan_writes_one_decision_per_exercise(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data)
    session = _first_strength_session(plan)
    slots = {p.slot for p in session.prescriptions.all()}

    log = _log(session, runner, pain=6)  # limit 5 on this pathway

    decisions = list(PlanChange.objects.filter(plan=plan).exclude(kind=PlanChangeKind.UPDATE))
    assert {d.exercise for d in decisions} == slots
    assert len(decisions) == len(slots), "one decision per exercise, not a row per changed session"
    # what the shorter exercises leave room for on the same days: at most one row of its own
    knock_on = list(PlanChange.objects.filter(plan=plan, kind=PlanChangeKind.UPDATE))
    assert len(knock_on) <= 1 and all(c.item_changes and "_" not in c.reason for c in knock_on)
    for decision in decisions:
        assert decision.kind == PlanChangeKind.REGRESS and decision.rule == "pain"
        assert decision.cause_log == log and decision.author is None
        assert decision.reason.startswith("regressed: pain 6/10")
        assert decision.before["hold"] is False and decision.after["hold"] is True
        assert decision.item_changes, "each regression changes its coming sessions"
        assert all(c["date"] > session.date.isoformat() for c in decision.item_changes)
        assert {c["exercise"] for c in decision.item_changes} <= {decision.exercise, decision.after["variant"]}
        assert set(decision.item_changes[0]) == {"date", "session", "exercise", "before", "after"}


def test_the_rules_previous_state_is_kept_with_the_decisions_it_led_to(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=6)
    initial_state = dict(plan.state)
    session = _first_strength_session(plan)
    _log(session, runner, pain=6)
    plan.refresh_from_db()

    change = PlanStateChange.objects.get(plan=plan)
    assert change.as_of == session.date
    assert change.before == initial_state and change.after == plan.state != initial_state
    assert set(change.decisions.values_list("kind", flat=True)) == {PlanChangeKind.REGRESS}

    second = PlannedSession.objects.filter(plan=plan, kind="strength", date__gt=session.date).order_by("date").first()
    _log(second, runner, pain=1)
    history = list(PlanStateChange.objects.filter(plan=plan).order_by("created_at"))
    assert [h.as_of for h in history] == [session.date, second.date]
    assert history[1].before == history[0].after, "each change keeps the state it replaced"


def test_a_log_within_the_safe_zone_progresses_without_touching_history(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=6)
    session = _first_strength_session(plan)
    before = list(Prescription.objects.filter(session__date__lte=session.date, session__plan=plan).values())
    _log(session, runner, pain=1)
    assert set(PlanChange.objects.filter(plan=plan).values_list("kind", flat=True)) == {PlanChangeKind.PROGRESS}
    after = list(Prescription.objects.filter(session__date__lte=session.date, session__plan=plan).values())
    assert before == after


def test_an_easier_variant_scheduled_in_its_own_right_is_never_confused_with_a_regressed_slot(
    runner: User, intake_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A template whose Nordic has no towel alternative, and no equipment: the single-leg bridge fills the Nordic's
    place and the glute bridge the single-leg bridge's. After the Nordic's place regresses to the glute bridge, a
    log of the glute bridge in its own place is that place's log only."""
    data = copy.deepcopy(pathway_files.pathway_source("overuse_ache"))
    for phase in data["phases"]:
        for session in phase["sessions"]:
            for item in session["items"]:
                if item["exercise"] == "nordic_curl":
                    item["alternatives"] = [a for a in item["alternatives"] if a != "towel_slider_curl"]
    original = pathway_files.pathway_source
    monkeypatch.setattr(generation, "pathway_source", lambda slug: data if slug == "overuse_ache" else original(slug))
    generation._source_checksum.cache_clear()  # the shipped files' checksums are cached per process
    request.addfinalizer(generation._source_checksum.cache_clear)
    intake_data["equipment"] = []
    plan = _plan(runner, intake_data, weeks=6)
    session = _first_strength_session(plan)
    by_slot = {p.slot: p for p in session.prescriptions.all()}
    assert by_slot["single_leg_bridge"].exercise.slug == "single_leg_bridge"
    assert by_slot["glute_bridge"].exercise.slug == "glute_bridge"
    # pain 6 in the Nordic's place only: that place steps back, the other place progresses
    entries = [
        {
            "prescription": p.pk,
            "pain_during": 6 if slot == "single_leg_bridge" else 0,
            "pain_after": 0,
            "completed_as_prescribed": True,
        }
        for slot, p in by_slot.items()
    ]
    session_log_record(session=session, runner=runner, entries=entries)
    kinds = dict(PlanChange.objects.filter(plan=plan).values_list("exercise", "kind"))
    assert kinds["single_leg_bridge"] == PlanChangeKind.REGRESS
    assert kinds["glute_bridge"] == PlanChangeKind.PROGRESS
    later = Prescription.objects.filter(session__plan=plan, session__date__gt=session.date, slot="glute_bridge")
    assert later.exists() and all(
        p.exercise.slug == "glute_bridge" and p.replaces == "single_leg_bridge" for p in later
    )


# ---------------------------------------------------------------- pinned versions


@pytest.fixture
def edit_overuse_template(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """Edits the shipped overuse template when called: the single-leg bridge's ladder becomes 2 × 8, 2 × 10, 3 × 10."""
    data = copy.deepcopy(pathway_files.pathway_source("overuse_ache"))
    for phase in data["phases"]:
        for session in phase["sessions"]:
            for item in session["items"]:
                if item["exercise"] == "single_leg_bridge":
                    item["dose"] = {"sets": 2, "reps": 8}
                    item["rule"]["ladder"] = [{"sets": 2, "reps": 8}, {"sets": 2, "reps": 10}, {"sets": 3, "reps": 10}]
    original = pathway_files.pathway_source

    def edit() -> None:
        monkeypatch.setattr(
            generation, "pathway_source", lambda slug: data if slug == "overuse_ache" else original(slug)
        )
        generation._source_checksum.cache_clear()  # the shipped files' checksums are cached per process

    yield edit
    generation._source_checksum.cache_clear()


def _bridge_doses(plan: Plan, after: dt.date) -> set[tuple[int, Any]]:
    rows = Prescription.objects.filter(
        session__plan=plan, session__date__gt=after, slot="single_leg_bridge", replaces=""
    )
    return {(p.dose["sets"], p.dose["reps"]) for p in rows}


def test_editing_a_pathway_never_changes_an_active_plan_until_it_is_upgraded(
    runner: User, intake_data: dict[str, Any], edit_overuse_template: Callable[[], None]
) -> None:
    plan = _plan(runner, intake_data, weeks=6)
    pinned = plan.pathway_version
    session = _first_strength_session(plan)
    edit_overuse_template()

    _log(session, runner, pain=1)  # a replan after the edit uses the pinned template
    plan.refresh_from_db()
    assert plan.pathway_version == pinned
    assert not _bridge_doses(plan, session.date) & {(2, 8), (2, 10)}
    assert PathwayVersion.objects.filter(slug="overuse_ache").count() == 1

    history_before = list(
        Prescription.objects.filter(session__plan=plan, session__date__lte=session.date).values("id", "dose")
    )
    change = plan_upgrade(plan=plan, as_of=session.date)
    plan.refresh_from_db()
    assert plan.pathway_version.number == 2 and plan.pathway_version != pinned
    assert change.kind == PlanChangeKind.UPGRADE
    assert change.before["pathway_version"] == 1 and change.after["pathway_version"] == 2
    assert {c["exercise"] for c in change.item_changes} == {"single_leg_bridge"}
    assert _bridge_doses(plan, session.date) & {(2, 8), (2, 10), (3, 10)}
    assert not _bridge_doses(plan, session.date) & {(3, 12), (4, 15)}
    assert history_before == list(
        Prescription.objects.filter(session__plan=plan, session__date__lte=session.date).values("id", "dose")
    ), "sessions up to the upgrade day are history"
    assert plan_upgrade(plan=plan, as_of=session.date) is None, "already on the latest versions"


def test_a_new_catalogue_load_is_used_by_new_plans_and_by_old_ones_only_after_an_upgrade(
    runner: User, intake_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    old = _plan(runner, intake_data, weeks=4)
    shipped = load_catalogue_file()
    edited = dataclasses.replace(
        shipped,
        exercises=tuple(
            dataclasses.replace(e, name="Single-leg bridge (edited)") if e.slug == "single_leg_bridge" else e
            for e in shipped.exercises
        ),
    )
    report = catalogue_load(catalogue=edited)
    assert report.new_version and CatalogueVersion.objects.count() == 2
    new = _plan(runner, intake_data, weeks=4)
    assert (old.catalogue_version.number, new.catalogue_version.number) == (1, 2)

    call_command("upgrade_plans", all=True, today=START.isoformat())
    assert "1 plan(s) upgraded, 1 already up to date." in capsys.readouterr().out
    old.refresh_from_db()
    assert old.catalogue_version.number == 2
    assert PlanChange.objects.filter(plan=old, kind=PlanChangeKind.UPGRADE).count() == 1


def _week_targets(plan: Plan) -> list[float]:
    return [float(w.target_distance) for w in plan.plan_weeks.order_by("number")]


def _targets_with_step(plan: Plan, step: float) -> list[float]:
    """The plan's weeks as the generator makes them with its current state and this weekly step."""
    generated = generate(
        intake_from_dict(plan.intake.data),
        start=plan.start,
        weeks=plan.weeks,
        state=state_from_dict(plan.state),
        pain_limits=pain_limits_from_dict(plan.pain_limits),
        pathway=plan.pathway,
        config=dataclasses.replace(RulesConfig(), weekly_distance_step=step),
    )
    return [w.running.target_distance for w in generated.weeks]


def test_a_changed_rules_default_is_used_by_new_plans_and_not_by_a_replan_of_an_old_one(
    runner: User, intake_data: dict[str, Any]
) -> None:
    old = _plan(runner, intake_data, weeks=8)
    assert config_from_dict(old.rules_config).weekly_distance_step == 0.10
    session = _first_strength_session(old)
    with override_settings(REHAB_WEEKLY_DISTANCE_STEP=0.05):
        _log(session, runner, pain=6)  # a replan that changes the rules' state and regenerates the coming weeks
        new = _plan(runner, intake_data, weeks=8)
    old.refresh_from_db()
    assert PlanStateChange.objects.filter(plan=old).exists()
    assert _targets_with_step(old, 0.10) != _targets_with_step(old, 0.05), "the step shows in the weeks"
    assert _week_targets(old) == _targets_with_step(old, 0.10)
    assert config_from_dict(old.rules_config).weekly_distance_step == 0.10
    assert config_from_dict(new.rules_config).weekly_distance_step == 0.05
    assert _week_targets(new) == _targets_with_step(new, 0.05)


def test_upgrade_plans_moves_a_plan_onto_the_current_rules_config_and_says_so(
    runner: User, intake_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    plan = _plan(runner, intake_data, weeks=8)
    call_command("upgrade_plans", all=True, today=START.isoformat())
    assert "0 plan(s) upgraded, 1 already up to date." in capsys.readouterr().out
    with override_settings(REHAB_WEEKLY_DISTANCE_STEP=0.05):
        call_command("upgrade_plans", plan=plan.pk, today=START.isoformat())
        out = capsys.readouterr().out
        plan.refresh_from_db()
        assert config_from_dict(plan.rules_config) == rules_config()
        call_command("upgrade_plans", all=True, today=START.isoformat())
        assert "0 plan(s) upgraded, 1 already up to date." in capsys.readouterr().out
    assert "1 plan(s) upgraded, 0 already up to date." in out
    assert "current training rules" in out and "'weekly_distance_step': 0.05" in out
    change = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.UPGRADE)
    assert change.before == {"pathway_version": 1, "catalogue_version": 1, "rules": {"weekly_distance_step": 0.1}}
    assert change.after == {"pathway_version": 1, "catalogue_version": 1, "rules": {"weekly_distance_step": 0.05}}
    assert change.reason.startswith("Your plan now follows the current training rules: ")
    assert any(c["exercise"] == "running" for c in change.item_changes)
    assert _week_targets(plan) == _targets_with_step(plan, 0.05) != _targets_with_step(plan, 0.10)


def test_a_plans_rules_config_survives_the_database_as_it_was() -> None:
    config = dataclasses.replace(RulesConfig(), weekly_distance_step=0.07, lighter_week_every=3)
    assert config_from_dict(json.loads(json.dumps(config_to_dict(config)))) == config
    assert config_from_dict({"weekly_distance_step": 0.07, "gone_since": 1}) == dataclasses.replace(
        RulesConfig(), weekly_distance_step=0.07
    ), "a name no longer known is ignored, a missing one takes its default"


def test_an_exercise_a_pinned_catalogue_still_lists_is_kept_when_it_leaves_the_file(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=2)
    unused = "kettlebell_swing"
    assert not Prescription.objects.filter(exercise__slug=unused).exists()
    shipped = load_catalogue_file()
    without = dataclasses.replace(
        shipped,
        exercises=tuple(
            dataclasses.replace(e, harder=None if e.harder == unused else e.harder)
            for e in shipped.exercises
            if e.slug != unused
        ),
    )
    report = catalogue_load(catalogue=without)
    assert unused in report.deactivated and unused not in report.deleted
    assert plan.catalogue_version.number == 1


def test_file_and_database_disagreeing_is_a_clear_error_naming_the_exercise(
    runner: User, intake_data: dict[str, Any]
) -> None:
    with pytest.raises(CatalogueMismatchError, match=r"'no_such_exercise'.*load_catalogue"):
        _exercise_ids(["nordic_curl", "no_such_exercise"])
    CatalogueVersion.objects.all().delete()
    with pytest.raises(CatalogueMismatchError, match="No exercise catalogue is loaded"):
        _plan(runner, intake_data, weeks=1)


def test_the_catalogue_migration_records_the_loaded_file_as_version_1() -> None:
    version = CatalogueVersion.objects.get()
    assert version.number == 1
    assert catalogue_of(version) == load_catalogue_file()
    assert Dose(sets=2, reps=5) == catalogue_of(version)["nordic_curl"].default_dose


# ---------------------------------------------------------------- physio writes and the admin


def test_a_physio_override_is_one_decision_by_that_physio_with_its_item_change(
    runner: User, physio: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=4)
    target = Prescription.objects.filter(session__plan=plan, exercise__slug="single_leg_bridge").last()
    planned = target.dose
    change = prescription_override(
        prescription=target, physio=physio, dose={"sets": 2, "reps": 8}, reason="Hip irritable after assessment."
    )
    assert (change.kind, change.author, change.exercise) == (PlanChangeKind.OVERRIDE, physio, "single_leg_bridge")
    assert change.before == {"dose": planned} and change.after == {"dose": {"sets": 2, "reps": 8}}
    assert change.item_changes[0]["after"]["dose"] == {"sets": 2, "reps": 8}
    target.refresh_from_db()
    assert target.reason == "Set by your physio: Hip irritable after assessment."
    assert plan_decisions(plan).first() == change


def test_a_bad_override_dose_is_a_field_error(runner: User, physio: User, intake_data: dict[str, Any]) -> None:

    plan = _plan(runner, intake_data, weeks=1)
    target = Prescription.objects.filter(session__plan=plan).first()
    with pytest.raises(ValidationError) as raised:
        prescription_override(prescription=target, physio=physio, dose={"sets": 0}, reason="x")
    assert "dose" in raised.value.message_dict


def test_the_admin_shows_plans_and_their_decisions_read_only(
    admin_client: Any, runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=2)
    _log(_first_strength_session(plan), runner, pain=6)
    change = PlanChange.objects.filter(plan=plan).first()
    session = _first_strength_session(plan)
    pages = [
        reverse("admin:programs_plan_change", args=[plan.pk]),
        reverse("admin:programs_plannedsession_change", args=[session.pk]),
        reverse("admin:programs_planchange_change", args=[change.pk]),
        reverse("admin:programs_planchange_changelist"),
    ]
    for url in pages:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.post(pages[0], {"status": "ended"}).status_code == 403
    assert admin_client.get(reverse("admin:programs_plan_add")).status_code == 403
    plan.refresh_from_db()
    assert plan.status == "active"
    assert plan_to_dict(plan_read(plan).to_domain())["status"] == "active"


# ---------------------------------------------------------------- day logs: red flags, mornings, runs


def test_a_stop_tier_red_flag_at_a_day_log_stops_the_plan_and_keeps_what_was_planned_in_history(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = _plan(runner, intake_data, weeks=4)
    session = _first_strength_session(plan)
    _log(session, runner, pain=1)
    # The flag is reported on the session's day: that day's sessions still to do are withdrawn too.
    future = Prescription.objects.filter(plan=plan, session__date__gte=session.date).exclude(session=session).count()
    assert future

    day_log_record(runner=runner, date=session.date, values={"red_flags": ["fever_or_unwell"]})

    plan.refresh_from_db()
    assert plan.status == "needs_clinician" and plan.referral["stops_plan"] and plan.referral["urgency"] == "urgent"
    assert not Prescription.objects.filter(plan=plan, session__date__gt=session.date).exists()
    assert Prescription.objects.filter(session=session).exists(), "what was done stays"
    flag = PlanChange.objects.get(plan=plan, kind=PlanChangeKind.RED_FLAG)
    removed = [c for c in flag.item_changes if c["after"] is None]
    assert len(removed) == future, "every withdrawn item is kept in the decision log"
    assert not PlannedSession.objects.filter(plan=plan, log=None).exists(), "nothing left to log"
    with pytest.raises(ValidationError, match="until a clinician has seen you"):
        _log(session, runner, pain=1)


def test_mornings_and_runs_logged_through_the_service_hold_the_load(runner: User, intake_data: dict[str, Any]) -> None:
    plan = _plan(runner, intake_data, weeks=4)
    day_log_record(runner=runner, date=START, values={"next_morning_pain": 7, "stiffness": 2})
    # 6/10 is above the limit of 5 but below severe (7/10, which would lower next week): a hold.
    day_log_record(runner=runner, date=START + dt.timedelta(days=1), values={"ran_distance": 5, "run_pain": 6})
    plan.refresh_from_db()
    kinds = list(PlanChange.objects.filter(plan=plan).values_list("kind", "rule"))
    assert (PlanChangeKind.HOLD, "morning_pain") in kinds and (PlanChangeKind.RUNNING, "running_load") in kinds
    weeks = list(plan.plan_weeks.order_by("number").values_list("target_distance", "speed_work_allowed"))
    assert weeks[1][0] == weeks[0][0] and not weeks[1][1]
