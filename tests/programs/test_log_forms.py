"""The forms a runner fills in on Today, without the database: what a log of a run or a session is stored as."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from programs.clinical.units import Distances
from programs.forms.logs import PAIN_MISSING, SessionLogForm
from programs.selectors.plans import ItemRow, SessionRow
from programs.services.logs import completed_as_prescribed


def _item(pk: int, dose: dict[str, Any]) -> ItemRow:
    return ItemRow(pk, "exercise", None, dose, 5, "", "", 1, "slot", 0, 0, "", False, ())


KM = Distances(stored="km", shown="km")


def _session(kind: str, *doses: dict[str, Any]) -> SessionRow:
    items = tuple(_item(n, dose) for n, dose in enumerate(doses, start=1))
    return SessionRow(7, 1, dt.date(2026, 11, 21), kind, 0, False, items)


@pytest.mark.parametrize("distance", [3.9, 5.7, 6.9, 12.3])
def test_a_run_of_exactly_the_prescribed_distance_is_done_as_prescribed(distance: float) -> None:
    form = SessionLogForm(
        _session("run", {"distance": distance}), KM, {"item-1-distance": str(distance), "item-1-pain_during": "1"}
    )
    assert form.is_valid(), form.errors
    [entry] = form.entries()
    assert entry["completed_as_prescribed"] is True
    assert completed_as_prescribed({"distance": distance}, {"distance": Decimal(str(distance))})


def test_a_run_a_tenth_short_is_not_all_of_it() -> None:
    form = SessionLogForm(_session("run", {"distance": 5.7}), KM, {"item-1-distance": "5.6", "item-1-pain_during": "1"})
    assert form.is_valid(), form.errors
    assert form.entries()[0]["completed_as_prescribed"] is False
    assert not completed_as_prescribed({"distance": 5.7}, {"distance": Decimal("5.6")})


def test_an_exercise_left_unticked_needs_no_pain_and_is_logged_as_not_done() -> None:
    session = _session("strength", {"sets": 2, "reps": 5}, {"sets": 3, "reps": 10})
    form = SessionLogForm(session, KM, {"item-1-sets": ["1", "2"], "item-1-pain_during": "2"})
    assert form.is_valid(), form.errors
    done, skipped = form.entries()
    assert (done["sets_done"], done["completed_as_prescribed"], done["pain_during"]) == (2, True, 2)
    assert (skipped["sets_done"], skipped["completed_as_prescribed"], skipped["pain_during"]) == (0, False, None)


def test_an_exercise_done_without_a_pain_number_asks_for_one() -> None:
    form = SessionLogForm(_session("strength", {"sets": 2, "reps": 5}), KM, {"item-1-sets": ["1"]})
    assert not form.is_valid()
    assert form.errors["item-1-pain_during"] == [PAIN_MISSING]


def test_each_session_form_has_ids_of_its_own() -> None:
    first, second = (
        SessionLogForm(SessionRow(pk, 1, dt.date(2026, 11, 21), "strength", 0, False, (_item(pk, {"sets": 1}),)), KM)
        for pk in (7, 8)
    )
    assert first["notes"].id_for_label != second["notes"].id_for_label
    assert first["client_id"].auto_id != second["client_id"].auto_id
    assert first["notes"].html_name == second["notes"].html_name == "notes", "the names the API and the queue send"
