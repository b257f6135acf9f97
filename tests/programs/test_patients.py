"""The physio's patient list (programs.selectors.patients): who is on it, the figures, the flags, sorting and its
query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CareLink, CareLinkStatus, User
from programs.choices import PlanStatus
from programs.models import DayLog, ExerciseLog, Intake, Plan, PlannedSession, PlanWeek, Prescription, SessionLog
from programs.selectors import patients
from programs.services.logs import session_log_record
from tests.factories.accounts import CareLinkFactory, RunnerFactory
from tests.factories.programs import DayLogFactory, SessionLogFactory
from tests.programs.plans import START, create_plan

TODAY = START + dt.timedelta(days=14)  # Monday of week 3
WEEK_2 = [START + dt.timedelta(days=7 + i) for i in range(7)]


def sessions_on(plan: Plan, date: dt.date) -> list[PlannedSession]:
    return list(PlannedSession.objects.filter(plan=plan, date=date).exclude(kind="rest").order_by("position", "id"))


def log_session(session: PlannedSession, pain: int | None = 1, pain_after: int | None = None) -> SessionLog:
    """A logged session, written directly: the rules' reaction is not what these tests look at."""
    log = SessionLogFactory(session=session)  # by the plan's runner
    ExerciseLog.objects.bulk_create(
        ExerciseLog(
            session_log=log, prescription=p, pain_during=pain, pain_after=pain_after, completed_as_prescribed=True
        )
        for p in session.prescriptions.all()
    )
    return log


def morning(runner: User, date: dt.date, pain: int) -> DayLog:
    return DayLogFactory(runner=runner, date=date, next_morning_pain=pain)


def clone_plan(plan: Plan, runner: User) -> Plan:
    """A copy of a stored plan for another runner (generating 30 plans would take the test most of a minute)."""
    intake = Intake.objects.create(runner=runner, version=1, data=plan.intake.data)
    copy = Plan.objects.get(pk=plan.pk)
    copy.pk, copy.runner, copy.intake = None, runner, intake
    copy.save()
    PlanWeek.objects.bulk_create(
        [PlanWeek(**{**w, "id": None, "plan_id": copy.pk}) for w in PlanWeek.objects.filter(plan=plan).values()]
    )
    for session in PlannedSession.objects.filter(plan=plan).prefetch_related("prescriptions"):
        items = list(session.prescriptions.all())
        session.pk, session.plan = None, copy
        session.save()
        for item in items:
            item.pk, item.session, item.plan = None, session, copy
        Prescription.objects.bulk_create(items)
    return copy


@pytest.fixture
def plan(runner: User, physio: User, intake_data: dict[str, Any]) -> Plan:
    return create_plan(runner, intake_data, weeks=6)


def row_of(physio: User, runner: User) -> patients.PatientRow:
    row = patients.patient_row(physio, runner.pk, today=TODAY)
    assert row is not None
    return row


def test_only_actively_linked_runners_are_listed(physio: User, runner: User, other_physio: User) -> None:
    invited = CareLinkFactory(physio=physio, status=CareLinkStatus.INVITED, consented_at=None).runner
    revoked = CareLinkFactory(physio=physio, status=CareLinkStatus.REVOKED, revoked_at=timezone.now()).runner
    CareLinkFactory(physio=other_physio)

    rows = patients.patient_rows(physio, today=TODAY)

    assert [r.id for r in rows] == [runner.pk]
    assert patients.patient_row(physio, invited.pk, today=TODAY) is None
    assert patients.patient_row(physio, revoked.pk, today=TODAY) is None
    assert patients.patient_rows(other_physio, today=TODAY)[0].id != runner.pk
    assert patients.patient_rows(runner, today=TODAY) == []  # a runner is nobody's physio


def test_a_runner_without_a_plan_has_an_empty_row(physio: User, runner: User) -> None:
    row = row_of(physio, runner)

    assert (row.plan, row.week, row.pathway, row.adherence_7.percent, row.days_since_last_log) == (
        None,
        None,
        "",
        None,
        None,
    )
    assert row.flags == ()


