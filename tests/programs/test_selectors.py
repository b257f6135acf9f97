"""The read model: a stored plan reads back as exactly what the generator produced, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from programs.clinical.contract import day_to_dict, intake_from_dict, plan_to_dict, week_to_dict
from programs.models import Plan, PlannedSession
from programs.selectors import plans as selectors
from programs.selectors.decisions import plan_decisions
from programs.services.generation import generate
from programs.services.logs import session_log_record
from programs.services.plans import plan_create
from tests.factories.accounts import CareLinkFactory
from tests.programs.plans import START, record_intake

pytestmark = pytest.mark.django_db


def _acute(data: dict[str, Any]) -> None:
    data["symptoms"].update(onset="sudden", weeks_since_onset=1, pain_walking=2, pain_running=5)


def _tendon(data: dict[str, Any]) -> None:
    data["symptoms"].update(location="sit_bone", worse_when=["sitting"])


def _healthy_in_miles(data: dict[str, Any]) -> None:
    data["units"] = "mi"
    data["running"].update(weekly_distance=31, longest_run=12)
    data["running"]["goal_race"] = {"date": "2027-01-10", "distance": "half"}
    data["symptoms"].update(side="none", onset="none", pain_running=0, location=None, worse_when=[])
    data["equipment"] = ["partner_or_anchor", "mat", "step"]


def _no_equipment(data: dict[str, Any]) -> None:
    data["equipment"] = []
    data["available_days"] = ["tue", "fri", "sun"]


def _red_flag(data: dict[str, Any]) -> None:
    data["symptoms"]["bladder_or_bowel_change"] = True


INTAKES: dict[str, Callable[[dict[str, Any]], None]] = {
    "demo": lambda data: None,
    "acute_strain": _acute,
    "tendinopathy": _tendon,
    "healthy_race_in_miles": _healthy_in_miles,
    "no_equipment": _no_equipment,
    "red_flag": _red_flag,
}


@pytest.mark.parametrize("weeks", [1, 12, 26])
@pytest.mark.parametrize("case", sorted(INTAKES))
def test_a_stored_plan_reads_back_as_the_generated_plan(
    runner: User, intake_data: dict[str, Any], case: str, weeks: int
) -> None:
    INTAKES[case](intake_data)
    intake = record_intake(runner, intake_data)
    plan = plan_create(intake=intake, start=START, weeks=weeks)
    generated = generate(intake_from_dict(intake.data), start=START, weeks=weeks)

    stored = selectors.plan_read(Plan.objects.get(pk=plan.pk)).to_domain()

    assert stored == generated, "every value the generator returned, steps and slots included, is stored"
    assert plan_to_dict(stored) == plan_to_dict(generated)
    for week in generated.weeks:
        assert week_to_dict(selectors.plan_week_read(plan, week.number).to_domain()) == week_to_dict(week)
    for day in (d for w in generated.weeks for d in w.days):
        assert day_to_dict(selectors.plan_day_read(plan, day.date).to_domain()) == day_to_dict(day)


def _log_first_sessions(plan: Plan, runner: User, count: int) -> None:
    sessions = PlannedSession.objects.filter(plan=plan, prescriptions__isnull=False).distinct().order_by("date")
    for session in list(sessions[:count]):
        entries = [{"prescription": p.pk, "pain_during": 1, "pain_after": 1} for p in session.prescriptions.all()]
        session_log_record(session=session, runner=runner, entries=entries)


def _touch_everything(stored: selectors.StoredPlan | selectors.StoredWeek | selectors.StoredDay) -> None:
    """What a page reads: each item's exercise name, how-to and cues and its logs, and the domain form for JSON."""
    for session in stored.sessions:
        for item in session.items:
            assert item.spec is not None
            _ = (item.spec.name, item.spec.description, item.spec.cues, [log.pain_during for log in item.logs])
    stored.to_domain()


@pytest.mark.parametrize("weeks", [1, 26])
def test_reads_run_a_fixed_number_of_queries_whatever_the_plan_length(
    runner: User, intake_data: dict[str, Any], weeks: int, django_assert_max_num_queries: Any
) -> None:
    plan = plan_create(intake=record_intake(runner, intake_data), start=START, weeks=weeks)
    _log_first_sessions(plan, runner, 2)
    selectors.catalogue_for(plan)  # the pinned catalogue is parsed once per process, not per read
    logged_day = PlannedSession.objects.filter(plan=plan).exclude(log=None).values_list("date", flat=True).first()
    assert logged_day is not None

    with django_assert_max_num_queries(5):
        day = selectors.plan_day_read(selectors.runner_current_plan(runner), logged_day)
        _touch_everything(day)
    assert any(s.logged and any(i.logs for i in s.items) for s in day.sessions)
    with django_assert_max_num_queries(6):
        week = selectors.plan_week_read(selectors.runner_current_plan(runner), 1)
        _touch_everything(week)
    with django_assert_max_num_queries(8):
        whole = selectors.plan_read(selectors.runner_current_plan(runner))
        _touch_everything(whole)
    assert len(whole.weeks) == weeks
    with django_assert_max_num_queries(2):
        assert all(change.reason for change in plan_decisions(plan))


