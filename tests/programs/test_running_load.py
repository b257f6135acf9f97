"""Running that rebuilds (docs/clinical-sources.md §7, §11): the seed runners, a marathon inside the plan, dips that
are not a new base, novices, and runners over 50. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from programs.clinical.config import RulesConfig
from programs.clinical.generator import generate_plan
from programs.clinical.types import GoalRace, Intake, Plan
from tests.programs.strategies import (
    START,
    catalogue,
    clear_intakes,
    make_intake,
    pathways,
    race_in_strain_stage_three,
    symptomatic,
)


def plan_for(intake: Intake, weeks: int = 12) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways())


def targets(plan: Plan) -> list[float]:
    return [w.running.target_distance for w in plan.weeks]


def with_runner(intake: Intake, **running: object) -> Intake:
    return dataclasses.replace(intake, running=dataclasses.replace(intake.running, **running))


def test_seed_000_the_aching_marathoner_is_cut_to_seed_000s_30_to_40_miles_then_rebuilt() -> None:
    intake = symptomatic(
        make_intake(units="mi", weekly_distance=60, runs_per_week=7),
        side="both",
        pain_running=4,
        worse_when=frozenset({"long_runs"}),
        days_since_onset=120,
    )
    plan = plan_for(intake)
    assert targets(plan)[:5] == [36.0, 39.6, 43.5, 34.8, 43.5]
    assert plan.weeks[0].running.reason == (
        "Running 36 mi this week, down from your usual 60 mi, while the ache settles; no speed work until tightness "
        "after running has settled; as long runs bring on your ache, the long run is kept to about the length of "
        "your other runs"
    )
    assert plan.weeks[4].running.reason.startswith("Back to 43.5 mi after the lighter week")
    assert all(w.running.rest_days >= 2 for w in plan.weeks), "a couple of days off each week"


def test_seed_001_the_novice_is_not_rebuilt_to_the_volume_that_was_too_much_too_soon() -> None:
    intake = with_runner(
        symptomatic(make_intake(weekly_distance=42, runs_per_week=4), pain_running=3), months_running=4
    )
    plan = plan_for(intake)
    assert targets(plan)[0] == 25.2, "60 % of 42 km"
    assert max(targets(plan)) <= 32.0 < 42, "4 months × 8 km: never back to the 42 km that was too much too soon"
    assert "more than 32 km a week is too much too soon for now" in plan.weeks[0].running.reason


def test_seed_002_sore_only_after_races_gets_no_cut_and_a_lighter_week_every_third_week_at_55() -> None:
    intake = dataclasses.replace(
        symptomatic(
            make_intake(weekly_distance=40, runs_per_week=4), pain_running=1, worse_when=frozenset({"after_races"})
        ),
        age=55,
    )
    plan = plan_for(intake)
    assert targets(plan)[:7] == [40.0, 40.0, 32.0, 40.0, 40.0, 32.0, 40.0]
    assert plan.weeks[0].running.reason.startswith("Your usual 40 km a week: it only hurts a little when you run")


def test_a_healthy_runner_with_a_marathon_in_week_6_tapers_recovers_and_returns_to_the_base() -> None:
    race = GoalRace(START + dt.timedelta(weeks=5, days=6), "marathon")  # Sunday of week 6
    plan = plan_for(make_intake(weekly_distance=50, runs_per_week=5, goal_race=race))
    # back from the race over weeks: +25 % at most a week and 30 % over two weeks (docs/clinical-sources.md §16.3)
    assert targets(plan) == [50.0, 50.0, 50.0, 40.0, 30.0, 48.2, 25.0, 31.3, 32.5, 40.6, 42.2, 50.0]
    assert plan.weeks[5].running.reason.endswith("taper week 3 of 3"), "the race is run on the third taper week"
    assert plan.weeks[6].running.reason.startswith("A lighter week after your race: 25 km, then back up to 50 km")
    assert plan.weeks[7].running.reason.startswith("31.3 km, on the way back to 50 km")
    assert plan.weeks[11].running.reason.startswith("Back to 50 km")


def test_a_lighter_week_is_a_dip_not_a_new_base() -> None:
    """The safety review's case: a 35 km runner ended 12 weeks at 22.7 km because each dip became the new base."""
    plan = plan_for(symptomatic(make_intake(weekly_distance=35), pain_running=4))
    # the week after the return counts the lighter week in its two weeks: 20.3 × 1.3 = 26.3 (§16.3)
    assert targets(plan) == [21.0, 23.1, 25.4, 20.3, 25.4, 26.3, 27.9, 30.6, 33.6, 26.8, 33.5, 33.6]


