"""A decision about an exercise says what it changed, from what to what: the rules' reason, then the dose last planned
and the next one ("2 × 5 → 3 × 5"; the decision is titled with its exercise). Pure: `programs.clinical.decisions.decision_rows`."""

from __future__ import annotations

import datetime as dt

from exercises.catalogue import Dose
from programs.clinical.decisions import PlansAround, decision_rows
from programs.clinical.rules_types import Action, Decision
from programs.clinical.types import INITIAL_STATE, Day, Item, Plan, RunningTarget, Session, Week

NAMES = {"nordic_curl": "Nordic hamstring curl", "assisted_nordic": "Assisted nordic curl"}
REASON = "on track: done as prescribed with pain at 3/10 or less"
MONDAY = dt.date(2026, 11, 23)
RUNNING = RunningTarget(target_distance=10, unit="km", max_runs=3, rest_days=2, speed_work_allowed=False, reason="")


def _plan(*items: tuple[int, str, int, int]) -> Plan:
    """Items as (day offset from MONDAY, exercise, sets, reps), all filling the Nordic curl's slot."""
    days = tuple(
        Day(
            MONDAY + dt.timedelta(days=offset),
            (Session("strength", (Item(exercise, Dose(sets=sets, reps=reps), 3, "", slot="nordic_curl"),)),),
        )
        for offset, exercise, sets, reps in items
    )
    week = Week(number=1, phase="early", running=RUNNING, days=days)
    return Plan(
        status="active", referral=None, pathway="x", pathway_reason="", pain_limits=None, start=MONDAY, weeks=(week,)
    )


def _reason(action: Action, before: Plan, after: Plan, through_offset: int = 0) -> str:
    around = PlansAround(before, after, MONDAY + dt.timedelta(days=through_offset))
    decision = Decision("nordic_curl", action, REASON)
    (row,) = decision_rows((decision,), INITIAL_STATE, INITIAL_STATE, [], NAMES, around)
    return row.reason


def test_progress_names_the_dose_just_done_and_the_next_one() -> None:
    plan = _plan((0, "nordic_curl", 2, 5), (3, "nordic_curl", 3, 5), (5, "nordic_curl", 3, 6))

    assert _reason("progress", plan, plan) == f"{REASON}; 2 × 5 → 3 × 5"
    assert _reason("progress", plan, plan, through_offset=3).endswith("; 3 × 5 → 3 × 6")


def test_a_step_back_to_the_easier_variant_names_both_exercises() -> None:
    before = _plan((0, "nordic_curl", 2, 5), (3, "nordic_curl", 3, 5))
    after = _plan((0, "nordic_curl", 2, 5), (3, "assisted_nordic", 2, 6))

    assert _reason("regress", before, after).endswith("; Nordic hamstring curl 2 × 5 → Assisted nordic curl 2 × 6")


def test_an_exercise_filling_the_slot_in_place_of_its_own_is_named() -> None:
    plan = _plan((0, "assisted_nordic", 2, 5), (3, "assisted_nordic", 2, 6))

    assert _reason("progress", plan, plan).endswith("; Assisted nordic curl, done in its place: 2 × 5 → 2 × 6")


def test_the_same_dose_next_or_none_leaves_the_reason_as_the_rules_wrote_it() -> None:
    same = _plan((0, "nordic_curl", 2, 5), (3, "nordic_curl", 2, 5))
    paused = _plan((0, "nordic_curl", 2, 5))

    assert _reason("hold", same, same) == REASON
    assert _reason("pause", same, paused) == REASON
    decision = Decision("nordic_curl", "progress", REASON)
    (row,) = decision_rows((decision,), INITIAL_STATE, INITIAL_STATE, [], NAMES)
    assert row.reason == REASON  # without the plans around it
