"""The catalogue's illustration data is checked like the rest of it: a pose that names a joint or prop the renderer
does not know, or an exercise left undrawn, stops the catalogue from loading or the project from starting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from exercises.catalogue import CatalogueError
from exercises.catalogue_file import load_catalogue_file, parse_catalogue
from exercises.checks import check_every_exercise_is_drawn, drawing_errors
from exercises.illustrations.coverage import illustration_gaps
from exercises.illustrations.poses import parse_illustration
from tests.exercises.conftest import row


def _nordic(raw_catalogue: dict[str, Any]) -> dict[str, Any]:
    drawing: dict[str, Any] = row(raw_catalogue, "nordic_curl")["illustration"]
    return drawing


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda d: d["positions"][0].update(elbow=90), "unknown joint 'elbow'"),
        (lambda d: d["props"].append("trampoline"), "unknown prop 'trampoline'"),
        (lambda d: d["props"].append({"prop": "dumbbell", "body": ["tail"]}), "unknown body point"),
        (lambda d: d["props"].append({"prop": "step", "colour": "red"}), "does not take 'colour'"),
        (lambda d: d["props"].append({"prop": "band", "body": ["hand"]}), "a band needs"),
        (lambda d: d["positions"][0].pop("trunk"), "needs trunk"),
        (lambda d: d["positions"][0].update(thigh="down"), "thigh must be a number"),
        (lambda d: d["positions"][0].update(thigh=400), "between -360 and 360"),
        (lambda d: d["positions"][0].update(move=0), "move more than 0 seconds"),
        (lambda d: d["positions"].pop(), "from 'start' to 'end'"),
        (lambda d: d["positions"][0].update(name="begin"), "from 'start' to 'end'"),
        (lambda d: d.update(positions=d["positions"][:1]), "at least two positions"),
        (lambda d: d.update(says="  "), "needs 'says'"),
        (lambda d: d.update(works="left"), "'works' must be one of"),
        (lambda d: d.update(colour="red"), "unknown key 'colour'"),
    ],
)
def test_a_broken_pose_names_the_exercise_and_what_is_wrong(
    raw_catalogue: dict[str, Any], breakage: Callable[[dict[str, Any]], Any], message: str
) -> None:
    breakage(_nordic(raw_catalogue))
    with pytest.raises(CatalogueError) as error:
        parse_catalogue(raw_catalogue)
    assert (error.value.exercise, error.value.field) == ("nordic_curl", "illustration")
    assert message in str(error.value)


def test_yaml_reads_a_bare_on_as_true_so_props_say_body(raw_catalogue: dict[str, Any]) -> None:
    _nordic(raw_catalogue)["props"].append({"prop": "anchor", True: ["ankle"]})
    with pytest.raises(CatalogueError, match="does not take True"):
        parse_catalogue(raw_catalogue)


def test_defaults_fill_the_angles_a_position_leaves_out() -> None:
    drawing = parse_illustration(
        {
            "says": "Stand tall.",
            "works": "one_leg",
            "positions": [
                {"name": "start", "hip": [0, 51.5], "trunk": 180, "thigh": 0, "shin": 0, "arm": 10},
                {
                    "name": "end",
                    "hip": [0, 51.5],
                    "trunk": 180,
                    "thigh": 30,
                    "shin": -40,
                    "foot": -20,
                    "arm": 10,
                    "forearm": 90,
                    "other_arm": -30,
                },
            ],
        }
    )
    start, end = drawing.positions
    assert (start.angle("foot"), start.angle("other_foot"), start.angle("head")) == (90, 90, 180)
    assert (start.angle("forearm"), start.angle("other_arm"), start.angle("other_forearm")) == (10, 10, 10)
    assert (end.angle("other_thigh"), end.angle("other_shin"), end.angle("other_foot")) == (30, -40, -20)
    assert end.angle("other_forearm") == 50  # the far elbow bends as the near one does
    assert (start.hold, start.move) == (0.4, 1.2)
    assert drawing.seconds == pytest.approx(3.2)


def test_the_shipped_catalogue_draws_every_exercise_with_its_equipment() -> None:
    assert illustration_gaps(load_catalogue_file()) == []
    assert check_every_exercise_is_drawn() == []


def test_the_check_names_an_undrawn_exercise_and_a_missing_prop(raw_catalogue: dict[str, Any]) -> None:
    del row(raw_catalogue, "glute_bridge")["illustration"]
    _nordic(raw_catalogue)["props"] = ["mat"]
    catalogue = parse_catalogue(raw_catalogue)
    assert [error.id for error in drawing_errors(catalogue)] == ["exercises.E001"] * 2
    assert illustration_gaps(catalogue) == [
        "nordic_curl needs partner_or_anchor but its illustration draws none of ['anchor']",
        "glute_bridge has no illustration: give it its key positions in the catalogue",
    ]
