"""The write path's cost does not grow with the plan: storing a plan and a log with its replan take the same queries
for 6, 12 and 26 weeks, and a replan writes only what changed, so the rows of the days it left alone keep their ids."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from programs.clinical.contract import intake_from_dict, plan_to_dict
from programs.clinical.replan import merge_future
from programs.clinical.state_json import state_from_dict
from programs.models import ExerciseLog, Plan, PlanChange, PlannedSession, Prescription
from programs.selectors.plans import plan_read
from programs.services.generation import generate_for, pathways
from programs.services.logs import session_log_record, stage_check_record
from programs.services.plan_sync import sync_future_report
from programs.services.plans import plan_create
from tests.programs.plans import START, create_plan, record_intake

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the budgets are PostgreSQL's"),
]

LENGTHS = (6, 12, 26)


def _first_strength_session(plan: Plan) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    assert session is not None
    return session


def _log_in_pain(session: PlannedSession, runner: User) -> None:
    """Pain over the limit on every exercise: each steps back, which rewrites its coming sessions to the end."""
    entries = [
        {"prescription": p.pk, "pain_during": 6, "pain_after": 6, "completed_as_prescribed": True}
        for p in session.prescriptions.all()
    ]
    session_log_record(session=session, runner=runner, entries=entries)


def test_storing_a_plan_takes_the_same_queries_for_6_12_and_26_weeks(runner: User, intake_data: dict[str, Any]) -> None:
    intake = record_intake(runner, intake_data)
    plan_create(intake=intake, start=START, weeks=1)  # records the template's version, parses the pinned catalogue
    counts = {}
    for weeks in LENGTHS:
        with CaptureQueriesContext(connection) as queries:
            plan = plan_create(intake=intake, start=START, weeks=weeks)
        counts[weeks] = len(queries)
        assert plan.plan_weeks.count() == weeks
    assert len(set(counts.values())) == 1, counts


def test_a_log_and_its_replan_take_the_same_queries_for_6_12_and_26_weeks(
    runner: User, intake_data: dict[str, Any]
) -> None:
    intake = record_intake(runner, intake_data)
    _log_in_pain(_first_strength_session(plan_create(intake=intake, start=START, weeks=2)), runner)  # warms up
    counts, decisions = {}, {}
    for weeks in LENGTHS:
        plan = plan_create(intake=intake, start=START, weeks=weeks)
        session = _first_strength_session(plan)
        with CaptureQueriesContext(connection) as queries:
            _log_in_pain(session, runner)
        counts[weeks] = len(queries)
        decisions[weeks] = PlanChange.objects.filter(plan=plan).count()
    assert len(set(counts.values())) == 1, counts
    assert decisions[6] > 0 and len(set(decisions.values())) == 1, decisions


def _rows(plan: Plan) -> dict[int, tuple[Any, ...]]:
    return {
        p["id"]: (p["session_id"], p["session__date"], p["exercise_id"], p["dose"], p["reason"])
        for p in Prescription.objects.filter(plan=plan).values(
            "id", "session_id", "session__date", "exercise_id", "dose", "reason"
        )
    }


def test_a_replan_writes_only_what_changed_and_every_coming_session_can_still_be_logged(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=6)
    before = _rows(plan)
    sessions_before = set(PlannedSession.objects.filter(plan=plan).values_list("id", "date", "kind"))
    first = _first_strength_session(plan)
    _log_in_pain(first, runner)
    after = _rows(plan)
    # Each item is updated in place: the same rows, the same sessions; only the stepped-back items changed.
    assert set(after) == set(before)
    assert set(PlannedSession.objects.filter(plan=plan).values_list("id", "date", "kind")) == sessions_before
    changed = {pk for pk in after if after[pk] != before[pk]}
    assert changed and len(changed) < len(after)
    assert all(before[pk][1] > first.date for pk in changed), "the logged day and the days before are history"
    unchanged_days = {row[1] for row in before.values()} - {before[pk][1] for pk in changed}
    assert unchanged_days, "a day the replan left alone keeps its rows"
    # A client that read the plan before the replan logs a rewritten session with the ids it read.
    rewritten = PlannedSession.objects.filter(pk=after[min(changed)][0]).get()
    _log_in_pain(rewritten, runner)
    assert ExerciseLog.objects.filter(session_log__session=rewritten).count() == rewritten.prescriptions.count()


def test_a_stage_held_by_its_checklist_reads_back_as_the_rules_made_it(
    runner: User, intake_data: dict[str, Any]
) -> None:
    intake_data["symptoms"].update(onset="sudden", weeks_since_onset=0, pain_walking=2, pain_running=5)
    plan = create_plan(runner, intake_data, weeks=8)
    first = pathways()[plan.pathway].phases[0]
    last_day = START + dt.timedelta(weeks=first.weeks, days=-1)
    before = plan_read(plan).to_domain()
    answers = dict.fromkeys(first.exit_criteria, True) | {first.exit_criteria[0]: False}
    stage_check_record(plan=plan, phase=first.slug, answers=answers, by=runner, as_of=last_day)
    plan.refresh_from_db()
    regenerated = generate_for(plan, intake_from_dict(plan.intake.data), state=state_from_dict(plan.state))
    expected = merge_future(before, regenerated, after=last_day, logged=frozenset())
    stored = plan_read(plan).to_domain()
    assert plan_to_dict(stored) == plan_to_dict(expected)
    assert plan_to_dict(stored) != plan_to_dict(before), "the hold changed the weeks after the checklist's day"
    weeks_kept = first.weeks
    assert plan_to_dict(dataclasses.replace(stored, weeks=stored.weeks[:weeks_kept])) == plan_to_dict(
        dataclasses.replace(before, weeks=before.weeks[:weeks_kept])
    ), "the weeks up to the checklist's day are as they were"


def test_a_new_warm_up_is_written_to_the_sessions_that_take_it_and_no_other(
    runner: User, intake_data: dict[str, Any]
) -> None:
    plan = create_plan(runner, intake_data, weeks=4)
    stored = plan_read(plan, derived=False)
    assert all(not s.warm_up for s in stored.sessions), "the writers' read leaves the warm-ups' items out"
    generated = plan_read(plan).to_domain()
    after = START + dt.timedelta(weeks=2)
    planned = next(s.warm_up for w in generated.weeks for d in w.days for s in d.sessions if s.warm_up)
    other = tuple(reversed(planned))
    assert other != planned
    changed = dataclasses.replace(
        generated,
        weeks=tuple(
            dataclasses.replace(
                week,
                days=tuple(
                    dataclasses.replace(
                        day,
                        sessions=tuple(
                            dataclasses.replace(s, warm_up=other) if s.warm_up and day.date > after else s
                            for s in day.sessions
                        ),
                    )
                    for day in week.days
                ),
            )
            for week in generated.weeks
        ),
    )
    with CaptureQueriesContext(connection) as queries:
        synced = sync_future_report(plan, changed, stored, after=after)
    assert synced.wrote and not synced.changes, "a warm-up is written, not recorded as a decision"
    assert sum(q["sql"].startswith("UPDATE") for q in queries) == 1, "one statement for every session"
    text = {s.id: s.warm_up_text for s in stored.sessions}
    for session in plan_read(plan, derived=False).sessions:
        if session.kind == "strength" and session.date > after:
            assert session.warm_up_text == ",".join(item.exercise for item in other)
        else:
            assert session.warm_up_text == text[session.id]
