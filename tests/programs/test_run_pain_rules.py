"""Pain in a run as a physio reads it: a run at severe pain pauses the week's running and lowers the next; a week
without runs lowers running; a strain's walk–jog spike pauses the lengthening work; the hold from missed sessions
starts with today's session; replayed stage checklists. Pure: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from programs.clinical.generator import generate_plan
from programs.clinical.replay import Entry, replay
from programs.clinical.rules import DEFAULT_CONFIG, evaluate
from programs.clinical.rules_types import Decision
from programs.clinical.run_cuts import cut_targets
from programs.clinical.types import INITIAL_STATE, DayLog, ExerciseLog, Plan, PlanState, RunningTarget
from tests.programs.strategies import START, catalogue, evaluate_plan, make_intake, pathways, symptomatic

OVERUSE = symptomatic(make_intake(), worse_when=frozenset({"long_runs"}))  # run limit 5: severe from 7
ACUTE_FRESH = symptomatic(make_intake(), onset="sudden", days_since_onset=2, pain_walking=2)  # limit 2
RUNS = {"easy_run", "long_run", "race"}


def plan_of(intake: Any, state: PlanState = INITIAL_STATE, weeks: int = 8) -> Plan:
    return generate_plan(intake, start=START, weeks=weeks, catalogue=catalogue(), pathways=pathways(), state=state)


def run_days(plan: Plan) -> list[dt.date]:
    return [d.date for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise in RUNS]


def items_on(plan: Plan, date: dt.date) -> list[str]:
    return [i.exercise for w in plan.weeks for d in w.days if d.date == date for s in d.sessions for i in s.items]


def actions(decisions: tuple[Decision, ...], action: str) -> list[Decision]:
    return [d for d in decisions if d.action == action]


def severe_run(intake: Any, pain: int) -> tuple[Plan, PlanState, tuple[Decision, ...], dt.date]:
    plan = plan_of(intake)
    day = next(d for d in run_days(plan) if d.weekday() < 3)
    state, decisions = evaluate_plan(
        plan, INITIAL_STATE, days=[DayLog(day, ran_distance=5.0, run_pain=pain)], as_of=day
    )
    return plan_of(intake, state), state, decisions, day


def test_a_run_at_9_pauses_the_rest_of_the_week_lowers_the_next_and_asks_again() -> None:
    before = plan_of(OVERUSE)
    after, state, decisions, day = severe_run(OVERUSE, 9)
    week_end = START + dt.timedelta(days=7)
    assert [d for d in run_days(before) if day < d < week_end], "runs were planned after it that week"
    assert not [d for d in run_days(after) if day < d < week_end], "no run in the rest of that week"
    walks = [d for d in run_days(before) if day < d < week_end]
    assert all("brisk_walk" in items_on(after, d) for d in walks), "a walk instead"
    walk = next(i for d in after.weeks[0].days if d.date in walks for s in d.sessions for i in s.items)
    assert "walk" in walk.reason and "bike" in walk.reason and "9/10" in walk.reason
    assert after.weeks[1].running.target_distance < before.weeks[0].running.target_distance
    assert after.weeks[1].running.target_distance <= before.weeks[0].running.target_distance * 0.5 + 0.05
    assert "Lowered" in after.weeks[1].running.reason
    assert "no running from" in after.weeks[0].running.reason and "9/10" in after.weeks[0].running.reason
    assert state.recheck_red_flags and any("9/10" in a for a in state.attention)
    reason = actions(decisions, "running_hold")[0].reason
    assert "walk or cross-train" in reason and "9/10" in reason
    # it builds back by the weekly step, not straight back up
    assert after.weeks[2].running.target_distance <= after.weeks[1].running.target_distance * 1.1 + 0.05


def test_run_pain_above_the_limit_but_below_severe_only_holds() -> None:
    before = plan_of(OVERUSE)
    after, state, _decisions, _day = severe_run(OVERUSE, 6)
    assert run_days(after) == run_days(before), "no run removed"
    assert after.weeks[1].running.target_distance == before.weeks[0].running.target_distance
    assert not state.recheck_red_flags and state.running_cut_to is None


def test_a_week_without_logged_runs_lowers_running_to_about_half_from_today() -> None:
    plan = plan_of(OVERUSE)
    today = START + dt.timedelta(days=9)
    state, decisions = evaluate_plan(plan, INITIAL_STATE, as_of=today)
    assert "no run logged since" in actions(decisions, "running_hold")[0].reason
    after = plan_of(OVERUSE, state)
    assert after.weeks[1].running.target_distance <= plan.weeks[1].running.target_distance * 0.5 + 0.05
    # the same gap does not cut twice
    again, decisions = evaluate_plan(after, state, as_of=today + dt.timedelta(days=1))
    assert not actions(decisions, "running_hold") and again.running_cut_to == state.running_cut_to


def test_logged_runs_keep_the_running() -> None:
    plan = plan_of(OVERUSE)
    today = START + dt.timedelta(days=9)
    logged = [DayLog(d, ran_distance=5.0, run_pain=0) for d in run_days(plan) if d < today]
    state, _decisions = evaluate_plan(plan, INITIAL_STATE, days=logged, as_of=today)
    assert state.running_cut_to is None


def test_a_walk_jog_spike_early_in_a_strain_pauses_the_lengthening_work_and_advises_a_check() -> None:
    plan = plan_of(ACUTE_FRESH)
    day = next(
        d.date for w in plan.weeks for d in w.days for s in d.sessions for i in s.items if i.exercise == "walk_jog"
    )
    log = ExerciseLog(day, "walk_jog", True, pain_during=7, pain_after=7, slot="walk_jog")
    state, decisions = evaluate_plan(plan, INITIAL_STATE, logs=[log], as_of=day)
    paused = {d.exercise for d in actions(decisions, "pause")}
    assert {"walk_jog", "askling_extender", "askling_diver", "askling_glider"} <= paused
    after = plan_of(ACUTE_FRESH, state)
    later = [i.exercise for w in after.weeks for d in w.days if d.date > day for s in d.sessions for i in s.items]
    assert not {"askling_extender", "askling_diver", "askling_glider"} & set(later)
    assert after.referral is not None and "checked" in after.referral.message
    assert actions(decisions, "check_advised")


def test_after_four_weeks_with_nothing_logged_todays_nordic_is_held_like_the_rest() -> None:
    intake = make_intake()
    today = START + dt.timedelta(weeks=4)
    plan, _ = replay(
        intake,
        start=START,
        weeks=8,
        entries=[],
        today=today,
        catalogue=catalogue(),
        pathways=pathways(),
        config=DEFAULT_CONFIG,
    )
    doses = [
        (d.date, i.dose)
        for w in plan.weeks
        for d in w.days
        if d.date >= today
        for s in d.sessions
        for i in s.items
        if i.slot == "nordic_curl"
    ]
    assert doses and len({dose for _, dose in doses[:3]}) == 1, doses[:3]


def test_a_stage_checklist_in_the_replay_moves_a_fast_strain_on() -> None:
    """The walk–jog stage's two weeks are a minimum: answered all yes it hands over on time, unanswered it runs on."""
    intake = symptomatic(make_intake(), onset="sudden", days_since_onset=6, pain_walking=0, pain_running=0)
    first = plan_of(intake).weeks[0].phase
    phase = next(p for p in pathways()["acute_strain"].phases if p.slug == first)
    assert phase.exit_criteria
    answers = dict.fromkeys(phase.exit_criteria, True)
    last_week = START + dt.timedelta(weeks=phase.weeks - 1, days=2)

    def replayed(entries: list[Entry]) -> tuple[Plan, list[dict[str, Any]]]:
        return replay(
            intake,
            start=START,
            weeks=8,
            entries=entries,
            today=last_week + dt.timedelta(days=1),
            catalogue=catalogue(),
            pathways=pathways(),
            config=DEFAULT_CONFIG,
        )

    fast, changes = replayed([Entry(0, last_week, "stage_check", {"phase": first, "answers": answers})])
    slow, slow_changes = replayed([])
    assert any(c["action"] == "stage_advance" for c in changes), changes
    assert fast.weeks[phase.weeks].phase != first
    assert slow.weeks[phase.weeks].phase == first
    assert any(c["action"] == "stage_hold" for c in slow_changes)