def test_plan_week_phase_and_adherence(physio: User, runner: User, plan: Plan) -> None:
    week_2 = [s for date in WEEK_2 for s in sessions_on(plan, date)]
    for session in week_2[::2]:
        log_session(session)

    row = row_of(physio, runner)

    assert row.plan is not None and row.plan.pk == plan.pk
    assert (row.pathway, row.pathway_name) == ("overuse_ache", "Gradual hamstring ache from running")
    assert row.week == 3
    assert row.phase and row.phase_name and row.phase_name != row.phase
    assert (row.adherence_7.planned, row.adherence_7.done) == (len(week_2), len(week_2[::2]))
    assert row.adherence_7.percent == 50
    assert row.adherence_28.planned == 2 * len(week_2)  # weeks 1 and 2: the plan started 14 days ago
    assert row.adherence_28.percent == 25


def test_last_pains_and_days_since_last_log(physio: User, runner: User, plan: Plan) -> None:
    log_session(sessions_on(plan, WEEK_2[0])[0], pain=2)
    log_session(sessions_on(plan, WEEK_2[2])[0], pain=4)
    morning(runner, WEEK_2[1], 3)
    morning(runner, WEEK_2[3], 1)

    row = row_of(physio, runner)

    assert (row.last_pain, row.last_pain_on) == (4, WEEK_2[2])
    assert (row.last_morning_pain, row.last_morning_pain_on) == (1, WEEK_2[3])
    assert (row.last_log_on, row.days_since_last_log) == (WEEK_2[3], 4)
    assert row.flag_codes == ("no_log_4_days",)


def test_severe_pain_and_pain_over_the_limit_twice(physio: User, runner: User, plan: Plan) -> None:
    log_session(sessions_on(plan, WEEK_2[3])[0], pain=6)  # over the limit of 5, not severe (7 for a limit of 5)
    log_session(sessions_on(plan, WEEK_2[5])[0], pain=6)
    assert row_of(physio, runner).flag_codes == ("over_limit_twice",)

    log_session(sessions_on(plan, WEEK_2[6])[0], pain=2, pain_after=7)

    row = row_of(physio, runner)
    assert row.flag_codes == ("severe_pain",)  # the latest pain during is back within the limit
    assert row.flags[0].label == "Severe pain logged in an exercise"


def test_severe_pain_logged_through_the_service_flags_the_runner(physio: User, runner: User, plan: Plan) -> None:
    session = sessions_on(plan, WEEK_2[6])[0]
    entries = [{"prescription": p.pk, "pain_during": 8} for p in session.prescriptions.all()]

    session_log_record(session=session, runner=runner, entries=entries)

    assert "severe_pain" in row_of(physio, runner).flag_codes


def test_old_episodes_do_not_flag_for_ever(physio: User, runner: User, plan: Plan) -> None:
    for date in (START, START + dt.timedelta(days=1)):
        log_session(sessions_on(plan, date)[0], pain=9)
    for i, pain in enumerate((1, 2, 3)):
        morning(runner, START + dt.timedelta(days=i), pain)

    old = patients.patient_row(physio, runner.pk, today=START + dt.timedelta(days=3))
    late = patients.patient_row(physio, runner.pk, today=START + dt.timedelta(days=20))

    assert old is not None and set(old.flag_codes) == {"severe_pain", "over_limit_twice", "morning_pain_rising"}
    assert late is not None and late.flag_codes == ("no_log_4_days",)


def test_rising_mornings(physio: User, runner: User, plan: Plan) -> None:
    for date, pain in zip(WEEK_2[3:], (1, 2, 2, 3), strict=True):
        morning(runner, date, pain)
    assert "morning_pain_rising" not in row_of(physio, runner).flag_codes  # 2 → 2 is not a rise

    DayLog.objects.filter(runner=runner, date=WEEK_2[5]).update(next_morning_pain=1)
    assert "morning_pain_rising" not in row_of(physio, runner).flag_codes  # 1, 1, 3: not three rising

    DayLog.objects.filter(runner=runner, date=WEEK_2[5]).update(next_morning_pain=2)
    DayLog.objects.filter(runner=runner, date=WEEK_2[4]).update(next_morning_pain=1)
    assert "morning_pain_rising" in row_of(physio, runner).flag_codes