def test_the_current_plan_is_the_newest_that_has_not_ended(runner: User, intake_data: dict[str, Any]) -> None:
    intake = record_intake(runner, intake_data)
    first = plan_create(intake=intake, start=START, weeks=4)
    second = plan_create(intake=intake, start=START, weeks=4)
    assert selectors.runner_current_plan(runner) == second
    Plan.objects.filter(pk=second.pk).update(status="ended")
    assert selectors.runner_current_plan(runner) == first


def test_plans_are_visible_to_their_runner_and_actively_linked_physios_only(
    runner: User, other_runner: User, physio: User, other_physio: User, intake_data: dict[str, Any]
) -> None:
    from accounts.models import CareLink, CareLinkStatus

    plan = plan_create(intake=record_intake(runner, intake_data), start=START, weeks=2)
    assert list(selectors.plans_visible_to(runner)) == [plan]
    assert list(selectors.plans_visible_to(physio)) == [plan]
    assert not selectors.plans_visible_to(other_runner).exists()
    assert not selectors.plans_visible_to(other_physio).exists()
    # A runner-role account is never anyone's physio, whatever links exist.
    CareLinkFactory(physio=other_runner, runner=runner, status=CareLinkStatus.ACTIVE, consented_at=plan.created_at)
    assert not selectors.plans_visible_to(other_runner).exists()
    CareLink.objects.filter(physio=physio).update(status=CareLinkStatus.REVOKED)
    assert not selectors.plans_visible_to(physio).exists()


# ---------------------------------------------------------------- show_plan


def _json_of(command: str, capsys: pytest.CaptureFixture[str], **options: Any) -> Any:
    call_command(command, **options)
    return json.loads(capsys.readouterr().out)


def test_show_plan_for_the_demo_runner_equals_generate_plan_until_something_is_logged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from programs.management.commands.seed_demo import DEMO_INTAKE

    with override_settings(DEBUG=True):  # a development machine's demo
        call_command("seed_demo", "--no-history")
    capsys.readouterr()
    plan = Plan.objects.get(runner__email="runner@demo.rehabplan.test")
    call_command("show_plan", user="runner@demo.rehabplan.test")
    printed = capsys.readouterr().out
    assert "×" in printed and "\\u00d7" not in printed  # readable UTF-8, not JSON escapes
    shown = json.loads(printed)
    generated = _json_of(
        "generate_plan", capsys, intake=str(DEMO_INTAKE), start=plan.start.isoformat(), weeks=str(plan.weeks)
    )
    assert shown == generated

    a_day = plan.start + dt.timedelta(days=2)
    day = _json_of("show_plan", capsys, user="RUNNER@demo.rehabplan.test", date=a_day.isoformat())
    assert day == next(d for w in generated["weeks"] for d in w["days"] if d["date"] == a_day.isoformat())

    runner = User.objects.get(email="runner@demo.rehabplan.test")
    # a strength session: the rules step exercises back, while a run's pain comes in with the day log, not here
    session = PlannedSession.objects.filter(plan=plan, kind="strength").order_by("date").first()
    entries = [{"prescription": p.pk, "pain_during": 8, "pain_after": 8} for p in session.prescriptions.all()]
    session_log_record(session=session, runner=runner, entries=entries)
    assert _json_of("show_plan", capsys, user="runner@demo.rehabplan.test") != generated


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"user": "nobody@example.test"}, "no account"),
        ({"user": "runner@example.test"}, "has no plan yet"),
        ({"user": "runner@example.test", "date": "2026-13-01"}, "not a date"),
    ],
)
def test_show_plan_bad_input_exits_2_with_a_message(runner: User, options: dict[str, str], message: str) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message) as raised:
        call_command("show_plan", **options)
    assert raised.value.returncode == 2


def test_show_plan_a_date_outside_the_plan_says_when_it_runs(runner: User, intake_data: dict[str, Any]) -> None:
    from django.core.management.base import CommandError

    plan_create(intake=record_intake(runner, intake_data), start=START, weeks=2)
    with pytest.raises(CommandError, match="runs from 2026-11-23 to 2026-12-06"):
        call_command("show_plan", user="runner@example.test", date="2027-01-01")


def test_the_read_model_reads_every_column_a_replan_writes_in_item_row_order() -> None:
    import dataclasses

    from programs.selectors.plans import _ITEM_FIELDS, ItemRow
    from programs.services.bulk_writes import UPDATE_COLUMNS

    assert {c for c in UPDATE_COLUMNS if c != "exercise_id"} | {"exercise__slug"} <= set(_ITEM_FIELDS)
    # `_session_rows` passes the columns after the slug to ItemRow by position, overridden last
    names = [f.name for f in dataclasses.fields(ItemRow)]
    assert names[3 : 3 + len(_ITEM_FIELDS) - 3] == list(_ITEM_FIELDS[3:])


def test_a_replan_compares_stored_items_column_by_column_in_the_generated_order() -> None:
    from exercises.catalogue import Dose
    from programs.clinical.types import Item
    from programs.services.plan_sync import STORED_COLUMNS, _item_values

    item = Item("nordic_curl", Dose(sets=2, reps=5), 3, "a reason", source="a source")
    assert tuple(_item_values(item)) == STORED_COLUMNS