def test_the_severe_threshold_is_the_exercise_one() -> None:
    assert DEFAULT_CONFIG.severe_pain_at(5) == 7
    _, state, _, _ = severe_run(OVERUSE, 7)
    assert state.run_pause_from is not None
    _, state, _, _ = severe_run(dataclasses.replace(OVERUSE), 6)
    assert state.run_pause_from is None


def test_after_one_missed_week_mondays_nordic_is_at_most_one_step_above_the_last_one_done() -> None:
    intake = make_intake()
    plan = plan_of(intake)
    done = [(d.date, i) for d in plan.weeks[0].days for s in d.sessions for i in s.items if i.slot == "nordic_curl"]
    assert done
    entries = [
        Entry(n, date, "exercise", {"exercise": item.exercise, "completed": True, "pain_during": 1, "pain_after": 1})
        for n, (date, item) in enumerate(done)
    ]
    monday = START + dt.timedelta(weeks=2)
    replayed, _ = replay(
        intake,
        start=START,
        weeks=8,
        entries=entries,
        today=monday,
        catalogue=catalogue(),
        pathways=pathways(),
        config=DEFAULT_CONFIG,
    )
    last_done = done[-1][1].step
    coming = [
        i.step
        for w in replayed.weeks
        for d in w.days
        if d.date >= monday
        for s in d.sessions
        for i in s.items
        if i.slot == "nordic_curl"
    ]
    assert coming and coming[0] <= last_done + 1 and len(set(coming[:3])) == 1, (last_done, coming[:3])


