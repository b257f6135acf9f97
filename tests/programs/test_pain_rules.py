"""Rules that react to pain as a physio would (docs/design.md §5): severe pain, next-morning pain, painful runs, red
flags reported later, missed sessions, and reasons that are true. Pure: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from programs.clinical.generator import generate_plan
from programs.clinical.rules_types import Decision
from programs.clinical.types import INITIAL_STATE, DayLog, ExerciseLog, Plan, PlanState
from tests.programs.strategies import START, catalogue, evaluate_plan, make_intake, pathways, symptomatic

MON = START
OVERUSE = symptomatic(make_intake(), worse_when=frozenset({"long_runs"}))  # limit 5, safe zone 0-3
PREVENTION = make_intake()  # limit 3
ACUTE_FRESH = symptomatic(make_intake(), onset="sudden", days_since_onset=2, pain_walking=2)  # limit 2


def plan_of(intake: Any, state: PlanState = INITIAL_STATE) -> Plan:
    return generate_plan(intake, start=START, weeks=8, catalogue=catalogue(), pathways=pathways(), state=state)


def run(
    intake: Any,
    state: PlanState = INITIAL_STATE,
    *,
    logs: Any = (),
    days: Any = (),
    as_of: dt.date,
    equipment: Any = None,
) -> tuple[PlanState, tuple[Decision, ...]]:
    return evaluate_plan(
        plan_of(intake, state),
        state,
        logs=logs,
        days=days,
        as_of=as_of,
        equipment=equipment if equipment is not None else intake.equipment,
    )


def items(plan: Plan, exercise: str) -> list[tuple[dt.date, Any]]:
    return [
        (d.date, i) for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise == exercise
    ]


def first_day_of(plan: Plan, exercise: str) -> dt.date:
    return items(plan, exercise)[0][0]


def log(date: dt.date, exercise: str, pain: int, after: int | None = None) -> ExerciseLog:
    return ExerciseLog(
        date, exercise, True, pain_during=pain, pain_after=after if after is not None else pain, slot=exercise
    )


def actions(decisions: tuple[Decision, ...], action: str) -> list[Decision]:
    return [d for d in decisions if d.action == action]


# ---------------------------------------------------------------- severe pain


def test_nordic_at_7_against_a_limit_of_3_pauses_it_and_holds_running_and_speed() -> None:
    """The safety review's case: it used to step back one rung and come back two days later, running untouched."""
    day = first_day_of(plan_of(PREVENTION), "nordic_curl")
    state, decisions = run(PREVENTION, logs=[log(day, "nordic_curl", 7)], as_of=day)
    pause = actions(decisions, "pause")
    assert [d.exercise for d in pause] == ["nordic_curl"]
    assert pause[0].reason.startswith(f"paused: pain 7/10 on {day:%a} {day.day} {day:%b}, far above your limit of 3")
    plan = plan_of(PREVENTION, state)
    assert all(d <= day for d, _ in items(plan, "nordic_curl")), "no Nordic until a pain-free try"
    assert state.recheck_red_flags and state.attention, "red flags asked again, the physio told"
    assert state.running_hold_weeks == 1 and state.speed_hold_until is not None
    next_week = plan.weeks[1]
    assert next_week.running.target_distance <= plan.weeks[0].running.target_distance
    assert not next_week.running.speed_work_allowed


def test_severe_means_twice_the_limit_or_seven() -> None:
    day = first_day_of(plan_of(OVERUSE), "single_leg_bridge")
    _, six = run(OVERUSE, logs=[log(day, "single_leg_bridge", 6)], as_of=day)  # limit 5: 6 is over, not severe
    _, seven = run(OVERUSE, logs=[log(day, "single_leg_bridge", 7)], as_of=day)
    assert [d.action for d in six if d.exercise == "single_leg_bridge"] == ["regress"]
    assert [d.action for d in seven if d.exercise == "single_leg_bridge"] == ["pause"]


def test_walk_jog_at_7_against_a_limit_of_2_pauses_it_and_holds_running() -> None:
    plan = plan_of(ACUTE_FRESH)
    day = first_day_of(plan, "walk_jog")
    state, decisions = run(ACUTE_FRESH, logs=[log(day, "walk_jog", 7)], as_of=day)
    paused = [d.exercise for d in actions(decisions, "pause")]
    assert paused[0] == "walk_jog" and set(paused[1:]) <= {"askling_extender", "askling_diver", "askling_glider"}
    assert all(d <= day for d, _ in items(plan_of(ACUTE_FRESH, state), "walk_jog"))
    assert state.running_hold_weeks == 1