def test_more_pain_cuts_more() -> None:
    base = make_intake(weekly_distance=50)
    assert targets(plan_for(symptomatic(base, pain_running=2)))[0] == 50.0
    assert targets(plan_for(symptomatic(base, pain_running=5)))[0] == 30.0
    assert targets(plan_for(symptomatic(base, pain_running=7)))[0] == 15.0
    assert targets(plan_for(symptomatic(base, pain_running=2, pain_walking=2)))[0] == 15.0
    lighter = dataclasses.replace(RulesConfig(), severe_start_fraction=0.5)
    plan = generate_plan(
        symptomatic(base, pain_running=7),
        start=START,
        weeks=2,
        catalogue=catalogue(),
        pathways=pathways(),
        config=lighter,
    )
    assert targets(plan)[0] == 25.0, "configurable"


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=2, max_value=16))
def test_after_a_dip_the_next_week_returns_to_the_pre_dip_level(intake: Intake, weeks: int) -> None:
    plan = plan_for(intake, weeks)
    race = intake.running.goal_race
    for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
        if race is not None and before.days[0].date <= race.date <= after.days[-1].date:
            continue  # around race week: the race itself is on top of the taper
        dipped = 0 < before.running.target_distance < before.running.level - 1e-9
        if not dipped or after.running.target_distance == 0 or "four weeks" in after.running.source:  # §7.2 steps
            continue
        assert after.running.level <= before.running.level + 1e-9, "no new high right after a dip"
        if after.running.target_distance >= after.running.level - 1e-9:  # not itself a taper, recovery or lighter week
            assert after.running.target_distance == before.running.level


def _runs(plan: Plan, week: int) -> list[tuple[dt.date, str, float]]:
    return [
        (d.date, i.exercise, i.dose.distance)
        for d in plan.weeks[week].days
        for s in d.sessions
        for i in s.items
        if i.exercise in ("easy_run", "long_run", "race") and i.dose.distance is not None
    ]


@settings(max_examples=150, deadline=None)
@given(intake=clear_intakes(), weeks=st.integers(min_value=1, max_value=14))
def test_runs_go_on_available_days_and_add_up_to_each_weeks_target(intake: Intake, weeks: int) -> None:
    from programs.clinical.types import WEEKDAYS

    plan = plan_for(intake, weeks)
    for n, week in enumerate(plan.weeks):
        runs = _runs(plan, n)
        if week.running.target_distance > 0 and week.phase != "walk_jog":
            assert round(sum(r[2] for r in runs), 1) == week.running.target_distance
        assert len([r for r in runs if r[1] != "race"]) <= week.running.max_runs
        for date, exercise, _ in runs:
            if exercise != "race":  # the race is on race day, whatever the runner's usual days
                assert WEEKDAYS[date.weekday()] in intake.available_days
        assert len({r[0] for r in runs}) == len(runs), "one run a day"


def test_a_strain_returning_to_running_runs_on_alternate_days_for_two_weeks() -> None:
    strain = symptomatic(
        make_intake(weekly_distance=40, runs_per_week=5), onset="sudden", days_since_onset=70, pain_running=2
    )
    plan = plan_for(strain)
    for week in (0, 1):
        dates = sorted(r[0] for r in _runs(plan, week))
        assert dates and all((b - a).days >= 2 for a, b in itertools.pairwise(dates))


def test_race_week_holds_the_race_on_race_day_with_easy_running_before_it() -> None:
    race = GoalRace(START + dt.timedelta(weeks=5, days=6), "marathon")
    plan = plan_for(make_intake(weekly_distance=50, runs_per_week=5, goal_race=race))
    runs = _runs(plan, 5)
    assert (race.date, "race", 42.2) in runs
    assert plan.weeks[5].running.target_distance == round(sum(r[2] for r in runs), 1) == 48.2
    assert all(d < race.date - dt.timedelta(days=1) for d, e, _ in runs if e != "race")
    assert plan.weeks[5].running.reason.startswith("Race week: your race (42.2 km) plus 6 km of easy running")


def test_a_taper_or_a_races_recovery_week_holds_the_next_return_step() -> None:
    """Running again from 30 %, the race week and its recovery week run less: the 50 % step comes after them, not
    in their place (before, each counted as a step, and the week after the recovery week went from 7.8 km to 20 km)."""
    plan = race_in_strain_stage_three()
    assert [w.running.level for w in plan.weeks[3:]] == [6.0, 6.0, 6.0, 10.0, 16.0]
    assert [w.running.target_distance for w in plan.weeks[3:]] == [6.0, 5.0, 3.0, 10.0, 16.0]
    assert plan.weeks[6].running.reason.startswith("Back to running, week 2 of 4: 10 km")
