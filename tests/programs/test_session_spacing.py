"""Sessions around the race and the long runs, the fast drills in the protective stages, and doses and words
(docs/clinical-sources.md §16.4): intake in, plan out."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from exercises.catalogue import Dose
from programs.clinical.config import RulesConfig
from programs.clinical.dosing import estimated_minutes
from programs.clinical.generator import generate_plan
from programs.clinical.spacing import lengthening_exercises
from programs.clinical.types import GoalRace, Intake, Item, Plan
from tests.programs.strategies import (
    START,
    catalogue,
    make_intake,
    pathways,
    race_in_strain_stage_three,
    symptomatic,
)

CONFIG = RulesConfig()
NORDIC_TYPE = frozenset(CONFIG.nordic_type_exercises)
FAST_DRILLS = frozenset({"high_knees", "butt_kicks", "pats_agility"})


def plan_for(intake: Intake, weeks: int = 12) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways())


def items(plan: Plan) -> list[tuple[dt.date, str, Item]]:
    """(date, session kind, item) of every item, warm-ups included."""
    return [
        (day.date, session.kind, item)
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in (*session.warm_up, *session.items)
    ]


def dates_of(plan: Plan, slugs: frozenset[str]) -> list[dt.date]:
    return sorted(date for date, _, item in items(plan) if item.exercise in slugs)


def the_day(plan: Plan, exercise: str) -> dt.date:
    return next(date for date, _, item in items(plan) if item.exercise == exercise)


# ---------------------------------------------------------------- races


def test_no_strength_session_on_half_marathon_day_and_no_lengthening_work_two_days_either_side() -> None:
    race = GoalRace(START + dt.timedelta(weeks=4, days=6), "half")  # a Sunday
    plan = plan_for(make_intake(goal_race=race, equipment=frozenset()))  # towel slider curls and bridges
    race_day = the_day(plan, "race")
    assert race_day == race.date
    on_race_day = [(kind, item.exercise) for date, kind, item in items(plan) if date == race_day]
    assert [kind for kind, _ in on_race_day] == ["run"], on_race_day
    near = [
        (date, item.exercise)
        for date, _, item in items(plan)
        if item.exercise in lengthening_exercises(catalogue()) and abs((date - race_day).days) <= 2
    ]
    assert near == []
    assert dates_of(plan, frozenset({"towel_slider_curl"})), "the towel slider curls are kept on other days"


def test_a_marathon_gets_no_nordic_two_days_before_or_the_day_after() -> None:
    race = GoalRace(START + dt.timedelta(weeks=5, days=5), "marathon")  # a Saturday
    plan = plan_for(make_intake(weekly_distance=60, goal_race=race))
    gaps = [(date - race.date).days for date in dates_of(plan, NORDIC_TYPE)]
    assert not [gap for gap in gaps if -2 <= gap <= 2]
    assert any(gap < -2 for gap in gaps) and any(gap > 2 for gap in gaps)


def test_the_nordic_build_is_held_through_the_taper_and_picks_up_one_step_a_week_after_the_race() -> None:
    race = GoalRace(START + dt.timedelta(weeks=5, days=5), "marathon")  # week 6; taper weeks 4-6
    plan = plan_for(make_intake(weekly_distance=60, goal_race=race))
    by_week = {
        w.number: [i for d in w.days for s in d.sessions for i in s.items if i.exercise == "nordic_curl"]
        for w in plan.weeks
    }

    def volume(item: Item) -> float:
        return estimated_minutes(item.dose, CONFIG)

    before = by_week[3]
    for week in (4, 5, 6):
        assert len(by_week[week]) <= len(before), week
        assert max(volume(i) for i in by_week[week]) <= max(volume(i) for i in before), week
    assert "kept at the level of the week before your taper" in by_week[4][0].reason
    held = max(i.step for i in before)
    assert {i.step for i in by_week[7]} == {held + 1}, "one step up after the race, not the schedule's week 7"
    assert "builds again from where it was held" in by_week[7][0].reason
    assert [i.dose for i in by_week[4]] == [before[-1].dose] * len(by_week[4])


def test_a_race_the_plan_left_out_moves_nothing() -> None:
    race = GoalRace(START + dt.timedelta(weeks=4, days=5), "10k")
    symptomatic_runner = symptomatic(make_intake(goal_race=race), pain_running=4)
    plan = plan_for(symptomatic_runner)
    assert not dates_of(plan, frozenset({"race"})), "racing is advised against while running still hurts"
    assert not [i for _, _, i in items(plan) if "your race" in i.reason]


def test_what_finds_no_day_is_left_out_and_the_race_says_so() -> None:
    race = GoalRace(START + dt.timedelta(weeks=4, days=5), "10k")  # a Saturday
    intake = make_intake(goal_race=race, available_days=("mon", "wed", "sat"), runs_per_week=2)
    plan = plan_for(intake)
    race_items = [i for d, _, i in items(plan) if i.exercise == "race"]
    assert race_items and "left out on this day so your legs are fresh for your race: Nordic hamstring curl" in (
        race_items[0].reason
    )
    race_week = [d for d in dates_of(plan, frozenset({"nordic_curl"})) if race.date - d < dt.timedelta(days=7)]
    assert all((race.date - d).days > 2 for d in race_week if d <= race.date)


# ---------------------------------------------------------------- long runs


def _long_run_gaps(plan: Plan) -> list[int]:
    long_runs = dates_of(plan, frozenset({"long_run"}))
    return [(long - date).days for date in dates_of(plan, NORDIC_TYPE) for long in long_runs]


def test_no_nordic_on_the_long_run_day_or_the_day_before_and_none_dropped_with_days_to_spare() -> None:
    plan = plan_for(make_intake(weekly_distance=50, runs_per_week=4))
    assert dates_of(plan, frozenset({"long_run"}))
    assert not [gap for gap in _long_run_gaps(plan) if gap in (0, 1)]
    nordics = dates_of(plan, frozenset({"nordic_curl"}))
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(nordics)), "never consecutive"
    per_week = [sum(1 for d in nordics if (d - START).days // 7 == w) for w in range(12)]
    assert per_week[2:10] == [3] * 8, "Petersen's three a week kept: moved, not dropped"
    moved = [i for d, _, i in items(plan) if i.exercise == "nordic_curl" and "moved here from" in i.reason]
    assert moved and "not sore on your long run" in moved[0].reason


@pytest.mark.parametrize("start_offset", range(7))
def test_the_long_run_rule_holds_from_any_start_day(start_offset: int) -> None:
    start = START + dt.timedelta(days=start_offset)
    intake = make_intake(weekly_distance=40, runs_per_week=3, equipment=frozenset({"sliders"}))
    plan = generate_plan(intake, start=start, weeks=8, catalogue=catalogue(), pathways=pathways())
    assert not [gap for gap in _long_run_gaps(plan) if gap in (0, 1)]


def test_with_two_days_nordics_may_share_the_long_run_day() -> None:
    intake = make_intake(weekly_distance=30, runs_per_week=3, available_days=("sat", "sun"))
    plan = plan_for(intake)
    nordics = dates_of(plan, frozenset({"nordic_curl"}))
    assert len([d for d in nordics if (d - START).days < 7]) == 1, "nothing left out for a two-day runner"


# ---------------------------------------------------------------- fast drills in the protective stages

PROTECTIVE = {
    "a pop while sprinting yesterday": {
        "onset": "sudden",
        "days_since_onset": 1,
        "felt_pop": True,
        "pain_walking": 3,
        "worse_when": frozenset({"speed_work"}),
    },
    "a suspected avulsion": {"onset": "sudden", "days_since_onset": 2, "location": "sit_bone", "pain_walking": 3},
    "acute strain, stage 1": {"onset": "sudden", "days_since_onset": 2, "pain_walking": 2},
    "early tendinopathy": {"onset": "gradual", "days_since_onset": 60, "location": "sit_bone"},
}


@pytest.mark.parametrize("case", sorted(PROTECTIVE))
@pytest.mark.parametrize("equipment", [frozenset(), frozenset({"bike"})])
def test_no_high_knees_butt_kicks_or_fast_feet_in_the_protective_stages(case: str, equipment: frozenset[str]) -> None:
    intake = symptomatic(make_intake(equipment=equipment, minutes_per_session=45), **PROTECTIVE[case])
    plan = plan_for(intake, weeks=2)
    assert plan.status == "active", plan.referral
    assert plan.weeks[0].phase in ("protect", "isometric")
    first_week = [i for d, _, i in items(plan) if (d - START).days < 7]
    assert not [i.exercise for i in first_week if i.exercise in FAST_DRILLS]
    warm_ups = {i.exercise for w in plan.weeks[:1] for d in w.days for s in d.sessions for i in s.warm_up}
    assert warm_ups and warm_ups <= {"cycling_clip_in", "brisk_walk"}, warm_ups


def test_the_fast_drills_are_tagged_like_leg_swings() -> None:
    swings = catalogue()["leg_swings"].contraindications
    for slug in FAST_DRILLS:
        assert swings <= catalogue()[slug].contraindications, slug


def test_the_warm_up_drills_come_back_once_the_stage_allows_them() -> None:
    plan = plan_for(make_intake(minutes_per_session=45), weeks=1)
    warm_ups = {i.exercise for d in plan.weeks[0].days for s in d.sessions for i in s.warm_up}
    assert "leg_swings" in warm_ups


# ---------------------------------------------------------------- doses and words


def _volume_of(dose: Dose) -> int:
    """Reps in a session: a per-set list added up, else sets × reps."""
    return sum(dose.reps) if isinstance(dose.reps, tuple) else (dose.reps or 0) * (dose.sets or 1)


def test_no_bridge_ladder_adds_more_than_a_quarter_in_one_step() -> None:
    for pathway in pathways().values():
        for phase in pathway.phases:
            for item in phase.items:
                for chosen in (item, *item.alternatives):
                    if "bridge" not in chosen.exercise or len(chosen.rule.ladder) < 2:
                        continue
                    volumes = [_volume_of(d) for d in chosen.rule.ladder]
                    for a, b in itertools.pairwise(volumes):
                        assert b <= a * 1.25, (pathway.slug, phase.slug, chosen.exercise, volumes)


def test_ball_rolling_is_left_out_while_numbness_has_not_been_checked() -> None:
    ache = {"onset": "gradual", "days_since_onset": 30, "location": "mid_thigh", "pain_running": 3}
    plain = plan_for(symptomatic(make_intake(), **ache), weeks=2)
    assert plain.pathway == "overuse_ache" and dates_of(plain, frozenset({"ball_rolling"}))
    numb = plan_for(symptomatic(make_intake(), **ache, numbness_or_tingling=True), weeks=2)
    assert numb.status == "active" and not dates_of(numb, frozenset({"ball_rolling"}))


def test_trunk_holds_are_not_dosed_each_leg() -> None:
    plan = plan_for(symptomatic(make_intake(), **PROTECTIVE["acute strain, stage 1"]), weeks=1)
    trunk = [i for _, _, i in items(plan) if i.exercise == "trunk_bridges"]
    assert trunk and not [i.reason for i in trunk if "each leg" in i.reason]
    assert "Front and side planks" in trunk[0].reason


def test_the_slider_curls_are_not_credited_with_the_nordics_injury_reduction() -> None:
    for slug in ("slider_curl", "towel_slider_curl"):
        source = " ".join(catalogue()[slug].source.split()).lower()
        assert "for preventing injuries" in source and "is the nordic's" in source, slug
    for pathway in pathways().values():
        for phase in pathway.phases:
            for item in phase.items:
                for alt in item.alternatives:
                    if alt.exercise in ("slider_curl", "towel_slider_curl"):
                        assert "it lowers the risk" not in alt.why, (pathway.slug, alt.why)
                        assert "halve" not in alt.source and "cut hamstring injuries" not in alt.source


JARGON = re.compile(
    r"\b(isometric|prone|supine|abduct\w*|adduct\w*|gluteus|medius|eccentric|concentric|proximal|flexion|"
    r"extensors?|flexors?|knee-flexor|neural|ischial|proprioce\w*)\b",
    re.IGNORECASE,
)


def test_runner_facing_catalogue_and_pathway_words_are_plain() -> None:
    for spec in catalogue().exercises:
        for text in (spec.name, spec.description, *spec.cues, *spec.common_mistakes):
            assert not JARGON.search(text), (spec.slug, text)
    for pathway in pathways().values():
        for phase in pathway.phases:
            assert not JARGON.search(phase.name), phase.name
            for question in phase.exit_criteria:
                assert not JARGON.search(question), question
            for item in phase.items:
                for chosen in (item, *item.alternatives):
                    assert not JARGON.search(chosen.why), (pathway.slug, chosen.why)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        PROTECTIVE["acute strain, stage 1"],
        PROTECTIVE["early tendinopathy"],
        {"onset": "gradual", "days_since_onset": 30, "location": "mid_thigh", "pain_running": 3},
        {"onset": "gradual", "days_since_onset": 30, "pain_running": 2, "worse_when": frozenset({"racing"})},
    ],
)
def test_every_reason_in_a_plan_is_free_of_jargon(fields: dict[str, object]) -> None:
    intake = symptomatic(make_intake(), **fields) if fields else make_intake()
    plan = plan_for(intake, weeks=12)
    for _, _, item in items(plan):
        assert not JARGON.search(item.reason), item.reason


def test_after_the_race_the_nordic_build_resumes_at_its_own_stages_next_step() -> None:
    """Stage 3's Nordic build (2 × 5 … 3 × 8) is held through the race week and resumes one step on; stage 4's build
    (3 × 8, then 3 × 12, 10, 8) keeps its own steps: a step number of one build never picks a dose of the other."""
    plan = race_in_strain_stage_three()
    nordics = [
        [
            (i.dose.sets, i.dose.reps)
            for day in week.days
            for s in day.sessions
            for i in s.items
            if i.exercise == "nordic_curl"
        ]
        for week in plan.weeks[3:]
    ]
    assert [w.phase for w in plan.weeks[3:]] == ["strength", "strength", "strength", "return", "return"]
    assert nordics == [[(2, 5), (2, 5)], [(2, 5)], [(2, 6), (2, 6)], [(3, 8), (3, 8)], [(3, (12, 10, 8))] * 2]
