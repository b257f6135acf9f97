"""Whole programs for the seed runners of docs/clinical-sources.md §11, as a physio would read them: what is on which
day, how it builds, what opens each strength session, and the words the runner reads. Pure."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import defaultdict

from programs.clinical.generator import generate_plan
from programs.clinical.pathways import AGE_50_NOTE
from programs.clinical.types import Intake, Item, Plan
from tests.programs.strategies import START, catalogue, make_intake, pathways, symptomatic

WEEKDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def plan_for(intake: Intake, weeks: int = 12) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways())


def days_of(plan: Plan, week: int, exercise: str) -> list[str]:
    """Weekdays on which `exercise` is prescribed in plan week `week` (1-based), warm-ups left aside."""
    return [
        WEEKDAY[day.date.weekday()]
        for day in plan.weeks[week - 1].days
        if any(item.exercise == exercise for session in day.sessions for item in session.items)
    ]


def items_of(plan: Plan, week: int, exercise: str) -> list[Item]:
    return [
        item
        for day in plan.weeks[week - 1].days
        for session in day.sessions
        for item in session.items
        if item.exercise == exercise
    ]


def seed_002() -> Intake:
    """A 55-year-old half-marathoner sore for up to a week after races, with a pool, a kickboard, a clip-in bike,
    a gym's leg-curl machine and a mirror, an hour on each of seven days."""
    intake = symptomatic(
        make_intake(
            weekly_distance=40,
            runs_per_week=4,
            equipment=frozenset({"pool", "kickboard", "bike", "gym_machine", "mirror"}),
            minutes_per_session=60,
        ),
        pain_running=1,
        worse_when=frozenset({"after_races"}),
    )
    return dataclasses.replace(intake, age=55, sex="female", goal="pain_relief")


def test_seed_002_gets_hamstring_work_on_the_machine_and_cross_training_on_days_of_its_own() -> None:
    plan = plan_for(seed_002())
    assert plan.pathway == "post_race_stabilisers"
    assert plan.pathway_reason.endswith(AGE_50_NOTE)
    # the stabilisers three times a week, the hamstring work twice, pool and bike each on three other days
    assert days_of(plan, 1, "single_leg_stand") == ["Mon", "Wed", "Fri"]
    assert days_of(plan, 1, "leg_curl_machine") == days_of(plan, 1, "single_leg_rdl") == ["Mon", "Thu"]
    assert days_of(plan, 1, "pool_kickboard_laps") == ["Tue", "Thu", "Sat"]
    assert days_of(plan, 1, "cycling_clip_in") == ["Wed", "Fri", "Sun"]
    # the leg curl climbs Mjølsnes's steps while pain stays low, through both stages
    curls = [{(i.dose.sets, i.dose.reps) for i in items_of(plan, w, "leg_curl_machine")} for w in range(1, 13)]
    assert curls == [{(2, 6)}, {(3, 8)}, {(3, 10)}] + [{(3, 12)}] * 9
    # seed 002's bike: +2 minutes every week, never cut to fit the hour
    bike = [{i.dose.minutes for i in items_of(plan, w, "cycling_clip_in")} for w in range(1, 13)]
    assert bike == [{minutes} for minutes in range(5, 28, 2)]
    assert all("shortened" not in i.reason for w in range(1, 13) for i in items_of(plan, w, "cycling_clip_in"))


def test_seed_002_every_strength_session_opens_with_the_bike_and_fits_the_hour() -> None:
    plan = plan_for(seed_002())
    for week in plan.weeks:
        for day in week.days:
            for session in (s for s in day.sessions if s.kind == "strength"):
                bike = session.warm_up[0]
                assert (bike.exercise, bike.dose.minutes) == ("cycling_clip_in", 5)
            assert sum(s.estimated_minutes or 0 for s in day.sessions) <= 60 + len(day.sessions)  # rounding


