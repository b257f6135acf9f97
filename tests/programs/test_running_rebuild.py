"""The running load rebuilt the way a clinician would (docs/clinical-sources.md §7, §16.3): intake in, plan out. Pure."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from typing import Any

from programs.clinical.config import RulesConfig
from programs.clinical.generator import generate_plan
from programs.clinical.state_json import config_from_dict, config_to_dict
from programs.clinical.types import GoalRace, Intake, Item, Plan, PlanState
from tests.programs.strategies import START, catalogue, make_intake, pathways, symptomatic

RUNS = ("easy_run", "long_run")


def plan_for(intake: Intake, weeks: int = 12, **kwargs: object) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), **kwargs)  # type: ignore[arg-type]


def with_runner(intake: Intake, **running: Any) -> Intake:
    return dataclasses.replace(intake, running=dataclasses.replace(intake.running, **running))


def targets(plan: Plan) -> list[float]:
    return [w.running.target_distance for w in plan.weeks]


def runs_of(plan: Plan, week: int, kinds: tuple[str, ...] = RUNS) -> list[tuple[dt.date, Item]]:
    return [
        (day.date, item)
        for day in plan.weeks[week].days
        for session in day.sessions
        for item in session.items
        if item.exercise in kinds
    ]


def distances(plan: Plan, week: int, kind: str) -> list[float]:
    return [item.dose.distance or 0.0 for _, item in runs_of(plan, week, (kind,))]


# ---------------------------------------------------------------- finding 1: running pain above the plan's limit


def test_running_pain_above_the_limit_starts_with_walk_run_not_continuous_runs() -> None:
    plan = plan_for(symptomatic(make_intake(weekly_distance=40), pain_running=9))
    assert plan.pain_limits is not None and plan.pain_limits.during == 5
    for week in (0, 1):
        runs = runs_of(plan, week)
        assert runs and all(item.reason.startswith("Walk–run:") for _, item in runs), "no continuous run at 9/10"
        assert "2 min running, 3 min walking" in runs[0][1].reason
        assert not distances(plan, week, "long_run"), "no long run while running hurts above the limit"
        dates = sorted(d for d, _ in runs)
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(dates)), "never on back-to-back days"
        assert "walk whenever the running part goes above 5/10" in plan.weeks[week].running.reason
    assert targets(plan)[0] == 12.0, "30 % of 40 km"
    assert not any(item.reason.startswith("Walk–run") for _, item in runs_of(plan, 2)), "then continuous running"


def test_running_pain_at_or_under_the_limit_runs_continuously() -> None:
    plan = plan_for(symptomatic(make_intake(weekly_distance=40), pain_running=5))
    assert all(item.reason.startswith(("Easy run", "Long run")) for _, item in runs_of(plan, 0))


def test_the_walk_run_weeks_after_painful_running_are_configurable() -> None:
    config = RulesConfig(painful_running_walk_run_weeks=1)
    plan = plan_for(symptomatic(make_intake(weekly_distance=40), pain_running=9), config=config)
    assert all(item.reason.startswith("Walk–run") for _, item in runs_of(plan, 0))
    assert not any(item.reason.startswith("Walk–run") for _, item in runs_of(plan, 1))


# ---------------------------------------------------------------- finding 7: fast run-throughs are speed work


def strain_in_stage_3(**fields: object) -> Intake:
    return symptomatic(make_intake(weekly_distance=40), onset="sudden", days_since_onset=20, pain_running=2, **fields)


def run_through_paces(plan: Plan) -> list[tuple[int, int, bool]]:
    return [
        (week.number, item.dose.pace_percent or 0, week.running.speed_work_allowed)
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
        if item.exercise == "walk_jog"
    ]


def test_run_throughs_above_70_percent_wait_for_speed_work() -> None:
    held = plan_for(strain_in_stage_3())
    paces = run_through_paces(held)
    assert paces and all(pace <= 70 for _, pace, _ in paces), "no fast run-throughs while speed work waits"
    assert all(not speed for _, _, speed in paces)
    notes = [
        i.reason for w in held.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise == "walk_jog"
    ]
    assert any("kept at 70 % of full pace: faster is speed work, not this week" in note for note in notes)
    cleared = plan_for(strain_in_stage_3(), state=PlanState(speed_work_cleared=True))
    assert any(pace > 70 and speed for _, pace, speed in run_through_paces(cleared)), "once speed work is allowed"
    assert all(pace <= 70 for _, pace, speed in run_through_paces(cleared) if not speed)


def test_worse_with_speed_work_holds_fast_run_throughs_in_the_first_weeks_even_when_cleared() -> None:
    plan = plan_for(strain_in_stage_3(worse_when=frozenset({"speed_work"})), state=PlanState(speed_work_cleared=True))
    weeks = RulesConfig().speed_hold_weeks_when_worse
    assert all(pace <= 70 for number, pace, _ in run_through_paces(plan) if number <= weeks)
    assert not any(w.running.speed_work_allowed for w in plan.weeks[:weeks])
    assert "no speed work in the first 6 weeks, as speed brings on your ache" in plan.weeks[0].running.reason


# ---------------------------------------------------------------- finding 8: no run longer than the runner's longest


def test_one_day_a_week_is_one_run_no_longer_than_the_longest_plus_a_step() -> None:
    intake = with_runner(make_intake(weekly_distance=20, runs_per_week=1, available_days=("sun",)), longest_run=10)
    plan = plan_for(intake)
    for n, week in enumerate(plan.weeks):
        runs = runs_of(plan, n)
        assert len(runs) == 1 and runs[0][1].dose.distance is not None
        assert runs[0][1].dose.distance <= 11.0 == 10 * 1.1
        assert week.running.target_distance <= 11.0, "fewer days shrink the week, not the run"
    assert "no run is longer than 11 km (about your longest run)" in plan.weeks[0].running.reason


def test_easy_runs_are_never_longer_than_the_long_run() -> None:
    intake = with_runner(make_intake(weekly_distance=56, runs_per_week=4), longest_run=12)
    plan = plan_for(intake)
    for n in range(len(plan.weeks)):
        longs, easies = distances(plan, n, "long_run"), distances(plan, n, "easy_run")
        assert longs and max(easies) <= longs[0] <= 13.2


# ---------------------------------------------------------------- finding 9: a goal race scheduled or advised against


def test_a_race_the_plan_advises_against_gets_no_taper_and_no_recovery_wording() -> None:
    race = GoalRace(START + dt.timedelta(weeks=3, days=6), "half")
    plan = plan_for(symptomatic(make_intake(weekly_distance=40, goal_race=race), pain_running=3))
    reasons = [w.running.reason for w in plan.weeks]
    assert not [r for r in reasons if "Taper" in r or "race:" in r or "after your race" in r]
    assert not any(runs_of(plan, n, ("race",)) for n in range(len(plan.weeks)))
    assert "Your race on 1 February is not in this plan: we advise against racing" in reasons[3]


def test_no_race_while_running_comes_back_after_a_strain_or_in_a_stage_without_fast_running() -> None:
    cleared = PlanState(speed_work_cleared=True)
    strain = symptomatic(make_intake(weekly_distance=30), onset="sudden", days_since_onset=21, pain_running=1)
    for weeks_ahead in (1, 3):  # running comes back over weeks 1-4; the stage allowing fast running starts in week 4
        race = GoalRace(START + dt.timedelta(weeks=weeks_ahead, days=6), "10k")
        plan = plan_for(
            dataclasses.replace(strain, running=dataclasses.replace(strain.running, goal_race=race)), state=cleared
        )
        assert not any(runs_of(plan, n, ("race",)) for n in range(len(plan.weeks))), weeks_ahead
        assert "we advise against racing until" in plan.weeks[weeks_ahead].running.reason
        assert not [w for w in plan.weeks if "Taper" in w.running.reason or "after your race" in w.running.reason]
    race = GoalRace(START + dt.timedelta(weeks=5, days=6), "10k")
    plan = plan_for(
        dataclasses.replace(strain, running=dataclasses.replace(strain.running, goal_race=race)), state=cleared
    )
    assert runs_of(plan, 5, ("race",)), "back to the usual week in the last stage: the race is planned"
    ache = symptomatic(make_intake(weekly_distance=30, goal_race=GoalRace(START + dt.timedelta(days=13), "10k")))
    plan = plan_for(ache, state=cleared)
    assert plan.weeks[1].phase == "settle" and not any(runs_of(plan, 1, ("race",)))
    assert "a stage that allows fast running" in plan.weeks[1].running.reason


def test_a_held_week_or_held_mornings_push_the_race_out_of_a_strains_return() -> None:
    strain = symptomatic(make_intake(weekly_distance=30), onset="sudden", days_since_onset=21, pain_running=1)
    race = GoalRace(START + dt.timedelta(weeks=4, days=6), "10k")
    intake = dataclasses.replace(strain, running=dataclasses.replace(strain.running, goal_race=race))
    cleared = PlanState(speed_work_cleared=True)
    assert runs_of(plan_for(intake, state=cleared), 4, ("race",)), "back to the usual week in time: planned"
    held = dataclasses.replace(
        cleared, running_hold_weeks=1, running_hold_since=(START + dt.timedelta(weeks=1)).isoformat()
    )
    mornings = dataclasses.replace(cleared, load_hold_since=(START + dt.timedelta(weeks=3)).isoformat())
    for state, until in ((held, "back to your usual week"), (mornings, "morning pain has settled")):
        plan = plan_for(intake, state=state)
        assert not any(runs_of(plan, n, ("race",)) for n in range(len(plan.weeks)))
        assert until in plan.weeks[4].running.reason


def test_after_a_race_the_running_comes_back_over_two_weeks_or_more() -> None:
    race = GoalRace(START + dt.timedelta(weeks=5, days=6), "marathon")
    plan = plan_for(make_intake(weekly_distance=50, runs_per_week=5, goal_race=race))
    recovery = targets(plan)[6:]
    assert recovery[0] == 25.0, "the recovery week at half"
    assert all(b <= a * 1.25 + 0.1 for a, b in itertools.pairwise(recovery)), "not +100 % straight after it"
    assert recovery.index(50.0) >= 3


# ---------------------------------------------------------------- finding 11: answers that change the plan


def test_worse_on_long_runs_keeps_the_long_run_to_the_other_runs_length() -> None:
    intake = with_runner(
        symptomatic(make_intake(weekly_distance=120, runs_per_week=5), pain_running=3, worse_when={"long_runs"}),
        longest_run=32,
    )
    plan = plan_for(intake)
    for n in range(len(plan.weeks)):
        longs, easies = distances(plan, n, "long_run"), distances(plan, n, "easy_run")
        assert longs and longs[0] <= min(easies) + 0.1, "the long run about an even share"
    assert "as long runs bring on your ache, the long run is kept" in plan.weeks[0].running.reason


def test_worse_in_the_mornings_never_runs_on_back_to_back_days() -> None:
    intake = symptomatic(make_intake(weekly_distance=40, runs_per_week=5), pain_running=3, worse_when={"mornings"})
    plan = plan_for(intake)
    for n in range(len(plan.weeks)):
        dates = sorted(d for d, _ in runs_of(plan, n))
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(dates))
    assert "as mornings are worst for you, runs are never on back-to-back days" in plan.weeks[0].running.reason


def test_return_to_running_from_nothing_is_a_walk_run_return() -> None:
    intake = dataclasses.replace(make_intake(weekly_distance=0, runs_per_week=0), goal="return_to_running")
    plan = plan_for(intake)
    assert all(t > 0 for t in targets(plan)), "not 12 weeks without running"
    first = runs_of(plan, 0)
    assert len(first) == 3 and all(item.dose.distance == 1.6 for _, item in first)
    assert "2 min running, 3 min walking" in first[0][1].reason
    assert "running without walking breaks" in plan.weeks[5].running.reason
    assert "Trials 2023" in plan.weeks[0].running.source
    assert not any(w.running.speed_work_allowed for w in plan.weeks), "no speed work during a walk–run return"


def test_a_walker_runner_keeps_walk_run_intervals() -> None:
    intake = dataclasses.replace(
        with_runner(make_intake(weekly_distance=15, runs_per_week=3), keep_walk_run=True), age=68
    )
    plan = plan_for(intake)
    for n in range(len(plan.weeks)):
        runs = runs_of(plan, n)
        assert runs and all(item.reason.startswith("Walk–run:") for _, item in runs)
        assert not distances(plan, n, "long_run")
    assert "every run as walk–run (4 min running, 1 min walking), as you asked" in plan.weeks[0].running.reason


# ---------------------------------------------------------------- finding 12: cuts follow their reasons


def test_sitting_pain_with_pain_free_running_keeps_its_running_and_changes_hills_and_speed() -> None:
    intake = symptomatic(
        make_intake(weekly_distance=40), location="sit_bone", worse_when={"sitting"}, pain_running=0, pain_at_rest=3
    )
    plan = plan_for(intake)
    assert plan.pathway == "proximal_tendinopathy"
    assert targets(plan)[0] == 40.0
    reason = plan.weeks[0].running.reason
    assert "running does not hurt" in reason and "keep to flat routes and no fast running" in reason
    assert "hurts a lot" not in reason
    assert "Goom 2016" in plan.weeks[0].running.source


def test_an_acute_strain_is_back_to_its_usual_volume_within_four_weeks_of_running_again() -> None:
    strain = symptomatic(make_intake(weekly_distance=40, runs_per_week=5), onset="sudden", days_since_onset=70)
    plan = plan_for(dataclasses.replace(strain, symptoms=dataclasses.replace(strain.symptoms, pain_running=0)))
    assert targets(plan)[:4] == [12.0, 20.0, 32.0, 40.0], "§7.2: 30 % → 50 % → 80 % → 100 %"
    assert plan.weeks[3].running.reason.startswith("Back to running, week 4 of 4: 40 km")


def test_an_early_strain_rebuilds_in_four_weeks_once_running_starts() -> None:
    strain = symptomatic(
        make_intake(weekly_distance=40), onset="sudden", days_since_onset=3, pain_running=5, pain_walking=2
    )
    plan = plan_for(strain)
    first = next(n for n, t in enumerate(targets(plan)) if t > 0)
    assert targets(plan)[first : first + 4] == [12.0, 20.0, 32.0, 40.0]
    assert not any(item.reason.startswith("Walk–run") for _, item in runs_of(plan, first)), "walk–jog came first"


def test_a_novice_builds_slowly_instead_of_freezing() -> None:
    """The review's case: a 2-month runner held at 9 of 15 km for good."""
    novice = with_runner(
        symptomatic(make_intake(weekly_distance=15, runs_per_week=3), pain_running=3), months_running=2
    )
    plan = plan_for(novice)
    assert targets(plan)[0] == 9.0
    assert max(targets(plan)) > 11 and plan.weeks[-1].running.level > 11, "not frozen"
    levels = [w.running.level for w in plan.weeks]
    assert all(b <= a * 1.05 + 0.1 for a, b in itertools.pairwise(levels)), "new highs at half the step"
    assert "it builds slowly" in plan.weeks[0].running.reason