def test_a_red_flag_added_to_a_day_already_read_is_screened() -> None:
    """The morning check after the day's run was logged: the same day, changed after the rules read it."""
    plan = plan_of(OVERUSE)
    day = run_days(plan)[0]
    ran = DayLog(day, ran_distance=5.0, run_pain=1)
    state, _ = evaluate_plan(plan, INITIAL_STATE, days=[ran], as_of=day)
    assert state.days_reviewed_through == day.isoformat()
    flagged = dataclasses.replace(ran, next_morning_pain=1, red_flags=frozenset({"saddle_numbness"}))
    state, decisions = evaluate_plan(plan_of(OVERUSE, state), state, days=[flagged], as_of=day)
    assert actions(decisions, "red_flag") and "saddle_numbness" in state.reported_flags
    assert actions(decisions, "red_flag")[0].reason.endswith(": numbness around the groin or buttocks")
    assert plan_of(OVERUSE, state).status == "needs_clinician"


def test_a_morning_added_to_a_day_already_read_is_read() -> None:
    plan = plan_of(OVERUSE)
    day = run_days(plan)[0]
    ran = DayLog(day, ran_distance=5.0, run_pain=1)
    state, _ = evaluate_plan(plan, INITIAL_STATE, days=[ran], as_of=day)
    later = dataclasses.replace(ran, next_morning_pain=6)
    state, decisions = evaluate_plan(plan_of(OVERUSE, state), state, days=[later], as_of=day)
    assert actions(decisions, "load_hold") and state.load_hold_since == day.isoformat()
    again, decisions = evaluate_plan(plan_of(OVERUSE, state), state, days=[later], as_of=day)
    assert again == state and not decisions, "read once"


