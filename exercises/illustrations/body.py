"""The figure's proportions and where its joints are in a position (forward kinematics). Pure.

Lengths are body units: the figure stands about 96 tall, as a pictogram of an adult (legs about half the height,
the trunk a third, the head an eighth).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.illustrations.poses import Position


@dataclass(frozen=True)
class Segment:
    name: str  # the joint angle that turns it (poses.JOINTS)
    parent: str | None
    offset: float  # where on the parent it hangs: the distance from the parent's own joint
    length: float
    width: float  # drawn as a round-ended stroke this thick


TRUNK_LENGTH = 30.0
HEAD_RADIUS = 6.5
NECK = 3.0
HEEL = 2.5  # the heel sticks out behind the ankle by this much
STANDING_HIP = 51.5  # hip height with straight legs and flat feet on the floor

SEGMENTS: dict[str, Segment] = {
    s.name: s
    for s in (
        Segment("trunk", None, 0, TRUNK_LENGTH, 11),
        Segment("head", "trunk", TRUNK_LENGTH, NECK + HEAD_RADIUS, 0),
        Segment("thigh", None, 0, 25, 9.5),
        Segment("shin", "thigh", 25, 24, 7.5),
        Segment("foot", "shin", 24, 9, 4.5),
        Segment("other_thigh", None, 0, 25, 9.5),
        Segment("other_shin", "other_thigh", 25, 24, 7.5),
        Segment("other_foot", "other_shin", 24, 9, 4.5),
        Segment("arm", "trunk", 27, 16, 6.5),
        Segment("forearm", "arm", 16, 15, 5.5),
        Segment("other_arm", "trunk", 27, 16, 6.5),
        Segment("other_forearm", "other_arm", 16, 15, 5.5),
    )
}

# A body point a prop holds on to: the segment it moves with and how far along it lies.
POINTS: dict[str, tuple[str, float]] = {
    "hand": ("forearm", 15),
    "other_hand": ("other_forearm", 15),
    "ankle": ("shin", 24),
    "other_ankle": ("other_shin", 24),
    "heel": ("foot", -HEEL),
    "other_heel": ("other_foot", -HEEL),
    "knee": ("shin", 0),
    "other_knee": ("other_shin", 0),
    "chest": ("trunk", 22),
    "hip": ("trunk", 0),
}

Point = tuple[float, float]


def direction(angle: float) -> Point:
    """The unit vector of a segment angle, y upwards (0 = down, 90 = forward)."""
    radians = math.radians(angle)
    return (math.sin(radians), -math.cos(radians))


def joint_origin(position: Position, segment: str) -> Point:
    """Where a segment starts (its joint) in body units, y upwards."""
    seg = SEGMENTS[segment]
    if seg.parent is None:
        return position.hip
    return along(position, seg.parent, seg.offset)


def along(position: Position, segment: str, distance: float) -> Point:
    x, y = joint_origin(position, segment)
    dx, dy = direction(position.angle(segment))
    return (x + dx * distance, y + dy * distance)


def point(position: Position, name: str) -> Point:
    segment, distance = POINTS[name]
    return along(position, segment, distance)


def extent(position: Position) -> tuple[float, float, float, float]:
    """The box the figure fills in a position, strokes included: (left, bottom, right, top)."""
    xs: list[float] = []
    ys: list[float] = []
    for seg in SEGMENTS.values():
        start = joint_origin(position, seg.name)
        end = along(position, seg.name, seg.length)
        reach = HEAD_RADIUS if seg.name == "head" else seg.width / 2
        for x, y in (start, end):
            xs += [x - reach, x + reach]
            ys += [y - reach, y + reach]
        if seg.name.endswith("foot"):
            x, y = along(position, seg.name, -HEEL)
            xs += [x - seg.width / 2, x + seg.width / 2]
            ys += [y - seg.width / 2, y + seg.width / 2]
    return (min(xs), min(ys), max(xs), max(ys))
