"""Screening and referral rules that need the plan (docs/clinical-sources.md §16.1): a pop or bruising in any pathway
rules out running and lengthening work, the cancer cluster sends the runner to a doctor, running pain above the
plan's limit and strains that keep coming back are advised on, a possible avulsion loses bridges and single-leg
squats. Intake or day logs in, plan out; pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings

from programs.clinical.contract import intake_from_dict
from programs.clinical.generator import generate_plan
from programs.clinical.rules import RulesConfig
from programs.clinical.types import INITIAL_STATE, DayLog, Intake, Plan, PlanState
from tests.programs.strategies import (
    START,
    advisory_intakes,
    catalogue,
    evaluate_plan,
    make_intake,
    pathways,
    symptomatic,
)

OVERUSE = symptomatic(make_intake(), worse_when=frozenset({"long_runs"}))  # overuse_ache, limit 5
RUNNING_KINDS = {"running", "drill"}
BRIDGES_AND_SQUATS = {
    "glute_bridge",
    "single_leg_bridge",
    "long_lever_bridge",
    "isometric_bridge_hold",
    "single_leg_squat",
    "single_leg_squat_rotation",
}


def plan_of(intake: Intake, state: PlanState = INITIAL_STATE, config: RulesConfig | None = None) -> Plan:
    return generate_plan(
        intake,
        start=START,
        weeks=8,
        catalogue=catalogue(),
        pathways=pathways(),
        state=state,
        config=config or RulesConfig(),
    )


def prescribed(plan: Plan, after: dt.date | None = None) -> list[tuple[dt.date, str]]:
    return [
        (d.date, i.exercise)
        for w in plan.weeks
        for d in w.days
        if after is None or d.date > after
        for s in d.sessions
        for i in (*s.warm_up, *s.items)
    ]


def runs(plan: Plan, after: dt.date | None = None) -> list[tuple[dt.date, str]]:
    return [(day, slug) for day, slug in prescribed(plan, after) if catalogue()[slug].category in RUNNING_KINDS]


# ---------------------------------------------------------------- a pop or bruising: no running, no lengthening


def test_an_overuse_ache_with_a_pop_has_no_running_and_no_lengthening_work_in_any_week() -> None:
    without_pop = plan_of(OVERUSE)
    assert without_pop.pathway == "overuse_ache" and runs(without_pop), "the same ache without a pop runs"
    plan = plan_of(dataclasses.replace(OVERUSE, symptoms=dataclasses.replace(OVERUSE.symptoms, felt_pop=True)))
    assert plan.status == "active" and plan.pathway == "overuse_ache"
    assert plan.referral is not None and plan.referral.no_running
    assert all(w.running.target_distance == 0 and w.running.max_runs == 0 for w in plan.weeks)
    assert all("walk or cross-train" in w.running.reason.lower() for w in plan.weeks)
    assert not runs(plan), "no run, walk–jog or running drill"
    lengthening = {slug for _d, slug in prescribed(plan) if "lengthening_load" in catalogue()[slug].contraindications}
    assert not lengthening and not {"nordic_curl", "slider_curl", "towel_slider_curl"} & lengthening
    assert "Do not run until a clinician has cleared you: walk or cross-train instead." in plan.referral.message
    assert "load the hamstring as it lengthens" in plan.referral.message


@pytest.mark.parametrize("flags", [{"felt_pop": True, "onset": "sudden"}, {"bruising": True}])
def test_a_pop_or_bruising_rules_out_running_in_every_pathway(flags: dict[str, Any]) -> None:
    for base in (OVERUSE, symptomatic(make_intake(), worse_when=frozenset({"after_races"})), make_intake()):
        symptoms = dataclasses.replace(
            base.symptoms, **{"side": "left", "onset": "gradual", "pain_running": 1, **flags}
        )
        plan = plan_of(dataclasses.replace(base, symptoms=symptoms))
        assert plan.referral is not None and plan.referral.no_running, plan.pathway
        assert not runs(plan) and all(w.running.target_distance == 0 for w in plan.weeks), plan.pathway


def test_bruising_reported_in_week_3_stops_the_next_days_run_and_the_long_run() -> None:
    before = plan_of(OVERUSE)
    reported = START + dt.timedelta(days=15)  # Tuesday of week 3
    next_day = reported + dt.timedelta(days=1)
    assert any(slug == "long_run" for _d, slug in runs(before, after=reported))
    assert any(day == next_day for day, _slug in runs(before)), "the plan had a run the next day"
    state, _ = evaluate_plan(
        before, INITIAL_STATE, days=[DayLog(reported, red_flags=frozenset({"bruising"}))], as_of=reported
    )
    plan = plan_of(OVERUSE, state)
    assert plan.status == "active" and plan.referral is not None and plan.referral.no_running
    assert not runs(plan, after=reported), "no run, long run or walk–jog after the report"
    assert all(w.running.target_distance == 0 for w in plan.weeks[2:])
    assert "bruising on the back of the thigh" in plan.referral.message
    assert "Do not run until a clinician has cleared you" in plan.referral.message


def test_a_clearance_brings_the_running_back() -> None:
    pop = dataclasses.replace(OVERUSE, symptoms=dataclasses.replace(OVERUSE.symptoms, felt_pop=True))
    plan = plan_of(pop, PlanState(clinician_cleared=True))
    assert plan.referral is None and runs(plan)


# ---------------------------------------------------------------- a possible avulsion: no bridges or single-leg squats


def test_a_sudden_pain_at_the_sit_bone_has_no_bridges_or_single_leg_squats() -> None:
    mid_thigh = symptomatic(make_intake(), onset="sudden", location="mid_thigh", felt_pop=False, pain_running=2)
    assert BRIDGES_AND_SQUATS & {slug for _d, slug in prescribed(plan_of(mid_thigh))}, "a strain elsewhere bridges"
    sit_bone = dataclasses.replace(mid_thigh, symptoms=dataclasses.replace(mid_thigh.symptoms, location="sit_bone"))
    plan = plan_of(sit_bone)
    assert plan.status == "active" and plan.weeks
    assert not BRIDGES_AND_SQUATS & {slug for _d, slug in prescribed(plan)}
    assert plan.referral is not None and "bridges and single-leg squats" in plan.referral.message
    assert plan.referral.no_running and not runs(plan)


# ---------------------------------------------------------------- the cancer cluster


def _older(age: int, **fields: Any) -> Intake:
    intake = symptomatic(make_intake(), not_improving=True, days_since_onset=42, **fields)
    return dataclasses.replace(intake, age=age)


@pytest.mark.parametrize("age", [50, 61])
def test_cancer_history_and_weight_loss_at_50_or_over_and_not_improving_hold_the_plan(age: int) -> None:
    plan = plan_of(_older(age, history_of_cancer=True, unexplained_weight_loss=True))
    assert plan.status == "needs_clinician" and plan.weeks == ()
    assert plan.referral is not None and plan.referral.stops_plan and plan.referral.urgency == "urgent"
    assert "a history of cancer" in plan.referral.message and "unexplained weight loss" in plan.referral.message
    assert f"not getting better at {age}" in plan.referral.message
    assert "please see a doctor, not only a physiotherapist" in plan.referral.message


def test_the_age_of_the_cluster_is_a_rules_setting() -> None:
    intake = _older(55, history_of_cancer=True)
    assert plan_of(intake).status == "needs_clinician"
    later = plan_of(intake, config=RulesConfig(malignancy_screen_age=60))
    assert later.status == "active" and later.referral is not None and later.referral.urgency == "urgent"


@pytest.mark.parametrize(
    ("fields", "named"),
    [({"history_of_cancer": True}, "a history of cancer"), ({"unexplained_weight_loss": True}, "unexplained weight")],
)
def test_the_cluster_alone_is_named_and_sends_the_runner_to_a_doctor(fields: dict[str, Any], named: str) -> None:
    plan = plan_of(symptomatic(make_intake(), **fields))
    assert plan.status == "active" and plan.referral is not None and not plan.referral.stops_plan
    assert plan.referral.urgency == "urgent" and named in plan.referral.message
    assert "please see a doctor, not only a physiotherapist" in plan.referral.message


def test_not_improving_at_61_without_the_cluster_is_advice_to_be_seen_soon() -> None:
    plan = plan_of(_older(61))
    assert plan.status == "active" and plan.referral is not None and plan.referral.urgency == "soon"
    assert "see a doctor, not only" not in plan.referral.message


# ---------------------------------------------------------------- running pain above the plan's limit


@pytest.mark.parametrize(("pain", "urgency"), [(6, "soon"), (9, "urgent")])
def test_running_pain_above_the_limit_is_advised_on(pain: int, urgency: str) -> None:
    plan = plan_of(symptomatic(make_intake(), pain_running=pain))
    assert plan.pathway == "overuse_ache" and plan.pain_limits is not None and plan.pain_limits.during == 5
    assert plan.referral is not None and plan.referral.urgency == urgency
    assert f"running hurts {pain}/10, more than this plan allows (5/10)" in plan.referral.message


def test_running_pain_at_the_limit_gets_no_advice() -> None:
    assert plan_of(symptomatic(make_intake(), pain_running=5)).referral is None


# ---------------------------------------------------------------- earlier strains


def test_one_earlier_strain_counts_as_a_previous_injury_for_the_prevention_work() -> None:
    after_races = dataclasses.replace(
        symptomatic(make_intake(), pain_running=2, worse_when=frozenset({"after_races"})), goal="return_to_running"
    )
    assert "nordic_curl" not in {slug for _d, slug in prescribed(plan_of(after_races))}
    once = dataclasses.replace(after_races, symptoms=dataclasses.replace(after_races.symptoms, previous_strains=1))
    plan = plan_of(once)
    assert plan.pathway == "post_race_stabilisers" and plan.referral is None
    assert "nordic_curl" in {slug for _d, slug in prescribed(plan)}


def test_two_or_more_earlier_strains_advise_a_physio_to_look_at_why() -> None:
    intake = symptomatic(make_intake(), pain_running=2, previous_strains=3, previous_hamstring_injury=True)
    plan = plan_of(intake)
    assert plan.status == "active" and plan.referral is not None and plan.referral.urgency == "soon"
    assert "3 earlier hamstring strains" in plan.referral.message
    assert "why they keep coming back" in plan.referral.message


def test_a_stored_count_of_strains_means_a_previous_injury() -> None:
    data: dict[str, Any] = {
        "age": 40,
        "sex": "female",
        "units": "km",
        "running": {
            "weekly_distance": 30,
            "runs_per_week": 3,
            "longest_run": 12,
            "months_running": 40,
            "races_per_year": 2,
            "does_speed_work": False,
            "keep_walk_run": True,
        },
        "symptoms": {
            "side": "none",
            "onset": "none",
            "days_since_onset": 0,
            "pain_at_rest": 0,
            "pain_walking": 0,
            "pain_running": 0,
            "previous_hamstring_injury": False,
            "previous_strains": 2,
        },
        "equipment": [],
        "available_days": ["mon", "wed"],
        "minutes_per_session": 30,
        "goal": "return_to_running",
    }
    intake = intake_from_dict(data)
    assert intake.symptoms.previous_hamstring_injury and intake.symptoms.previous_strains == 2
    assert intake.running.keep_walk_run


# ---------------------------------------------------------------- the invariant


@settings(max_examples=60, deadline=None)
@given(intake=advisory_intakes())
def test_no_plan_with_a_pop_bruising_or_a_possible_avulsion_runs_or_lengthens(intake: Intake) -> None:
    s = intake.symptoms
    rules_out_running = s.felt_pop or s.bruising or (s.onset == "sudden" and s.location == "sit_bone")
    plan = plan_of(intake)
    assert plan.referral is not None and plan.referral.no_running == rules_out_running
    if rules_out_running:
        assert not runs(plan) and all(w.running.target_distance == 0 for w in plan.weeks)
        tags = {"lengthening_load", "suspected_avulsion"}
        assert not {slug for _d, slug in prescribed(plan) if catalogue()[slug].contraindications & tags}
