"""The start-date window (programs.clinical.start_window): a plan a physio assigns, a clearance and a change of program
start from the runner's today up to a year ahead on every surface, and every surface says the same sentence when a
date is outside it. A runner's own new plan may also look a week back. Drift here would let the physio publish on
the page what the API refuses (or the other way round), with a different reason each time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from accounts.models import User
from programs.api.serializers.physio import ClearanceSerializer, PlanAssignSerializer, PlanProgramEditSerializer
from programs.api.serializers.plans import PlanCreateSerializer
from programs.clinical.config import OWN_PLAN_DAYS_BACK, START_DAYS_AHEAD
from programs.clinical.start_window import start_window
from programs.forms.physio import ClearanceForm
from programs.forms.program import AssignStartForm, PlanEditForm
from programs.services.generation import pathways
from tests.programs.plans import START, record_intake

TODAY = START


def test_the_window_runs_from_the_runners_today_to_a_year_ahead() -> None:
    window = start_window(TODAY)
    assert window.problem(TODAY) is None
    assert window.problem(TODAY + dt.timedelta(days=START_DAYS_AHEAD)) is None
    assert window.problem(TODAY - dt.timedelta(days=1)) == (
        "Choose Mon 23 Nov (the runner's today) or later: what is past stays as it was."
    )
    assert window.problem(TODAY + dt.timedelta(days=START_DAYS_AHEAD + 1)) == "Choose a date at most a year from today."


def test_a_runners_own_plan_may_start_a_week_back() -> None:
    window = start_window(TODAY, days_back=OWN_PLAN_DAYS_BACK)
    assert window.problem(TODAY - dt.timedelta(days=7)) is None
    assert (
        window.problem(TODAY - dt.timedelta(days=8))
        == "Choose Mon 16 Nov or later: a plan can start at most a week ago."
    )


def _clearance_page(start: dt.date) -> list[str]:
    form = ClearanceForm({"note": "Assessed.", "start": start, "confirm": True}, today=TODAY)
    return list(form.errors.get("start", []))  # type: ignore[arg-type]


def _assign_page(start: dt.date) -> list[str]:
    form = AssignStartForm(
        {"source": "intake", "start": start, "weeks": 4}, own_choice="", pathways=pathways(), templates=[], today=TODAY
    )
    return list(form.errors.get("start", []))  # type: ignore[arg-type]


def _plan_edit_page(start: dt.date) -> list[str]:
    return list(PlanEditForm({"note": "x", "start": start}, today=TODAY, revision=1).errors.get("start", []))  # type: ignore[arg-type]


def _api(serializer: type[Any], **data: Any) -> Callable[[dt.date], list[str]]:
    def errors(start: dt.date) -> list[str]:
        checked = serializer(data={**data, "start_date": start.isoformat()}, context={"today": TODAY})
        checked.is_valid()
        return [str(e) for e in checked.errors.get("start_date", [])]

    return errors


PHYSIO_SURFACES: dict[str, Callable[[dt.date], list[str]]] = {
    "clearance page": _clearance_page,
    "assign page": _assign_page,
    "plan edit page": _plan_edit_page,
    "clearance API": _api(ClearanceSerializer, note="Assessed."),
    "assign API": _api(PlanAssignSerializer, weeks=4, pathway="prevention"),
    "program edit API": _api(PlanProgramEditSerializer, edits={}, note="x"),
}


@pytest.mark.parametrize("surface", sorted(PHYSIO_SURFACES))
def test_every_physio_surface_draws_the_line_on_the_same_days_in_the_same_words(surface: str) -> None:
    errors = PHYSIO_SURFACES[surface]
    window = start_window(TODAY)
    for start in (TODAY, TODAY + dt.timedelta(days=START_DAYS_AHEAD)):
        assert errors(start) == [], start
    for start in (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=START_DAYS_AHEAD + 1)):
        assert errors(start) == [window.problem(start)], start


@pytest.mark.django_db
def test_the_runners_own_plan_in_the_api_uses_the_same_window_a_week_back(
    runner: User, intake_data: dict[str, Any]
) -> None:
    intake = record_intake(runner, intake_data)

    class Request:
        user = runner

    def errors(start: dt.date) -> list[str]:
        checked = PlanCreateSerializer(
            data={"intake": intake.pk, "start_date": start.isoformat(), "weeks": 4},
            context={"today": TODAY, "request": Request()},
        )
        checked.is_valid()
        return [str(e) for e in checked.errors.get("start_date", [])]

    window = start_window(TODAY, days_back=OWN_PLAN_DAYS_BACK)
    assert errors(TODAY - dt.timedelta(days=OWN_PLAN_DAYS_BACK)) == []
    for start in (TODAY - dt.timedelta(days=OWN_PLAN_DAYS_BACK + 1), TODAY + dt.timedelta(days=START_DAYS_AHEAD + 1)):
        assert errors(start) == [window.problem(start)], start
