"""The props' drawings: the floor things that stay put and the things the body holds. Pure.

Shapes are in body units with y downwards (SVG); a fixed prop is drawn from the positions it stands among, a held
one in the frame of the segment holding it (`svg._Drawing._attached`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from exercises.illustrations.body import extent, joint_origin, point
from exercises.illustrations.poses import Position, Prop

PROP = "#8d99a6"
PROP_DARK = "#4f5b66"
PROP_LIGHT = "#d5dbe0"
WATER = "#cfe6f5"
MAT = "#9fd3c7"
WOOD = "#c8a97e"
BALL = "#7d6bb3"
BAND = "#2e8b57"

LEVEL_PROPS = frozenset({"slider", "towel", "dumbbell", "kickboard"})  # kept level whatever the limb does
PROPS_IN_FRONT = frozenset({"pool"})  # the water over the swimmer


def number(value: float) -> str:
    """A coordinate as SVG text: one decimal at most, no trailing zeros, no minus zero."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_n = number


def named(prop: Prop, shape: str) -> str:
    """Each prop's drawing says what it is, for tests and for anyone reading the SVG."""
    return f'<g data-prop="{prop.kind}">{shape}</g>'


def _mat(positions: Sequence[Position], p: Prop) -> str:
    left, right = p.at if len(p.at) == 2 else _floor_span(positions)
    return f'<rect x="{_n(left)}" y="-2.5" width="{_n(right - left)}" height="2.5" rx="1.2" fill="{MAT}"/>'


def _floor_span(positions: Sequence[Position]) -> tuple[float, float]:
    boxes = [extent(p) for p in positions]
    return (min(b[0] for b in boxes) - 4, max(b[2] for b in boxes) + 4)


def _box(p: Prop, colour: str) -> str:
    x, w, h = p.at[0], p.size[0], p.size[1]
    return f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="{_n(h)}" rx="1.5" fill="{colour}"/>'


def _bench(positions: Sequence[Position], p: Prop) -> str:
    x, w, h = p.at[0], p.size[0], p.size[1]
    legs = f'<path d="M{_n(x + 4)} 0V{_n(-h)}M{_n(x + w - 4)} 0V{_n(-h)}" stroke="{PROP_DARK}" stroke-width="2.5"/>'
    return legs + f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="4" rx="2" fill="{PROP}"/>'


def _machine(positions: Sequence[Position], p: Prop) -> str:
    """A leg-curl machine: the bench, the post carrying the lever's pivot at the knee, and the weight stack."""
    x, w, h = p.at[0], p.size[0], p.size[1]
    kx, ky = point(positions[0], "knee")
    plates = "".join(f"M{_n(kx - 16)} {_n(-4 * i)}h9" for i in range(1, 5))
    return (
        f'<rect x="{_n(kx - 17)}" y="-19" width="11" height="19" rx="1" fill="{PROP}"/>'
        f'<path d="{plates}" stroke="{PROP_LIGHT}"/><path d="M{_n(kx)} 0V{_n(-ky)}M{_n(x + w - 4)} 0V{_n(-h)}'
        f'M{_n(kx)} {_n(4 - h)}H{_n(x + 6)}" stroke="{PROP_DARK}" stroke-width="2.5"/>'
        f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="4" rx="2" fill="{PROP}"/>'
    )


def _ball(positions: Sequence[Position], p: Prop) -> str:
    x, y, r = _n(p.at[0]), _n(-p.at[1]), p.size[0] / 2
    if p.kind == "roller":  # seen end on: the foam round a hard core
        return (
            f'<circle cx="{x}" cy="{y}" r="{_n(r)}" fill="{PROP}"/>'
            f'<circle cx="{x}" cy="{y}" r="{_n(r / 2.5)}" fill="{PROP_DARK}"/>'
        )
    # a massage ball: a colour of its own so it shows under a leg, and a glint to make it round
    return (
        f'<circle cx="{x}" cy="{y}" r="{_n(r)}" fill="{BALL}"/>'
        f'<circle cx="{_n(p.at[0] - r / 3)}" cy="{_n(-p.at[1] - r / 3)}" r="{_n(r / 4)}" fill="#fff" fill-opacity=".6"/>'
    )


def _wall(positions: Sequence[Position], p: Prop) -> str:
    # a light wall with a darker face where the hands touch it
    return (
        f'<rect x="{_n(p.at[0])}" y="-110" width="6" height="110" fill="{PROP_LIGHT}"/>'
        f'<path d="M{_n(p.at[0])} 0V-110" stroke="{PROP}" stroke-width="1.2"/>'
    )