def test_too_much_too_soon_is_cut() -> None:
    """Seed 001: 4 months of running at more than 40 km a week."""
    novice = with_runner(symptomatic(make_intake(weekly_distance=42), pain_running=1), months_running=4)
    plan = plan_for(novice)
    assert targets(plan)[0] == 32.0 < 42, "4 months × 8 km"
    assert max(targets(plan)) <= 32.0
    assert "more than 32 km a week is too much too soon for now" in plan.weeks[0].running.reason


def test_too_much_too_soon_is_configurable() -> None:
    novice = with_runner(symptomatic(make_intake(weekly_distance=42), pain_running=1), months_running=4)
    assert targets(plan_for(novice, config=RulesConfig(too_much_per_month_km=5.0)))[0] == 20.0


# ---------------------------------------------------------------- finding 14: the rebound counts in the two weeks


def test_the_week_after_a_return_from_a_lighter_week_stays_within_30_percent_of_the_lighter_week() -> None:
    plan = plan_for(symptomatic(make_intake(weekly_distance=35), pain_running=4))
    t = targets(plan)
    assert t[3] == 20.3 and t[4] == 25.4, "a lighter week, then back"
    assert t[5] <= t[3] * 1.3 + 1e-9, "counted over two weeks"
    assert "at most 25% more than last week and 30% more than two weeks ago" in plan.weeks[5].running.reason


# ---------------------------------------------------------------- finding 15: say what is true


def test_a_runner_at_0_of_10_is_not_told_running_hurts_a_little() -> None:
    pain_free = plan_for(symptomatic(make_intake(weekly_distance=40), pain_running=0, side="left"))
    assert "running does not hurt" in pain_free.weeks[0].running.reason
    assert "hurts a little" not in pain_free.weeks[0].running.reason
    a_little = plan_for(symptomatic(make_intake(weekly_distance=40), pain_running=2))
    assert "it only hurts a little when you run" in a_little.weeks[0].running.reason


def test_the_new_running_fields_survive_a_stored_plans_json() -> None:
    config = RulesConfig(return_steps=(0.4, 0.7, 1.0), keep_walk_run_interval=(3, 1))
    assert config_from_dict(json.loads(json.dumps(config_to_dict(config)))) == config
