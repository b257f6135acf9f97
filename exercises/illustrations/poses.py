"""An exercise's illustration as data: its key positions (a side view, facing right), who works, and the props.

Angles are degrees, each segment's direction in the picture from the joint it hangs from: 0 points straight
down, 90 forward (the way the figure faces), 180 straight up, -90 backward. `hip` is where the pelvis is, in body
units (the figure stands about 96 tall; the floor is y = 0, y grows upwards). A position names only what differs
from the defaults: the other limb copies its partner, the forearm follows the arm, the foot sits at a right
angle to the shin, the far foot and forearm bend as their partners do, and the head follows the trunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

JOINTS: tuple[str, ...] = (
    "trunk",
    "head",
    "thigh",
    "shin",
    "foot",
    "other_thigh",
    "other_shin",
    "other_foot",
    "arm",
    "forearm",
    "other_arm",
    "other_forearm",
)
# What a missing angle copies (then adds the offset): the order resolves each default from one already known.
_DEFAULTS: tuple[tuple[str, str, float], ...] = (
    ("head", "trunk", 0),
    ("foot", "shin", 90),
    ("other_thigh", "thigh", 0),
    ("other_shin", "shin", 0),
    ("forearm", "arm", 0),
    ("other_arm", "arm", 0),
)
_REQUIRED_JOINTS = ("trunk", "thigh", "shin", "arm")

# Body points a prop can hold on to (see `body.POINTS`).
ATTACH_POINTS: tuple[str, ...] = (
    "hand",
    "other_hand",
    "ankle",
    "other_ankle",
    "heel",
    "other_heel",
    "knee",
    "other_knee",
    "chest",
    "hip",
)
# Each prop: the keys it takes. `at` is a place in body units, `size` a width and height, `body` the body points
# it sits on or is held by.
PROPS: dict[str, frozenset[str]] = {
    "mat": frozenset({"at"}),  # at: [from x, to x]
    "anchor": frozenset({"body"}),  # a partner's hands or a strap holding the ankles down
    "band": frozenset({"body", "to"}),  # from a body point to another body point or a place
    "slider": frozenset({"body"}),
    "towel": frozenset({"body"}),
    "dumbbell": frozenset({"body"}),
    "kettlebell": frozenset({"body"}),
    "kickboard": frozenset({"body"}),
    "step": frozenset({"at", "size"}),  # at: [left x, 0]
    "bench": frozenset({"at", "size"}),
    "ball": frozenset({"at", "size"}),  # at: centre; size: [diameter]
    "roller": frozenset({"at", "size"}),
    "wall": frozenset({"at"}),  # at: [x]
    "pool": frozenset({"at"}),  # at: [water surface y, pool edge x]
    "bike": frozenset({"at"}),  # at: the pedals' centre
    "machine": frozenset({"at", "size", "body"}),  # a leg-curl machine's bench and the pad on the ankle
    "cones": frozenset({"at"}),  # at: the cones' x
}
WORKS: tuple[str, ...] = ("one_leg", "both_legs")
POSITION_NAME_KEYS = ("name", "hip", "hold", "move")

Works = Literal["one_leg", "both_legs"]


class PoseError(ValueError):
    """Illustration data is wrong; the message names the position and the key."""


@dataclass(frozen=True)
class Position:
    name: str
    hip: tuple[float, float]
    angles: tuple[tuple[str, float], ...]  # every joint, defaults resolved, in JOINTS order
    hold: float  # seconds spent still in this position
    move: float  # seconds to reach the next position (after the last: back to the first)

    def angle(self, joint: str) -> float:
        return dict(self.angles)[joint]


@dataclass(frozen=True)
class Prop:
    kind: str
    at: tuple[float, ...] = ()
    size: tuple[float, ...] = ()
    on: tuple[str, ...] = ()
    to: tuple[float, float] | str | None = None


@dataclass(frozen=True)
class Illustration:
    says: str  # the text alternative: the movement in a sentence
    works: Works
    positions: tuple[Position, ...]
    props: tuple[Prop, ...] = ()
    hamstring: bool = True  # highlight the hamstring as the muscle under load

    @property
    def seconds(self) -> float:
        return sum(p.hold + p.move for p in self.positions)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PoseError(f"{where} must be a number, got {value!r}")
    return float(value)


def _numbers(value: object, where: str, count: int | tuple[int, ...]) -> tuple[float, ...]:
    counts = (count,) if isinstance(count, int) else count
    if not isinstance(value, list) or len(value) not in counts:
        raise PoseError(f"{where} must be a list of {' or '.join(map(str, counts))} numbers, got {value!r}")
    return tuple(_number(v, where) for v in value)


def _parse_position(row: object, index: int) -> Position:
    where = f"position #{index + 1}"
    if not isinstance(row, Mapping):
        raise PoseError(f"{where} must be a mapping")
    name = row.get("name")
    if not isinstance(name, str) or not name:
        raise PoseError(f"{where} needs a name (start, middle, end…)")
    where = f"position {name!r}"
    unknown = sorted(set(row) - set(POSITION_NAME_KEYS) - set(JOINTS))
    if unknown:
        raise PoseError(f"{where} names an unknown joint {unknown[0]!r}")
    missing = [joint for joint in _REQUIRED_JOINTS if joint not in row]
    if missing or "hip" not in row:
        raise PoseError(f"{where} needs {', '.join(missing or ['hip'])}")
    angles = {joint: _number(row[joint], f"{where} {joint}") for joint in JOINTS if joint in row}
    for joint, angle in angles.items():
        if not -360 <= angle <= 360:
            raise PoseError(f"{where} {joint} must be between -360 and 360 degrees, got {angle}")
    for joint, source, offset in _DEFAULTS:
        angles.setdefault(joint, angles[source] + offset)
    # The far foot and forearm copy their partner's bend at the ankle and the elbow.
    angles.setdefault("other_foot", angles["other_shin"] + angles["foot"] - angles["shin"])
    angles.setdefault("other_forearm", angles["other_arm"] + angles["forearm"] - angles["arm"])
    hip = _numbers(row["hip"], f"{where} hip", 2)
    hold = _number(row.get("hold", 0.4), f"{where} hold")
    move = _number(row.get("move", 1.2), f"{where} move")
    if hold < 0 or move <= 0:
        raise PoseError(f"{where}: hold must be 0 or more and move more than 0 seconds")
    return Position(name, (hip[0], hip[1]), tuple((j, angles[j]) for j in JOINTS), hold, move)


def _parse_prop(row: object) -> Prop:
    if isinstance(row, str):
        row = {"prop": row}
    if not isinstance(row, Mapping) or not isinstance(row.get("prop"), str):
        raise PoseError(f"a prop must be a name or a mapping with 'prop', got {row!r}")
    kind = row["prop"]
    if kind not in PROPS:
        raise PoseError(f"unknown prop {kind!r}")
    unknown = sorted(set(row) - {"prop"} - PROPS[kind])
    if unknown:
        raise PoseError(f"prop {kind!r} does not take {unknown[0]!r}")
    on = row.get("body", [])
    on = [on] if isinstance(on, str) else on
    if not isinstance(on, list) or any(point not in ATTACH_POINTS for point in on):
        raise PoseError(f"prop {kind!r}: 'body' names an unknown body point in {row.get('body')!r}")
    if kind == "band" and (len(on) != 1 or row.get("to") is None):
        raise PoseError("a band needs one body point it starts from and 'to': a body point or a place")
    to = row.get("to")
    if to is not None and not (to in ATTACH_POINTS or isinstance(to, list)):
        raise PoseError(f"prop {kind!r}: 'to' must be a body point or a place, got {to!r}")
    return Prop(
        kind=kind,
        at=_numbers(row["at"], f"prop {kind!r} at", (1, 2, 3, 4, 5, 6)) if "at" in row else (),
        size=_numbers(row["size"], f"prop {kind!r} size", (1, 2)) if "size" in row else (),
        on=tuple(on),
        to=tuple(_numbers(to, f"prop {kind!r} to", 2)) if isinstance(to, list) else to,  # type: ignore[arg-type]
    )


def parse_illustration(data: object) -> Illustration:
    """Check an exercise's `illustration` entry and build it; a `PoseError` names what is wrong."""
    if not isinstance(data, Mapping):
        raise PoseError("must be a mapping with says, works, positions and props")
    unknown = sorted(set(data) - {"says", "works", "positions", "props", "hamstring"})
    if unknown:
        raise PoseError(f"unknown key {unknown[0]!r}")
    says = data.get("says")
    if not isinstance(says, str) or not says.strip():
        raise PoseError("needs 'says': the movement in a sentence, for people who cannot see the picture")
    if data.get("works") not in WORKS:
        raise PoseError(f"'works' must be one of {', '.join(WORKS)}, got {data.get('works')!r}")
    rows = data.get("positions")
    if not isinstance(rows, list) or len(rows) < 2:
        raise PoseError("needs at least two positions, a start and an end")
    positions = tuple(_parse_position(row, i) for i, row in enumerate(rows))
    names = [p.name for p in positions]
    if names[0] != "start" or names[-1] != "end" or len(set(names)) != len(names):
        raise PoseError(f"positions must run from 'start' to 'end' with different names, got {names}")
    props = data.get("props", [])
    if not isinstance(props, list):
        raise PoseError("'props' must be a list")
    hamstring = data.get("hamstring", True)
    if not isinstance(hamstring, bool):
        raise PoseError("'hamstring' must be true or false")
    return Illustration(
        says=" ".join(says.split()),
        works=data["works"],
        positions=positions,
        props=tuple(_parse_prop(p) for p in props),
        hamstring=hamstring,
    )