def test_a_day_log_added_for_a_day_before_the_last_one_read_is_read() -> None:
    """A red flag filled in for yesterday after today's run was logged: the rules had read past yesterday already."""
    plan = plan_of(OVERUSE)
    yesterday, today = run_days(plan)[0], run_days(plan)[0] + dt.timedelta(days=1)
    state, _ = evaluate_plan(plan, INITIAL_STATE, days=[DayLog(today, ran_distance=5.0, run_pain=1)], as_of=today)
    assert state.days_reviewed_through == today.isoformat()
    days = [DayLog(yesterday, red_flags=frozenset({"bruising"})), DayLog(today, ran_distance=5.0, run_pain=1)]
    state, decisions = evaluate_plan(plan_of(OVERUSE, state), state, days=days, as_of=today)
    assert actions(decisions, "red_flag") and "bruising" in state.reported_flags
    again, decisions = evaluate_plan(plan_of(OVERUSE, state), state, days=days, as_of=today)
    assert again == state and not decisions, "read once"


def test_only_answering_the_red_flag_questions_ends_the_recheck() -> None:
    plan = plan_of(OVERUSE)
    day = run_days(plan)[0]
    pending = dataclasses.replace(INITIAL_STATE, recheck_red_flags=True)
    state, _ = evaluate_plan(plan, pending, days=[DayLog(day, ran_distance=5.0, run_pain=1)], as_of=day)
    assert state.recheck_red_flags, "a run is not an answer"
    pathway = pathways()[plan.pathway or ""]
    answered, _ = evaluate(
        plan=plan,
        state=state,
        exercise_logs=[],
        day_logs=[DayLog(day, ran_distance=5.0, run_pain=1, next_morning_pain=1)],
        as_of=day,
        pathway=pathway,
        pain_limits=None,
        catalogue=catalogue(),
        red_flags_answered=True,
    )
    assert not answered.recheck_red_flags


def test_a_severe_morning_takes_todays_run_off_from_today() -> None:
    plan = plan_of(OVERUSE)
    day = run_days(plan)[1]
    state, decisions = evaluate_plan(plan, INITIAL_STATE, days=[DayLog(day, next_morning_pain=8)], as_of=day)
    after = plan_of(OVERUSE, state)
    assert not set(items_on(after, day)) & RUNS and "brisk_walk" in items_on(after, day)
    assert state.load_hold_since == day.isoformat(), "the hold starts with today's sessions"
    assert "from today" in actions(decisions, "running_hold")[0].reason


def test_a_morning_above_the_limit_but_below_severe_keeps_todays_run() -> None:
    plan = plan_of(OVERUSE)
    day = run_days(plan)[1]
    state, _ = evaluate_plan(plan, INITIAL_STATE, days=[DayLog(day, next_morning_pain=6)], as_of=day)
    assert set(items_on(plan_of(OVERUSE, state), day)) & RUNS


def test_the_logs_file_takes_a_stage_checklist() -> None:
    from programs.management.commands.generate_plan import _entries

    answers = {"Can you run at 70 % of your full pace without pain?": True}
    [entry] = _entries([{"date": "2026-01-08", "stage_check": {"phase": "walk_jog", "answers": answers}}])
    assert entry.kind == "stage_check" and entry.date == dt.date(2026, 1, 8)
    assert entry.values["phase"] == "walk_jog" and dict(entry.values["answers"]) == answers


def test_a_cut_builds_back_no_faster_than_the_weekly_step_above_the_week_before() -> None:
    """A cut to 5 km whose first week the plan itself runs lower (4 km): the week after is 4.4 km, not 5.5."""
    weeks = [(10.0, 10.0), (4.0, 4.0), (10.0, 10.0), (11.0, 11.0)]
    targets = [RunningTarget(target, "km", 3, 4, False, "", level=level) for target, level in weeks]
    state = dataclasses.replace(
        INITIAL_STATE, running_cut_from=(START + dt.timedelta(weeks=1)).isoformat(), running_cut_to=5.0
    )
    cut = cut_targets(targets, start=START, state=state, config=DEFAULT_CONFIG)
    assert [t.target_distance for t in cut] == [10.0, 4.0, 4.4, 4.8]
    assert [t.level for t in cut[1:]] == [4.0, 4.4, 4.8]