def test_seed_002_with_a_previous_hamstring_injury_keeps_nordic_work_in_every_week() -> None:
    intake = seed_002()
    injured = dataclasses.replace(intake, symptoms=dataclasses.replace(intake.symptoms, previous_hamstring_injury=True))
    plan = plan_for(injured)
    assert all(items_of(plan, w, "slider_curl") or items_of(plan, w, "towel_slider_curl") for w in range(1, 13))
    first = items_of(plan, 1, "towel_slider_curl")[0]
    assert first.replaces == "nordic_curl" and "only the Nordic itself has been shown to lower the risk" in first.reason
    assert "largest risk factor" in first.source
    assert not items_of(plan_for(intake), 1, "towel_slider_curl"), "only after a previous injury"
    prevention = plan_for(dataclasses.replace(intake, goal="prevention"))
    assert all(items_of(prevention, w, "towel_slider_curl") for w in range(1, 13)), "or with prevention as the goal"


def seed_000() -> Intake:
    """A marathoner at 60 miles a week whose hamstrings ache from the middle of long runs."""
    return symptomatic(
        make_intake(units="mi", weekly_distance=60, runs_per_week=7),
        side="both",
        pain_running=4,
        worse_when=frozenset({"long_runs"}),
        days_since_onset=120,
    )


def test_seed_000_reads_miles_and_plain_words_everywhere() -> None:
    plan = plan_for(seed_000())
    reasons = [w.running.reason for w in plan.weeks] + [
        i.reason for w in plan.weeks for d in w.days for s in d.sessions for i in (*s.warm_up, *s.items)
    ]
    assert not [r for r in reasons if re.search(r"\bkm\b|seed \d|Petersen|Aspetar|_", r)]
    runs = [i for d in plan.weeks[0].days for s in d.sessions if s.kind == "run" for i in s.items]
    assert [i.exercise for i in runs] == ["easy_run"] * 4 + ["long_run"]
    assert sum(i.dose.distance or 0 for i in runs) == plan.weeks[0].running.target_distance == 36.0
    # worse on long runs: the long run is kept to about the length of the other runs (docs/clinical-sources.md §16.3)
    assert runs[-1].reason == "Long run: 7.2 mi of this week's 36 mi, at an easy pace"
    assert runs[0].source.startswith("Seed 001")
    assert plan.weeks[0].running.source.startswith("Seed 000")


def test_seed_000_nordics_come_after_a_warm_up_and_never_on_consecutive_days() -> None:
    plan = plan_for(seed_000())
    for week in plan.weeks:
        nordic_days = []
        for day in week.days:
            for session in day.sessions:
                if any(i.exercise == "nordic_curl" for i in session.items):
                    assert session.warm_up and session.items[0].exercise == "nordic_curl"
                    nordic_days.append(day.date.toordinal())
        assert all(b - a >= 2 for a, b in itertools.pairwise(nordic_days))
    first = items_of(plan, 1, "nordic_curl")[0]
    assert first.reason == (
        "Nordic hamstring curl, after a warm-up: step 1 of 6: 2 × 5; it moves up next week if your pain stays at "
        "3/10 or less"
    )
    assert first.source.startswith("Petersen 2011 doses")


def test_seed_001_the_novice_is_told_why_the_distance_builds_slowly() -> None:
    intake = symptomatic(make_intake(weekly_distance=42, runs_per_week=4), pain_running=3)
    novice = dataclasses.replace(intake, running=dataclasses.replace(intake.running, months_running=4))
    plan = plan_for(novice)
    assert "as you started running 4 months ago, more than 32 km a week is too much too soon" in (
        plan.weeks[0].running.reason
    )
    assert plan.weeks[1].running.reason.startswith("26.4 km, up from 25.2: we add about 5% a week up to 32")
    assert "Seed 001" in plan.weeks[1].running.source


def test_a_runner_without_equipment_gets_eccentric_and_lengthening_work_from_the_first_week() -> None:
    intake = symptomatic(make_intake(equipment=frozenset()), pain_running=1, worse_when=frozenset({"after_races"}))
    plan = plan_for(intake)
    per_week: dict[int, set[str]] = defaultdict(set)
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                per_week[week.number] |= {i.exercise for i in session.items}
    assert all({"single_leg_rdl"} <= per_week[w] for w in range(1, 13))
    assert all({"towel_slider_curl"} <= per_week[w] for w in range(1, 13)), "the leg curl's place, with a towel"
    walk = next(s for d in plan.weeks[0].days for s in d.sessions if s.kind == "strength").warm_up[0]
    assert walk.exercise == "brisk_walk" and walk.dose.minutes == 5
