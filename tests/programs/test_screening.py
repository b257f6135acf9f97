"""Red-flag screening in two tiers (docs/clinical-sources.md §9.3): each rule, its tier and urgency, what the message
says, and what the generator does with it."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from programs.clinical.generator import generate_plan
from programs.clinical.rules import RulesConfig
from programs.clinical.screening import AVULSION, screen_answers, screen_red_flags
from programs.clinical.types import Plan
from tests.programs.strategies import START, catalogue, make_intake, pathways, symptomatic

STOP = [
    ({"bladder_or_bowel_change": True}, "emergency", "a change in bladder or bowel control"),
    ({"saddle_numbness": True}, "emergency", "numbness around the groin or buttocks"),
    ({"unable_to_walk_normally": True}, "urgent", "you cannot walk normally or put your weight on the leg"),
    ({"felt_pop": True, "bruising": True, "onset": "sudden"}, "urgent", "a pop when it started, with bruising"),
    ({"spreading_bruising_or_swelling": True}, "urgent", "bruising or swelling that is spreading fast"),
    ({"fever_or_unwell": True}, "urgent", "fever or feeling unwell"),
    ({"night_pain": True, "unexplained_weight_loss": True}, "urgent", "pain at night together with unexplained"),
    ({"night_pain": True, "history_of_cancer": True}, "urgent", "pain at night together with a history of cancer"),
    ({"pain_at_rest": 6}, "urgent", "pain at rest of 6/10"),
]


@pytest.mark.parametrize(("fields", "urgency", "noticed"), STOP)
def test_each_stop_rule_stops_the_plan_with_its_urgency(fields: dict[str, Any], urgency: str, noticed: str) -> None:
    intake = symptomatic(make_intake(), **fields)
    referral = screen_red_flags(intake)
    assert referral is not None and referral.stops_plan
    assert referral.urgency == urgency
    assert referral.reasons[0].startswith(noticed)
    assert "does not diagnose" in referral.message and "once a clinician has cleared you" in referral.message
    plan = _plan(intake)
    assert plan.status == "needs_clinician" and plan.weeks == ()


def test_night_pain_over_50_stops_only_when_not_improving() -> None:
    older = dataclasses.replace(make_intake(), age=58)
    referral = screen_red_flags(symptomatic(older, night_pain=True, not_improving=True))
    assert referral is not None and referral.stops_plan
    assert "not getting better at 58" in referral.reasons[0]
    improving = screen_red_flags(symptomatic(older, night_pain=True))
    assert improving is not None and not improving.stops_plan


ADVISE = [
    ({"numbness_or_tingling": True}, "soon", "numbness or tingling", {"neural_tension"}, False),
    ({"location": "radiating"}, "soon", "pain spreading below the buttock", {"neural_tension"}, False),
    (
        {"onset": "sudden", "location": "sit_bone"},
        "urgent",
        "pain that started suddenly at the sit bone",
        {"lengthening_load", "neural_tension", "suspected_avulsion"},
        True,
    ),
    (
        {"felt_pop": True, "onset": "sudden"},
        "urgent",
        "a pop when it started",
        {"lengthening_load", "neural_tension", "suspected_avulsion"},
        True,
    ),
    ({"bruising": True}, "urgent", "bruising on the back of the thigh", set(AVULSION), True),
    ({"swelling": True}, "soon", "swelling", set(), False),
    ({"night_pain": True}, "soon", "pain at night", set(), False),
    ({"pain_at_rest": 4}, "soon", "pain at rest of 4/10", set(), False),
    ({"pain_at_rest": 5}, "soon", "pain at rest of 5/10", set(), False),
    (
        {"days_since_onset": 35, "not_improving": True},
        "soon",
        "pain for 5 weeks that is not getting better",
        set(),
        False,
    ),
]


@pytest.mark.parametrize(("fields", "urgency", "noticed", "restricted", "protect"), ADVISE)
def test_each_advise_rule_keeps_a_plan_with_the_advice_and_its_restrictions(
    fields: dict[str, Any], urgency: str, noticed: str, restricted: set[str], protect: bool
) -> None:
    intake = symptomatic(make_intake(), **fields)
    referral = screen_red_flags(intake)
    assert referral is not None and not referral.stops_plan
    assert (referral.urgency, referral.reasons, set(referral.restrictions), referral.protect_only) == (
        urgency,
        (noticed,),
        restricted,
        protect,
    )
    assert "does not diagnose" in referral.message and "until a clinician has cleared you" in referral.message
    plan = _plan(intake)
    assert plan.status == "active" and plan.referral is not None and plan.weeks
    # The plan's referral may add advice the chosen pathway calls for (running pain above its limit).
    assert plan.referral.reasons[: len(referral.reasons)] == referral.reasons
    assert (plan.referral.restrictions, plan.referral.urgency) == (referral.restrictions, referral.urgency)
    tagged = {slug for slug in _exercises(plan) if catalogue()[slug].contraindications & restricted}
    assert not tagged, f"restricted exercises prescribed: {tagged}"
    if protect:
        assert {week.phase for week in plan.weeks} == {plan.weeks[0].phase}
        assert plan.weeks[0].phase == pathways()[plan.pathway].phases[0].slug


def test_the_advice_says_what_is_left_out_in_plain_words() -> None:
    referral = screen_red_flags(symptomatic(make_intake(), numbness_or_tingling=True))
    assert referral is not None
    assert "leaves out stretches and leg swings that pull on the nerve" in referral.message
    assert "groin or buttocks" in referral.message, "the emergency signs are named with any numbness"


def test_cleared_advice_gives_the_full_plan_back() -> None:
    from programs.clinical.types import PlanState

    intake = symptomatic(make_intake(), onset="sudden", location="sit_bone", days_since_onset=2)
    held, cleared = _plan(intake), _plan(intake, PlanState(clinician_cleared=True))
    assert held.referral is not None and cleared.referral is None
    assert len({w.phase for w in cleared.weeks}) > 1
    assert any(catalogue()[slug].contraindications & {"lengthening_load"} for slug in _exercises(cleared))


def test_a_fourteen_week_sit_bone_ache_with_little_pain_goes_ahead() -> None:
    """The safety review's over-triage case: tendinopathy takes months; duration alone never stops a plan."""
    intake = symptomatic(make_intake(), location="sit_bone", days_since_onset=98, pain_walking=1)
    assert screen_red_flags(intake) is None
    assert _plan(intake).status == "active"


