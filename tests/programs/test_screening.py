"""Red-flag screening (docs/clinical-sources.md §9.3): each trigger, its urgency, highest wins, and what the message says."""

from __future__ import annotations

import dataclasses

import pytest

from programs.generator import generate_plan
from programs.rules import RulesConfig
from programs.screening import screen_red_flags
from tests.programs.strategies import START, catalogue, make_intake, pathways, symptomatic

TRIGGERS = [
    ({"bladder_or_bowel_change": True}, "emergency", "bladder or bowel"),
    ({"unable_to_walk_normally": True}, "urgent", "cannot walk normally"),
    ({"felt_pop": True, "onset": "sudden"}, "urgent", "felt a pop"),
    ({"bruising": True, "onset": "sudden"}, "urgent", "bruising"),
    ({"fever_or_unwell": True}, "urgent", "fever or feeling unwell"),
    ({"numbness_or_tingling": True}, "soon", "numbness or tingling"),
    ({"night_pain": True}, "soon", "pain at night"),
    ({"swelling": True}, "soon", "swelling"),
    ({"pain_at_rest": 4}, "soon", "pain at rest of 4/10"),
    ({"weeks_since_onset": 5, "pain_walking": 2}, "soon", "pain in daily life for 5 weeks"),
]


@pytest.mark.parametrize(("fields", "urgency", "noticed"), TRIGGERS)
def test_each_trigger_gives_its_urgency_and_says_what_we_noticed(fields: dict, urgency: str, noticed: str) -> None:
    referral = screen_red_flags(symptomatic(make_intake(), **fields))
    assert referral is not None
    assert referral.urgency == urgency
    assert noticed in referral.message
    assert "does not diagnose" in referral.message
    assert referral.reasons == (noticed,) or noticed in referral.reasons[0]


def test_emergency_message_sends_to_emergency_department() -> None:
    referral = screen_red_flags(symptomatic(make_intake(), bladder_or_bowel_change=True))
    assert referral is not None and "emergency department now" in referral.message


def test_highest_urgency_wins_and_every_finding_is_listed() -> None:
    intake = symptomatic(make_intake(), night_pain=True, felt_pop=True, bladder_or_bowel_change=True)
    referral = screen_red_flags(intake)
    assert referral is not None
    assert referral.urgency == "emergency"
    assert referral.reasons == (
        "a change in bladder or bowel control",
        "you felt a pop when it started",
        "pain at night",
    )


def test_numbness_mentions_the_emergency_signs() -> None:
    referral = screen_red_flags(symptomatic(make_intake(), numbness_or_tingling=True))
    assert referral is not None and "groin or buttocks" in referral.message


def test_no_flags_no_referral_just_below_thresholds() -> None:
    assert screen_red_flags(make_intake()) is None
    assert screen_red_flags(symptomatic(make_intake(), pain_at_rest=3, weeks_since_onset=4, pain_walking=3)) is None
    # Long-standing pain only when running (not walking or at rest) is not a red flag.
    assert screen_red_flags(symptomatic(make_intake(), weeks_since_onset=20)) is None


def test_rest_pain_threshold_is_configurable() -> None:
    intake = symptomatic(make_intake(), pain_at_rest=2)
    assert screen_red_flags(intake) is None
    assert screen_red_flags(intake, config=dataclasses.replace(RulesConfig(), rest_pain_referral=2)) is not None


def test_a_red_flag_plan_needs_a_clinician_and_prescribes_nothing() -> None:
    intake = symptomatic(make_intake(), onset="sudden", felt_pop=True)
    plan = generate_plan(intake, start=START, weeks=12, catalogue=catalogue(), pathways=pathways())
    assert plan.status == "needs_clinician"
    assert plan.referral is not None and plan.referral.urgency == "urgent"
    assert plan.weeks == ()
    assert plan.pathway == "acute_strain"  # named, so the clinician sees what the app would have suggested
