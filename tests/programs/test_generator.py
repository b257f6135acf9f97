"""Exact tests of generated plans: seed and trial doses week by week, running load, equipment, time, state."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json

from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.generator import generate_plan
from programs.clinical.rules import RulesConfig
from programs.clinical.types import RED_FLAGS, ExerciseAdjustment, GoalRace, Item, Plan, PlanState
from tests.programs.strategies import ALL_EQUIPMENT, START, catalogue, make_intake, pathways, symptomatic


def plan_for(intake, weeks: int = 12, **kwargs) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), **kwargs)


def occurrences(plan: Plan, exercise: str) -> list[tuple[int, dt.date, Item]]:
    return [
        (week.number, day.date, item)
        for week in plan.weeks
        for day in week.days
        for session in day.sessions
        for item in session.items
        if item.exercise == exercise
    ]


def per_week(plan: Plan, exercise: str) -> dict[int, list[Item]]:
    out: dict[int, list[Item]] = {w.number: [] for w in plan.weeks}
    for number, _, item in occurrences(plan, exercise):
        out[number].append(item)
    return out


# ---------------------------------------------------------------- Petersen 2011 (docs/clinical-sources.md §2.2)


def test_petersen_table_week_by_week_then_maintenance() -> None:
    plan = plan_for(make_intake())
    assert plan.pathway == "prevention"
    weeks = per_week(plan, "nordic_curl")
    expected = {
        1: (1, 2, 5),
        2: (2, 2, 6),
        3: (3, 3, 6),
        4: (3, 3, 8),
        **{w: (3, 3, (12, 10, 8)) for w in range(5, 11)},
        11: (1, 3, (12, 10, 8)),
        12: (1, 3, (12, 10, 8)),
    }
    for week, (sessions, sets, reps) in expected.items():
        items = weeks[week]
        assert len(items) == sessions, week
        assert {(i.dose.sets, i.dose.reps) for i in items} == {(sets, reps)}, week
    assert sum(len(weeks[w]) for w in range(1, 11)) == 27
    assert weeks[3][0].reason.endswith("week 3 of 10: 3 × 6") and "lower bound" in weeks[3][0].source
    assert weeks[11][0].reason.endswith(": 3 × 12, 10, 8, once a week")
    assert [w.phase for w in plan.weeks] == ["nordic_programme"] * 10 + ["maintenance"] * 2


def test_nordic_days_are_never_consecutive() -> None:
    for start in (START, START + dt.timedelta(days=3)):  # a Monday and a Thursday start
        plan = generate_plan(make_intake(), start=start, weeks=12, catalogue=catalogue(), pathways=pathways())
        dates = [d for _, d, _ in occurrences(plan, "nordic_curl")]
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(dates))
    week3 = [d.strftime("%a") for w, d, _ in occurrences(plan_for(make_intake()), "nordic_curl") if w == 3]
    assert week3 == ["Mon", "Wed", "Sat"]  # Friday is the long run's day: the Nordic moves off it (§16.4)


def test_three_nordic_sessions_on_few_days_are_spread_as_far_as_possible() -> None:
    # Two runs a week, so no long run moves a Nordic (tests/programs/test_session_spacing.py covers that).
    plan = plan_for(make_intake(available_days=("mon", "tue", "wed"), runs_per_week=2))
    # Only Monday and Wednesday are apart: two sessions, not three on consecutive days.
    assert {len(items) for w, items in per_week(plan, "nordic_curl").items() if 3 <= w <= 10} == {2}
    plan = plan_for(make_intake(available_days=("mon", "wed", "thu", "sat"), runs_per_week=2))
    week5 = [d.strftime("%a") for w, d, _ in occurrences(plan, "nordic_curl") if w == 5]
    assert week5 == ["Mon", "Wed", "Sat"]  # never Wed and Thu together


# ---------------------------------------------------------------- seed 002 cross-training


def test_pool_and_bike_follow_seed_002_week_by_week_up_to_their_caps() -> None:
    intake = symptomatic(make_intake(minutes_per_session=180), worse_when=frozenset({"after_races"}))
    plan = plan_for(intake, weeks=30)
    assert plan.pathway == "post_race_stabilisers"
    laps = {w: {i.dose.laps for i in items} for w, items in per_week(plan, "pool_kickboard_laps").items()}
    assert [laps[w] for w in range(1, 13)] == [{n} for n in (5, 7, 9, 11, 13, 15, 17, 19, 20, 20, 20, 20)]
    assert all(len(items) == 3 for items in per_week(plan, "pool_kickboard_laps").values())
    minutes = {w: {i.dose.minutes for i in items} for w, items in per_week(plan, "cycling_clip_in").items()}
    assert [minutes[w] for w in range(1, 6)] == [{5}, {7}, {9}, {11}, {13}]
    assert minutes[28] == {59} and minutes[29] == {60} and minutes[30] == {60}
    reasons = {w: items[0].reason for w, items in per_week(plan, "pool_kickboard_laps").items()}
    assert reasons[1].endswith("start at 5 laps; +2 laps a week, building to 20")
    assert "lower bound" in per_week(plan, "pool_kickboard_laps")[1][0].source
    assert reasons[2].endswith("7 laps, +2 laps a week, building to 20")
    assert reasons[9].endswith("20 laps: as far as this builds")


def test_no_pool_means_cycling_or_a_land_alternative() -> None:
    intake = symptomatic(
        make_intake(equipment=frozenset({"bike"}), minutes_per_session=180), worse_when=frozenset({"after_races"})
    )
    plan = plan_for(intake)
    assert not occurrences(plan, "pool_kickboard_laps")
    bikes = [i for _, _, i in occurrences(plan, "cycling_clip_in")]
    assert any("instead of Pool kick-board laps" in i.reason or "instead of" in i.reason for i in bikes)
    land = [i for _, _, i in occurrences(plan, "lunge_walk")]
    assert land and all("instead of" in i.reason for i in land)


# ---------------------------------------------------------------- equipment substitution for Nordics


def test_nordic_without_partner_or_anchor_uses_sliders_else_a_towel_on_a_smooth_floor() -> None:
    sliders = plan_for(make_intake(equipment=frozenset({"band", "sliders"})))
    assert not occurrences(sliders, "nordic_curl") and not occurrences(sliders, "nordic_curl_band_assisted")
    curls = [i for _, _, i in occurrences(sliders, "slider_curl")]
    assert len(curls) == 27 + 2  # the Petersen schedule, then maintenance
    assert "no partner or anchor" in curls[0].reason
    bodyweight = plan_for(make_intake(equipment=frozenset()))
    towel = [i for _, _, i in occurrences(bodyweight, "towel_slider_curl")]
    assert len(towel) == 27 + 2 and towel[0].reason.startswith("Towel slider curl: week 1 of 10: 2 × 5")
    assert "no partner or anchor" in towel[0].reason


def test_only_the_runners_equipment_and_days_are_used() -> None:
    intake = make_intake(equipment=frozenset({"mat"}), available_days=("tue", "sat"))
    plan = plan_for(symptomatic(intake, worse_when=frozenset({"after_races"})))
    cat = catalogue()
    for week in plan.weeks:
        for day in week.days:
            for session in day.sessions:
                for item in session.items:
                    assert cat[item.exercise].equipment <= intake.equipment
                    assert day.date.strftime("%a").lower() in ("tue", "sat")


# ---------------------------------------------------------------- time budget


def test_short_sessions_drop_the_lowest_priority_items_and_say_so() -> None:
    plan = plan_for(make_intake(minutes_per_session=10))
    monday = plan.weeks[4].days[0]
    items = [i for s in monday.sessions for i in s.items]
    assert items[0].exercise == "nordic_curl"
    assert "to fit your 10 minutes, left out today" in items[0].reason
    assert "Face-down leg lift" in items[0].reason


def test_a_long_bike_ride_is_shortened_to_fit() -> None:
    intake = symptomatic(
        make_intake(equipment=frozenset({"bike"}), minutes_per_session=20), worse_when=frozenset({"after_races"})
    )
    plan = plan_for(intake, weeks=30)
    rides = [i for w, _, i in occurrences(plan, "cycling_clip_in") if w == 20]
    assert rides and all(i.dose.minutes is not None and i.dose.minutes <= 20 for i in rides)


# ---------------------------------------------------------------- running load


def test_symptomatic_first_week_is_capped_in_the_runners_units() -> None:
    aching = {"worse_when": frozenset({"long_runs"})}
    assert (
        plan_for(symptomatic(make_intake(units="mi", weekly_distance=50), **aching)).weeks[0].running.target_distance
        == 30
    )
    week1 = plan_for(symptomatic(make_intake(units="mi", weekly_distance=75), **aching)).weeks[0].running
    assert (week1.target_distance, week1.unit) == (40, "mi")
    week1 = plan_for(symptomatic(make_intake(units="km", weekly_distance=120), **aching)).weeks[0].running
    assert (week1.target_distance, week1.unit) == (64, "km")
    assert "64 km" in week1.reason
    week1 = plan_for(symptomatic(make_intake(units="km", weekly_distance=50), **aching)).weeks[0].running
    assert (week1.target_distance, week1.unit) == (30, "km")


def test_symptomatic_runners_keep_two_run_free_days_and_no_speed_work() -> None:
    plan = plan_for(symptomatic(make_intake(runs_per_week=7)))
    for week in plan.weeks:
        assert week.running.rest_days >= 2 and week.running.max_runs <= 5
        assert not week.running.speed_work_allowed
    assert "tightness after running" in plan.weeks[0].running.reason


def test_distance_rises_at_most_the_step_with_a_lighter_fourth_week() -> None:
    plan = plan_for(symptomatic(make_intake(units="mi", weekly_distance=60)))
    targets = [w.running.target_distance for w in plan.weeks]
    assert targets[:4] == [36.0, 39.6, 43.5, 34.8]
    assert "Lighter week" in plan.weeks[3].running.reason
    config = dataclasses.replace(RulesConfig(), weekly_distance_step=0.05)
    slower = [
        w.running.target_distance
        for w in plan_for(symptomatic(make_intake(units="mi", weekly_distance=60)), config=config).weeks
    ]
    assert slower[1] == 37.8


def test_marathon_taper_is_three_weeks_shorter_races_shorter() -> None:
    race_day = START + dt.timedelta(weeks=11, days=6)  # Sunday of week 12
    for distance, taper in (("marathon", 3), ("half", 2), ("10k", 1), ("5k", 1)):
        plan = plan_for(make_intake(goal_race=GoalRace(race_day, distance)))
        tapered = [w.number for w in plan.weeks if w.running.reason.startswith(("Taper week", "Race week"))]
        assert tapered == list(range(13 - taper, 13)), distance
        assert plan.weeks[11].running.reason.startswith("Race week: your race"), "the race is run in the last one"
        targets = [w.running.target_distance for w in plan.weeks]
        assert all(targets[w] < targets[w - 1] for w in range(12 - taper, 11))
    assert (
        "Taper week 1 of 3" in plan_for(make_intake(goal_race=GoalRace(race_day, "marathon"))).weeks[9].running.reason
    )


def test_acute_strain_has_no_running_target_until_walk_jog_is_passed() -> None:
    plan = plan_for(symptomatic(make_intake(weekly_distance=40), onset="sudden", days_since_onset=2, pain_walking=2))
    assert [w.phase for w in plan.weeks[:7]] == [
        "protect",
        "walk_jog",
        "walk_jog",
        "strength",
        "strength",
        "strength",
        "return",
    ]
    assert [w.running.target_distance for w in plan.weeks[:3]] == [0, 0, 0]
    assert plan.weeks[3].running.target_distance == 12.0  # 30 % of 40 km: the documented restart floor
    assert plan.weeks[3].running.reason.startswith("Running restarts at 12 km, about 30% of your usual 40 km")
    paces = [i.dose.pace_percent for w, _, i in occurrences(plan, "walk_jog") if w in (2, 3)]
    assert paces[:4] == [25, 40, 55, 70] and set(paces[4:]) == {70}
    assert all(w >= 4 for w, _, _ in occurrences(plan, "nordic_curl"))
    assert plan.pain_limits is not None and plan.pain_limits.during == 2
    assert {i.pain_limit for w in plan.weeks for d in w.days for s in d.sessions for i in s.items} == {2}


def test_askling_frequencies() -> None:
    plan = plan_for(symptomatic(make_intake(), onset="sudden", days_since_onset=2, pain_walking=2))
    extender = occurrences(plan, "askling_extender")
    stage2 = [(d, i) for w, d, i in extender if w in (2, 3)]
    assert len(stage2) == 14 and {i.times_per_day for _, i in stage2} == {2}
    divers = [d for w, d, _ in occurrences(plan, "askling_diver") if w in (2, 3)]
    assert {(b - a).days for a, b in itertools.pairwise(divers)} == {2}
    gliders = [d for w, d, _ in occurrences(plan, "askling_glider") if w in (2, 3)]
    assert {(b - a).days for a, b in itertools.pairwise(gliders)} == {3}
    items = [i for s in plan_to_dict(plan)["weeks"][1]["days"][0]["sessions"] for i in s["items"]]
    assert next(i for i in items if i["exercise"] == "askling_extender")["times_per_day"] == 2
    assert all("times_per_day" not in i for i in items if i["exercise"] != "askling_extender")


# ---------------------------------------------------------------- state from the rules


def test_state_adjustments_and_reasons_flow_into_the_plan() -> None:
    intake = symptomatic(make_intake())  # overuse_ache: pain-gated Nordic ladder, twice a week
    held = ExerciseAdjustment(hold=True, held_at=0, since="2026-01-12", reason="held: pain 4/10 on Mon 5 Jan")
    plan = plan_for(intake, state=PlanState(exercise_adjustments=(("nordic_curl", held),)))
    weeks = per_week(plan, "nordic_curl")
    assert weeks[1][0].dose.reps == 5 and "held" not in weeks[1][0].reason
    assert {(i.dose.sets, i.dose.reps) for w in (2, 3) for i in weeks[w]} == {(2, 5)}
    assert "held: pain 4/10 on Mon 5 Jan" in weeks[2][0].reason


def test_phase_extra_weeks_extend_a_gated_stage() -> None:
    intake = symptomatic(make_intake(), onset="sudden", days_since_onset=2, pain_walking=2)
    plan = plan_for(intake, state=PlanState(phase_extra_weeks=(("protect", 1),)))
    assert [w.phase for w in plan.weeks[:3]] == ["protect", "protect", "walk_jog"]
    assert "extra week 1" in plan.weeks[1].running.reason


def test_strides_only_once_speed_work_is_cleared() -> None:
    intake = symptomatic(make_intake(), worse_when=frozenset({"after_races"}))
    before = [i for w, _, i in occurrences(plan_for(intake), "skipping_drill") if w >= 5]
    assert before == []
    after = [
        i
        for w, _, i in occurrences(plan_for(intake, state=PlanState(speed_work_cleared=True)), "skipping_drill")
        if w >= 5
    ]
    assert after and {i.dose.metres for i in after} == {60}


# ---------------------------------------------------------------- determinism and JSON


def test_same_input_same_plan_and_json_contract() -> None:
    intake = symptomatic(make_intake(units="mi"), onset="sudden", days_since_onset=2, pain_walking=2)
    first, second = plan_for(intake), plan_for(intake)
    assert first == second
    data = plan_to_dict(first)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"status", "referral", "pathway", "pathway_reason", "weeks"}
    week = data["weeks"][1]
    assert set(week["running"]) == {
        "target_distance",
        "unit",
        "max_runs",
        "rest_days",
        "speed_work_allowed",
        "reason",
        "source",
    }
    run = next(s for s in week["days"][0]["sessions"] if s["kind"] == "run")
    item = run["items"][0]
    assert item["exercise"] == "walk_jog"
    assert set(item) == {"exercise", "intervals", "metres", "pace_percent", "pain_limit", "reason", "source"}
    assert set(run) == {"kind", "items"}, "runs have no estimated_minutes"
    strength = plan_to_dict(plan_for(make_intake()))["weeks"][4]["days"][0]["sessions"][0]
    assert list(strength) == ["kind", "estimated_minutes", "warm_up", "items"]
    petersen = strength["items"][0]
    assert petersen["reps"] == [12, 10, 8] and petersen["sets"] == 3


def test_strength_opens_with_a_warm_up_counted_in_the_minutes() -> None:
    bike = plan_for(make_intake(minutes_per_session=30))
    monday = bike.weeks[4].days[0].sessions[0]
    assert monday.kind == "strength" and monday.items[0].exercise == "nordic_curl"
    assert [(i.exercise, i.dose.minutes or i.dose.reps) for i in monday.warm_up] == [
        ("cycling_clip_in", 5),
        ("leg_swings", 10),
    ]
    assert monday.warm_up[0].reason == (
        "Warm-up, cycling with clip-in pedals: 5 min easy, so your muscles are warm before the strength work"
    )
    assert [i.exercise for i in monday.items] == [
        "nordic_curl",
        "single_leg_squat",
        "single_leg_stand_abduction",
        "prone_leg_extension",
    ]
    # 4 s a rep and 45 s between sets; one-leg exercises twice: 5 min on the bike, leg swings 10 on each leg, the
    # Nordic's 3 × 12, 10, 8, squats 2 × 8, abduction 2 × 10 and prone extensions 3 × 12 on each leg
    seconds = 80 + (30 * 4 + 90) + 2 * (16 * 4 + 45) + 2 * (20 * 4 + 45) + 2 * (36 * 4 + 90)
    assert monday.estimated_minutes == round(5 + seconds / 60) == 25
    walk = plan_for(make_intake(equipment=frozenset(), minutes_per_session=15)).weeks[0].days[0].sessions[0]
    assert [i.exercise for i in walk.warm_up] == ["brisk_walk"], "under 20 minutes: no drill"


def test_intake_from_dict_reads_design_md_names() -> None:
    data = {
        "age": 55,
        "sex": "female",
        "units": "mi",
        "running": {
            "weekly_distance": 25,
            "runs_per_week": 4,
            "longest_run": 10,
            "months_running": 200,
            "races_per_year": 6,
            "does_speed_work": False,
            "goal_race": {"date": "2026-04-19", "distance": "half"},
        },
        "symptoms": {
            "side": "both",
            "onset": "gradual",
            "weeks_since_onset": 3,
            "pain_at_rest": 0,
            "pain_walking": 0,
            "pain_running": 3,
            "location": "mid_thigh",
            "worse_when": ["after_races"],
            **dict.fromkeys(
                (*RED_FLAGS, "previous_hamstring_injury"),
                False,
            ),
        },
        "equipment": ["pool", "kickboard", "mirror"],
        "available_days": ["sat", "mon", "wed"],
        "minutes_per_session": 45,
        "goal": "race",
    }
    intake = intake_from_dict(data)
    assert intake.running.goal_race == GoalRace(dt.date(2026, 4, 19), "half")
    assert intake.available_days == ("mon", "wed", "sat")
    assert intake.symptoms.worse_when == frozenset({"after_races"})
    assert plan_for(intake).pathway == "post_race_stabilisers"
    assert intake.equipment <= ALL_EQUIPMENT


def test_a_cleared_red_flag_gets_the_pathway_plan() -> None:
    flagged = symptomatic(make_intake(), fever_or_unwell=True)
    stopped = plan_for(flagged)
    cleared = plan_for(flagged, state=PlanState(clinician_cleared=True))
    assert stopped.status == "needs_clinician" and stopped.weeks == ()
    assert cleared.status == "active" and cleared.referral is None and cleared.weeks


def test_a_strain_ten_weeks_old_with_pain_free_walking_starts_at_the_stage_it_qualifies_for() -> None:
    """The safety review's case: it used to restart at the protect stage with no running for three weeks."""
    old = symptomatic(make_intake(weekly_distance=40), onset="sudden", days_since_onset=70, pain_walking=0)
    running_hurts_a_little = plan_for(
        dataclasses.replace(old, symptoms=dataclasses.replace(old.symptoms, pain_running=2))
    )
    assert running_hurts_a_little.weeks[0].phase == "strength"
    assert running_hurts_a_little.weeks[0].running.target_distance == 12.0, "30 % of the usual 40 km, in week 1"
    pain_free = plan_for(dataclasses.replace(old, symptoms=dataclasses.replace(old.symptoms, pain_running=0)))
    assert pain_free.weeks[0].phase == "return"
    walking_hurts = plan_for(dataclasses.replace(old, symptoms=dataclasses.replace(old.symptoms, pain_walking=1)))
    assert walking_hurts.weeks[0].phase == "protect"
    fresh = plan_for(dataclasses.replace(old, symptoms=dataclasses.replace(old.symptoms, days_since_onset=3)))
    assert fresh.weeks[0].phase == "protect", "too early for the lengthening stage whatever the pain"