def test_red_flags_stopped_plan_and_advisory(physio: User, runner: User, plan: Plan) -> None:
    referral = {"urgency": "soon", "message": "See a physio soon.", "reasons": ["night pain"], "stops_plan": False}
    Plan.objects.filter(pk=plan.pk).update(referral=referral)
    morning(runner, TODAY, 1)
    advisory = row_of(physio, runner)

    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.NEEDS_CLINICIAN, referral={**referral, "stops_plan": True})
    stopped = row_of(physio, runner)

    assert advisory.flag_codes == stopped.flag_codes == ("red_flag",)
    assert "advised" in advisory.flags[0].label
    assert "stopped" in stopped.flags[0].label


def test_never_logged_flags_once_the_plan_has_run_four_days(physio: User, runner: User, plan: Plan) -> None:
    early = patients.patient_row(physio, runner.pk, today=START + dt.timedelta(days=3))
    late = patients.patient_row(physio, runner.pk, today=START + dt.timedelta(days=4))
    assert early is not None and early.flags == ()
    assert late is not None and late.flag_codes == ("no_log_4_days",)


def test_sorting_and_filtering(physio: User, runner: User, plan: Plan) -> None:
    steady = CareLinkFactory(physio=physio, runner=RunnerFactory(first_name="Ada")).runner
    clone_plan(plan, steady)
    for date in [*WEEK_2[3:], TODAY]:
        for session in PlannedSession.objects.filter(plan__runner=steady, date=date).exclude(kind="rest"):
            log_session(session)
    unplanned = CareLinkFactory(physio=physio, runner=RunnerFactory(first_name="Zed")).runner

    rows = patients.patient_rows(physio, today=TODAY)

    assert [r.id for r in patients.sort_rows(rows, None)] == [runner.pk, steady.pk, unplanned.pk]  # flags first
    assert [r.id for r in patients.sort_rows(rows, "name")] == [steady.pk, runner.pk, unplanned.pk]
    assert [r.id for r in patients.sort_rows(rows, "-adherence_7")] == [steady.pk, runner.pk, unplanned.pk]
    assert [r.id for r in patients.sort_rows(rows, "adherence_7")] == [runner.pk, steady.pk, unplanned.pk]
    assert [r.id for r in patients.sort_rows(rows, "days_since_last_log")] == [steady.pk, runner.pk, unplanned.pk]
    assert [r.id for r in patients.filter_rows(rows, flag="no_log_4_days")] == [runner.pk]
    assert [r.id for r in patients.filter_rows(rows, pathway="overuse_ache")] == [runner.pk, steady.pk]
    with pytest.raises(ValueError):
        patients.sort_rows(rows, "email")


def _caseload(physio: User, plan: Plan, size: int) -> None:
    """`size` more patients, each with a plan, a week of logs and morning checks."""
    for _ in range(size):
        other = CareLinkFactory(physio=physio).runner
        copy = clone_plan(plan, other)
        for date in WEEK_2:
            for session in PlannedSession.objects.filter(plan=copy, date=date).exclude(kind="rest")[:1]:
                log_session(session, pain=6)
            morning(other, date, 2)


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_takes_the_same_queries_for_3_and_30_patients(
    size: int, physio: User, runner: User, plan: Plan, django_assert_max_num_queries: Any
) -> None:
    _caseload(physio, plan, size - 1)
    with CaptureQueriesContext(connection) as queries:
        rows = patients.patient_rows(physio, today=TODAY)
    assert len(rows) == size
    assert all(r.flag_codes == ("over_limit_twice",) for r in rows if r.id != runner.pk)
    assert len(queries) == 9
    with django_assert_max_num_queries(9):
        patients.patient_rows(physio, today=TODAY)


def test_a_revoked_link_drops_the_runner_at_once(physio: User, runner: User) -> None:
    CareLink.objects.filter(physio=physio, runner=runner).update(
        status=CareLinkStatus.REVOKED, revoked_at=timezone.now()
    )
    assert patients.patient_rows(physio, today=TODAY) == []