def test_a_paused_exercise_comes_back_one_step_easier_after_a_pain_free_try() -> None:
    day = first_day_of(plan_of(PREVENTION), "nordic_curl")
    paused, _ = run(PREVENTION, logs=[log(day, "nordic_curl", 7)], as_of=day)
    check_day = day + dt.timedelta(days=2)
    back, decisions = run(
        PREVENTION,
        paused,
        logs=[log(day, "nordic_curl", 7)],
        days=[DayLog(check_day, pain_free_check=True)],
        as_of=check_day,
    )
    assert [d.action for d in decisions if d.exercise == "nordic_curl"] == ["resume"]
    later = [i for d, i in items(plan_of(PREVENTION, back), "nordic_curl") if d > check_day] + [
        i for d, i in items(plan_of(PREVENTION, back), "nordic_curl_band_assisted") if d > check_day
    ]
    assert later, "it is back"
    assert later[0].exercise == "nordic_curl_band_assisted", (
        "one step easier: the first dose steps to the easier version"
    )


# ---------------------------------------------------------------- next-morning pain and stiffness


def test_mornings_rising_1_6_7_with_nothing_logged_hold_all_loading_and_running() -> None:
    """The safety review's case: it used to change nothing, and running still rose 10 %."""
    days = [DayLog(MON + dt.timedelta(days=i), next_morning_pain=p) for i, p in enumerate((1, 6, 7))]
    as_of = MON + dt.timedelta(days=2)
    state, decisions = run(OVERUSE, days=days, as_of=as_of)
    assert actions(decisions, "load_hold")[0].reason.startswith("held: next-morning pain or stiffness 6/10")
    held, free = plan_of(OVERUSE, state), plan_of(OVERUSE)
    assert [w.running.target_distance for w in held.weeks[1:3]] == [held.weeks[0].running.target_distance] * 2
    assert free.weeks[1].running.target_distance > free.weeks[0].running.target_distance
    assert {i.step for d, i in items(held, "single_leg_bridge") if d > as_of} == {0}, "nothing steps up"
    assert max(i.step for _, i in items(free, "single_leg_bridge")) > 0


def test_two_rising_mornings_within_the_limit_hold_too_and_a_settled_morning_lifts_it() -> None:
    rising = [DayLog(MON + dt.timedelta(days=i), next_morning_pain=p) for i, p in enumerate((1, 2, 3))]
    state, decisions = run(OVERUSE, days=rising, as_of=MON + dt.timedelta(days=2))
    assert "rising 3 mornings in a row" in actions(decisions, "load_hold")[0].reason
    settled = [*rising, DayLog(MON + dt.timedelta(days=3), next_morning_pain=2)]
    lifted, decisions = run(OVERUSE, state, days=settled, as_of=MON + dt.timedelta(days=3))
    assert actions(decisions, "load_resume") and lifted.load_hold_since is None


def test_stiffness_counts_like_pain() -> None:
    state, decisions = run(OVERUSE, days=[DayLog(MON, stiffness=6)], as_of=MON)
    assert actions(decisions, "load_hold") and state.load_hold_since == MON.isoformat()  # from that morning


def test_mornings_still_rising_after_a_week_advise_a_review_and_the_plan_goes_on() -> None:
    values = (6, 6, 6, 6, 6, 6, 6, 7, 8)
    days = [DayLog(MON + dt.timedelta(days=i), next_morning_pain=p) for i, p in enumerate(values)]
    state = PlanState()
    for i in range(len(values)):  # as the app does: after each day's log
        state, _ = run(OVERUSE, state, days=days[: i + 1], as_of=MON + dt.timedelta(days=i))
    assert any("see a clinician" in a for a in state.advisories)
    plan = plan_of(OVERUSE, state)
    assert plan.status == "active" and plan.referral is not None and not plan.referral.stops_plan
    assert plan.referral.urgency == "soon" and "still rising" in plan.referral.message


# ---------------------------------------------------------------- runs