def test_highest_urgency_wins_and_every_finding_is_listed() -> None:
    intake = symptomatic(make_intake(), night_pain=True, felt_pop=True, bladder_or_bowel_change=True)
    referral = screen_red_flags(intake)
    assert referral is not None and referral.stops_plan
    assert referral.urgency == "emergency"
    assert referral.reasons == ("a change in bladder or bowel control", "a pop when it started", "pain at night")
    assert "emergency department now" in referral.message


def test_no_finding_just_below_the_thresholds() -> None:
    assert screen_red_flags(make_intake()) is None
    assert screen_red_flags(symptomatic(make_intake(), pain_at_rest=3, days_since_onset=200)) is None
    assert screen_red_flags(symptomatic(make_intake(), not_improving=True, days_since_onset=28)) is None


def test_rest_pain_thresholds_are_configurable() -> None:
    intake = symptomatic(make_intake(), pain_at_rest=2)
    assert screen_red_flags(intake) is None
    config = dataclasses.replace(RulesConfig(), rest_pain_referral=2, rest_pain_stop=3)
    advised = screen_red_flags(intake, config=config)
    assert advised is not None and not advised.stops_plan
    stopped = screen_red_flags(symptomatic(make_intake(), pain_at_rest=3), config=config)
    assert stopped is not None and stopped.stops_plan


def test_raw_answers_are_screened_even_when_other_fields_are_invalid() -> None:
    raw = {
        "age": "forty",
        "symptoms": {"felt_pop": True, "bruising": "true", "unable_to_walk_normally": "yes", "weeks_since_onset": 0.3},
    }
    referral = screen_answers(raw)
    assert referral is not None and referral.stops_plan and referral.urgency == "urgent"
    assert referral.reasons == (
        "you cannot walk normally or put your weight on the leg",
        "a pop when it started, with bruising",
    )
    assert screen_answers({"symptoms": "garbage"}) is None
    assert screen_answers([]) is None  # type: ignore[arg-type]


def _plan(intake: Any, state: Any = None) -> Plan:
    from programs.clinical.types import INITIAL_STATE

    return generate_plan(
        intake, start=START, weeks=12, catalogue=catalogue(), pathways=pathways(), state=state or INITIAL_STATE
    )


def _exercises(plan: Plan) -> set[str]:
    return {i.exercise for w in plan.weeks for d in w.days for s in d.sessions for i in s.items}