def _pool(positions: Sequence[Position], p: Prop) -> str:
    surface, edge = p.at[0], p.at[1]
    left, right = _floor_span(positions)
    left, right = min(left, edge) - 6, max(right, edge) + 6
    water = f'<rect x="{_n(left)}" y="{_n(-surface)}" width="{_n(right - left)}" height="{_n(surface)}" fill="{WATER}" fill-opacity=".7"/>'
    wall = f'<rect x="{_n(edge)}" y="{_n(-surface - 6)}" width="6" height="{_n(surface + 6)}" fill="{PROP_LIGHT}"/>'
    wave = (
        f'<path d="M{_n(left)} {_n(-surface)}H{_n(right)}" stroke="#5fa8d3" stroke-width="1.5" stroke-dasharray="6 3"/>'
    )
    return water + wall + wave


def _bike(positions: Sequence[Position], p: Prop) -> str:
    cx, cy = p.at[0], -p.at[1]
    seat = joint_origin(positions[0], "thigh")
    bar = point(positions[0], "hand")
    sx, sy, hx, hy = seat[0], -seat[1] + 6, bar[0], -bar[1]
    rear, front = (cx - 30, -17.0), (cx + 34, -17.0)
    wheels = "".join(
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="16" fill="none" stroke="{PROP}" stroke-width="2.2"/>'
        for x, y in (rear, front)
    )
    frame = (
        f'<path d="M{_n(rear[0])} {_n(rear[1])}L{_n(cx)} {_n(cy)}L{_n(sx)} {_n(sy)}L{_n(rear[0])} {_n(rear[1])}'
        f"M{_n(cx)} {_n(cy)}L{_n(hx)} {_n(hy + 4)}L{_n(front[0])} {_n(front[1])}M{_n(sx - 6)} {_n(sy)}h11"
        f'M{_n(hx - 2)} {_n(hy)}h5" stroke="{PROP_DARK}" stroke-width="2.4" fill="none"/>'
    )
    pedals = f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="9" fill="none" stroke="{PROP}" stroke-width="1.4" stroke-dasharray="2 2"/>'
    return wheels + frame + pedals


def _cones(positions: Sequence[Position], p: Prop) -> str:
    # a training cone: a square foot, the cone and a white band
    return "".join(
        f'<path d="M{_n(x - 5.5)} 0h11M{_n(x - 3.5)} -1L{_n(x)} -11L{_n(x + 3.5)} -1Z" stroke="#e67e22" '
        f'stroke-width="1.6" fill="#e67e22"/><path d="M{_n(x - 2.3)} -4.5h4.6" stroke="#fff" stroke-width="1.4"/>'
        for x in p.at
    )


FIXED_SHAPES: dict[str, Callable[[Sequence[Position], Prop], str]] = {
    "mat": _mat,
    "step": lambda positions, p: _box(p, WOOD),
    "bench": _bench,
    "machine": _machine,
    "ball": _ball,
    "roller": _ball,
    "wall": _wall,
    "pool": _pool,
    "bike": _bike,
    "cones": _cones,
}

# Drawn at a hand or a heel, level whatever the limb does (`LEVEL_PROPS`); a swung kettlebell lines up with the arm.
LEVEL_SHAPES: dict[str, str] = {
    "slider": f'<ellipse cy="3.2" rx="6.5" ry="1.8" fill="{PROP_DARK}"/>',
    "towel": '<rect x="-9" y="2.2" width="15" height="2.8" rx="1.2" fill="#5dade2"/><path d="M-7 3.6h11" stroke="#aed6f1" stroke-width=".8"/>',
    "dumbbell": f'<path d="M-4 0h8" stroke="{PROP_DARK}" stroke-width="1.8"/><path d="M-5.5-3v6M5.5-3v6" stroke="{PROP_DARK}" stroke-width="3.2"/>',
    "kickboard": '<rect x="-12" y="-2.5" width="17" height="3" rx="1.5" fill="#f4d03f"/>',
    "kettlebell": f'<path d="M-3.2 1a3.2 3.2 0 0 1 6.4 0" stroke="{PROP_DARK}" stroke-width="1.6"/><circle cy="6.8" r="5.2" fill="{PROP_DARK}"/>',
}


def prop_box(positions: Sequence[Position], p: Prop) -> tuple[float, float, float, float] | None:
    if p.kind in ("step", "bench", "machine") and len(p.at) and len(p.size) == 2:
        return (p.at[0], 0, p.at[0] + p.size[0], p.size[1])
    if p.kind in ("ball", "roller"):
        r = p.size[0] / 2
        return (p.at[0] - r, p.at[1] - r, p.at[0] + r, p.at[1] + r)
    if p.kind == "wall":
        return (p.at[0], 0, p.at[0] + 6, 0)
    if p.kind == "pool":
        return (p.at[1] - 6, 0, p.at[1] + 12, p.at[0] + 6)
    if p.kind == "bike":
        return (p.at[0] - 48, 0, p.at[0] + 52, 34)
    if p.kind == "band" and isinstance(p.to, tuple):
        x, y = p.to
        return (x - 3, y - 3, x + 3, y + 3)
    if p.kind == "cones":
        return (min(p.at) - 6.5, 0, max(p.at) + 6.5, 11)
    return None