def test_a_run_over_the_limit_holds_next_weeks_running_and_speed_work() -> None:
    healthy_fast = dataclasses.replace(OVERUSE, symptoms=dataclasses.replace(OVERUSE.symptoms, pain_running=1))
    state, decisions = run(healthy_fast, days=[DayLog(MON, ran_distance=8, run_pain=6)], as_of=MON)
    assert actions(decisions, "running_hold")[0].reason.startswith("your run on Mon 5 Jan hurt 6/10")
    assert state.running_hold_weeks == 1 and state.speed_hold_until == "2026-01-19"
    plan = plan_of(healthy_fast, state)
    assert plan.weeks[1].running.target_distance == plan.weeks[0].running.target_distance
    assert not plan.weeks[1].running.speed_work_allowed


def test_runs_without_tightness_clear_speed_work() -> None:
    days = [
        DayLog(MON + dt.timedelta(days=i), ran_distance=5, run_pain=1, tightness_after_running=False) for i in (0, 2, 4)
    ]
    state, decisions = run(OVERUSE, days=days, as_of=MON + dt.timedelta(days=4))
    assert state.speed_work_cleared and actions(decisions, "speed_work_cleared")


# ---------------------------------------------------------------- red flags reported later


def test_a_stop_tier_answer_at_a_day_log_stops_the_plan() -> None:
    state, decisions = run(OVERUSE, days=[DayLog(MON, red_flags=frozenset({"fever_or_unwell"}))], as_of=MON)
    assert actions(decisions, "red_flag")[0].reason == "you reported on Mon 5 Jan: a fever or feeling unwell"
    plan = plan_of(OVERUSE, state)
    assert plan.status == "needs_clinician" and plan.weeks == ()
    assert plan.referral is not None and plan.referral.urgency == "urgent"


def test_an_advise_tier_answer_at_a_day_log_adds_the_advisory_and_its_restrictions() -> None:
    state, _ = run(OVERUSE, days=[DayLog(MON, red_flags=frozenset({"numbness_or_tingling"}))], as_of=MON)
    plan = plan_of(OVERUSE, state)
    assert plan.status == "active" and plan.referral is not None and not plan.referral.stops_plan
    prescribed = {i.exercise for w in plan.weeks for d in w.days for s in d.sessions for i in s.items}
    assert not {e for e in prescribed if "neural_tension" in catalogue()[e].contraindications}
    assert "active_isolated_stretching" in {
        i.exercise for w in plan_of(OVERUSE).weeks for d in w.days for s in d.sessions for i in s.items
    }


def test_a_red_flag_reported_after_a_clearance_needs_a_new_one() -> None:
    cleared = PlanState(clinician_cleared=True)
    state, _ = run(OVERUSE, cleared, days=[DayLog(MON, red_flags=frozenset({"saddle_numbness"}))], as_of=MON)
    assert not state.clinician_cleared
    assert plan_of(OVERUSE, state).referral.urgency == "emergency"  # type: ignore[union-attr]


# ---------------------------------------------------------------- missed sessions and true reasons


def test_missed_sessions_earn_nothing() -> None:
    plan = plan_of(PREVENTION)
    assert items(plan, "nordic_curl")[-1][1].step > 0, "the projection climbs while sessions are logged"
    as_of = START + dt.timedelta(weeks=3)
    state, decisions = run(PREVENTION, as_of=as_of)
    assert [d.exercise for d in actions(decisions, "missed")].count("nordic_curl") == 1
    steps = [i.step for d, i in items(plan_of(PREVENTION, state), "nordic_curl") if d >= as_of]
    assert set(steps) == {0}, "nothing was logged, so nothing was earned"


def test_a_step_back_without_equipment_for_the_easier_version_reduces_the_dose_and_says_so() -> None:
    """The safety review's case: 'switched to the easier variant' although the runner had no band."""
    no_band = dataclasses.replace(PREVENTION, equipment=frozenset({"partner_or_anchor", "mat"}))
    day = first_day_of(plan_of(no_band), "nordic_curl")
    state, decisions = run(no_band, logs=[log(day, "nordic_curl", 5)], as_of=day)  # limit 3: over, not severe
    regress = next(d for d in decisions if d.exercise == "nordic_curl")
    assert regress.action == "regress"
    assert "switched" not in regress.reason and "no easier version you can do here" in regress.reason
    later = [i for d, i in items(plan_of(no_band, state), "nordic_curl") if d > day]
    assert later and later[0].dose.sets == 1 and later[0].dose.reps == 5, "2 × 5 becomes 1 × 5"
    assert "you do less of it" in later[0].reason
