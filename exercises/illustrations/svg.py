"""Draw an illustration as SVG: a pictogram figure in a side view with its props, moving from position to position.

The figure is a tree of nested groups, one per segment, each turned about its own joint, so a CSS animation of a
few rotations moves the whole body and anything it holds. Still frames (print, PDF, reduced motion) are the same
drawing with one position's angles and no animation. The left side is the right side mirrored. Pure and
deterministic: the same data gives the same bytes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from html import escape

from exercises.illustrations.body import HEAD_RADIUS, HEEL, POINTS, SEGMENTS, extent, joint_origin, point
from exercises.illustrations.poses import Illustration, Position, Prop

BODY = "#34495e"
BODY_FAR = "#8a98a8"
WORKING = "#d35400"
WORKING_FAR = "#eda46a"
HAMSTRING = "#6e1a0e"
PROP = "#8d99a6"
PROP_DARK = "#4f5b66"
PROP_LIGHT = "#d5dbe0"
WATER = "#cfe6f5"
MAT = "#9fd3c7"
WOOD = "#c8a97e"
BALL = "#7d6bb3"
BAND = "#2e8b57"
WIDTH, HEIGHT = 240, 180  # the picture's size in pixels unless a page sets another

# Drawing order, back to front: the far arm, the far leg, the trunk and head, the near leg, the near arm.
_LEGS = (("other_thigh", "other_shin", "other_foot"), ("thigh", "shin", "foot"))
_TRUNK_LAYERS = (("other_arm", "other_forearm"), ("trunk", "head"), ("arm", "forearm"))
_LEVEL_PROPS = frozenset({"slider", "towel", "dumbbell", "kickboard"})
_FIXED_PROPS_IN_FRONT = frozenset({"pool"})


def _n(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _space(attributes: str) -> str:
    return f" {attributes}" if attributes else ""


def prefix_for(slug: str) -> str:
    """A class prefix of the exercise's own, so several pictures on one page keep their animations apart."""
    return "i" + hashlib.sha256(slug.encode()).hexdigest()[:6]


def text_alternative(illustration: Illustration, *, mirrored: bool = False) -> str:
    if illustration.works == "both_legs":
        return f"{illustration.says} Both legs work."
    return f"{illustration.says} Shown on the {'left' if mirrored else 'right'} leg."


class _Drawing:
    def __init__(self, illustration: Illustration, prefix: str, still: Position | None) -> None:
        self.illustration = illustration
        self.positions = illustration.positions
        self.shown = still or self.positions[0]
        self.animated = still is None
        self.prefix = prefix
        self.channels: dict[tuple[str, tuple[float, ...]], str] = {}

    # ---------------------------------------------------------------- animation channels

    def _transform(self, kind: str, values: Callable[[Position], Sequence[float]]) -> str:
        """The transform attribute of the shown position, plus a class that animates it when positions differ."""
        shown = values(self.shown)
        attribute = f'transform="{kind}({" ".join(_n(v) for v in shown)})"'
        series = tuple(_n(v) for p in self.positions for v in values(p))
        if not self.animated or len(set(zip(*[iter(series)] * len(shown), strict=True))) == 1:
            return "" if attribute == f'transform="{kind}(0)"' else attribute
        key = (kind, tuple(float(v) for v in series))
        name = self.channels.setdefault(key, f"{self.prefix}{len(self.channels)}")
        return f'{attribute} class="{name}"'

    def _rotation(self, segment: str) -> str:
        parent = SEGMENTS[segment].parent
        return self._transform("rotate", lambda p: [-(p.angle(segment) - (p.angle(parent) if parent else 0))])

    def _keyframes(self) -> str:
        total = self.illustration.seconds
        moments: list[tuple[float, float]] = []
        clock = 0.0
        for position in self.positions:
            moments.append((clock, clock + position.hold))
            clock += position.hold + position.move
        rules = []
        for (kind, series), name in self.channels.items():
            width = len(series) // len(self.positions)
            frames = []
            for index, (begin, end) in enumerate(moments):
                values = series[index * width : (index + 1) * width]
                unit = {"rotate": "deg", "translate": "px"}.get(kind, "")
                value = f"{kind}({','.join(_n(v) + unit for v in values)})"
                stops = sorted(
                    {_n(100 * begin / total) + "%", _n(100 * end / total) + "%"}, key=lambda s: float(s[:-1])
                )
                if index == 0:
                    stops.append("100%")
                frames.append(f"{','.join(stops)}{{transform:{value}}}")
            rules.append(f".{self.prefix} .{name}{{animation-name:{name}}}@keyframes {name}{{{''.join(frames)}}}")
        return "".join(rules)

    # ---------------------------------------------------------------- the figure

    def _limb(self, segment: str, colour: str) -> str:
        seg = SEGMENTS[segment]
        if segment == "head":
            return f'<circle cy="{_n(seg.length)}" r="{_n(HEAD_RADIUS)}" fill="{colour}"/>'
        start = -HEEL if segment.endswith("foot") else 0
        return f'<path d="M0 {_n(start)}V{_n(seg.length)}" stroke="{colour}" stroke-width="{_n(seg.width)}"/>'

    def _colour(self, segment: str) -> str:
        far = segment.startswith("other_")
        leg = "thigh" in segment or "shin" in segment or "foot" in segment
        works = leg and (not far or self.illustration.works == "both_legs")
        if works:
            return WORKING_FAR if far else WORKING
        return BODY_FAR if far else BODY

    def _chain(self, segments: Sequence[str]) -> str:
        """Nested groups: each segment hangs from the one before, turned about its own joint."""
        out = ""
        for segment in segments:
            seg = SEGMENTS[segment]
            lead = f'<g transform="translate(0 {_n(seg.offset)})">' if seg.offset else ""
            body = self._limb(segment, self._colour(segment))
            if (
                segment.endswith("thigh")
                and self.illustration.hamstring
                and self._colour(segment) in (WORKING, WORKING_FAR)
            ):
                body += (
                    f'<path d="M-{_n(seg.width / 2 - 1.6)} 5V20" stroke="{HAMSTRING}" stroke-width="2.6" '
                    'stroke-dasharray="2.5 1.6"/>'
                )
            body += "".join(self._attached(segment))
            out += f"{lead}<g{_space(self._rotation(segment))}>{body}"
        return out + "".join("</g></g>" if SEGMENTS[s].offset else "</g>" for s in segments)

    def figure(self) -> str:
        hip = self._transform("translate", lambda p: [p.hip[0], -p.hip[1]])
        trunk = self._rotation("trunk")
        layers = [f"<g{_space(trunk)}>{self._chain_in_trunk(_TRUNK_LAYERS[0])}</g>", self._chain(_LEGS[0])]
        layers += [f"<g{_space(trunk)}>{self._chain_in_trunk(_TRUNK_LAYERS[1])}</g>", self._chain(_LEGS[1])]
        layers += [f"<g{_space(trunk)}>{self._chain_in_trunk(_TRUNK_LAYERS[2])}</g>"]
        return f"<g{_space(hip)}>{''.join(layers)}</g>"

    def _chain_in_trunk(self, segments: Sequence[str]) -> str:
        if segments[0] == "trunk":
            return self._limb("trunk", BODY) + "".join(self._attached("trunk")) + self._chain(segments[1:])
        return self._chain(segments)

    # ---------------------------------------------------------------- props

    def _attached(self, segment: str) -> list[str]:
        """Props that move with this segment, drawn in its own frame."""
        out = []
        for prop in self.illustration.props:
            if prop.kind == "band" and not isinstance(prop.to, str):
                continue  # a band to a place stretches: drawn with the fixed props
            for name in prop.on[:1] if prop.kind == "band" else prop.on:
                where, distance = POINTS[name]
                if where != segment:
                    continue
                if prop.kind in _LEVEL_PROPS:
                    level = self._transform("rotate", lambda p: [p.angle(segment)])
                    shape = f'<g transform="translate(0 {_n(distance)})"><g{_space(level)}>{_LEVEL_SHAPES[prop.kind]}</g></g>'
                elif prop.kind == "kettlebell":  # swung, it lines up with the arm
                    shape = f'<g transform="translate(0 {_n(distance)})">{_LEVEL_SHAPES[prop.kind]}</g>'
                elif prop.kind == "band":
                    shape = self._band(prop, segment, distance)
                elif prop.kind == "anchor":
                    shape = f'<rect x="-8" y="{_n(distance - 6)}" width="7" height="8" rx="2" fill="{PROP_DARK}"/>'
                else:  # the machine's lever from the knee and its pad on the ankle
                    shape = (
                        f'<path d="M-6 0V{_n(distance - 3)}" stroke="{PROP_DARK}" stroke-width="2.2"/>'
                        f'<circle cx="-7" cy="{_n(distance - 3)}" r="4.2" fill="{PROP}" stroke="{PROP_DARK}" stroke-width="2"/>'
                    )
                out.append(_named(prop, shape))
        return out

    def _band(self, prop: Prop, segment: str, distance: float) -> str:
        target = point(self.shown, prop.to) if isinstance(prop.to, str) else prop.to
        assert target is not None  # poses.parse_illustration: a band goes somewhere
        ox, oy = joint_origin(self.shown, segment)
        vx, vy = target[0] - ox, -(target[1] - oy)
        turn = math.radians(self.shown.angle(segment))
        lx = vx * math.cos(turn) - vy * math.sin(turn)
        ly = vx * math.sin(turn) + vy * math.cos(turn)
        return f'<path d="M0 {_n(distance)}L{_n(lx)} {_n(ly)}" stroke="{BAND}" stroke-width="1.8" fill="none"/>'

    def band_to_place(self, prop: Prop) -> str:
        """A band from a fixed place to the body: a line turned towards the body point and stretched to reach it."""
        assert isinstance(prop.to, tuple)  # fixed_props: only a band to a place comes here
        ax, ay = prop.to

        def polar(p: Position) -> tuple[float, float]:
            x, y = point(p, prop.on[0])
            return math.degrees(math.atan2(x - ax, y - ay)) + 180, math.hypot(x - ax, y - ay)

        turn = self._transform("rotate", lambda p: [polar(p)[0]])
        stretch = self._transform("scale", lambda p: [1, polar(p)[1]])
        return (
            f'<g transform="translate({_n(ax)} {_n(-ay)})"><g {turn}><g {stretch}><path d="M0 0V1" stroke="{BAND}" '
            f'stroke-width="2" stroke-linecap="butt"/></g></g><circle r="2.2" fill="{PROP_DARK}"/></g>'
        )

    def fixed_props(self, front: bool) -> str:
        return "".join(
            _named(p, _FIXED_SHAPES[p.kind](self, p))
            for p in self.illustration.props
            if p.kind in _FIXED_SHAPES and (p.kind in _FIXED_PROPS_IN_FRONT) == front and not isinstance(p.to, str)
        )

    def bounds(self) -> tuple[float, float, float, float]:
        boxes = [extent(p) for p in self.positions] + [_prop_box(self, p) for p in self.illustration.props]
        left = min(b[0] for b in boxes if b)
        bottom = min([b[1] for b in boxes if b] + [-2.0])
        right = max(b[2] for b in boxes if b)
        top = max(b[3] for b in boxes if b)
        return (left, bottom, right, top)


def _named(prop: Prop, shape: str) -> str:
    """Each prop's drawing says what it is, for tests and for anyone reading the SVG."""
    return f'<g data-prop="{prop.kind}">{shape}</g>'


def _mat(d: _Drawing, p: Prop) -> str:
    left, right = p.at if len(p.at) == 2 else _floor_span(d)
    return f'<rect x="{_n(left)}" y="-2.5" width="{_n(right - left)}" height="2.5" rx="1.2" fill="{MAT}"/>'


def _floor_span(d: _Drawing) -> tuple[float, float]:
    boxes = [extent(p) for p in d.positions]
    return (min(b[0] for b in boxes) - 4, max(b[2] for b in boxes) + 4)


def _box(p: Prop, colour: str) -> str:
    x, w, h = p.at[0], p.size[0], p.size[1]
    return f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="{_n(h)}" rx="1.5" fill="{colour}"/>'


def _bench(d: _Drawing, p: Prop) -> str:
    x, w, h = p.at[0], p.size[0], p.size[1]
    legs = f'<path d="M{_n(x + 4)} 0V{_n(-h)}M{_n(x + w - 4)} 0V{_n(-h)}" stroke="{PROP_DARK}" stroke-width="2.5"/>'
    return legs + f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="4" rx="2" fill="{PROP}"/>'


def _machine(d: _Drawing, p: Prop) -> str:
    """A leg-curl machine: the bench, the post carrying the lever's pivot at the knee, and the weight stack."""
    x, w, h = p.at[0], p.size[0], p.size[1]
    kx, ky = point(d.positions[0], "knee")
    plates = "".join(f"M{_n(kx - 16)} {_n(-4 * i)}h9" for i in range(1, 5))
    return (
        f'<rect x="{_n(kx - 17)}" y="-19" width="11" height="19" rx="1" fill="{PROP}"/>'
        f'<path d="{plates}" stroke="{PROP_LIGHT}"/><path d="M{_n(kx)} 0V{_n(-ky)}M{_n(x + w - 4)} 0V{_n(-h)}'
        f'M{_n(kx)} {_n(4 - h)}H{_n(x + 6)}" stroke="{PROP_DARK}" stroke-width="2.5"/>'
        f'<rect x="{_n(x)}" y="{_n(-h)}" width="{_n(w)}" height="4" rx="2" fill="{PROP}"/>'
    )


def _ball(d: _Drawing, p: Prop) -> str:
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


def _wall(d: _Drawing, p: Prop) -> str:
    # a light wall with a darker face where the hands touch it
    return (
        f'<rect x="{_n(p.at[0])}" y="-110" width="6" height="110" fill="{PROP_LIGHT}"/>'
        f'<path d="M{_n(p.at[0])} 0V-110" stroke="{PROP}" stroke-width="1.2"/>'
    )


def _pool(d: _Drawing, p: Prop) -> str:
    surface, edge = p.at[0], p.at[1]
    left, right = _floor_span(d)
    left, right = min(left, edge) - 6, max(right, edge) + 6
    water = f'<rect x="{_n(left)}" y="{_n(-surface)}" width="{_n(right - left)}" height="{_n(surface)}" fill="{WATER}" fill-opacity=".7"/>'
    wall = f'<rect x="{_n(edge)}" y="{_n(-surface - 6)}" width="6" height="{_n(surface + 6)}" fill="{PROP_LIGHT}"/>'
    wave = (
        f'<path d="M{_n(left)} {_n(-surface)}H{_n(right)}" stroke="#5fa8d3" stroke-width="1.5" stroke-dasharray="6 3"/>'
    )
    return water + wall + wave


def _bike(d: _Drawing, p: Prop) -> str:
    cx, cy = p.at[0], -p.at[1]
    seat = joint_origin(d.positions[0], "thigh")
    bar = point(d.positions[0], "hand")
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


def _cones(d: _Drawing, p: Prop) -> str:
    # a training cone: a square foot, the cone and a white band
    return "".join(
        f'<path d="M{_n(x - 5.5)} 0h11M{_n(x - 3.5)} -1L{_n(x)} -11L{_n(x + 3.5)} -1Z" stroke="#e67e22" '
        f'stroke-width="1.6" fill="#e67e22"/><path d="M{_n(x - 2.3)} -4.5h4.6" stroke="#fff" stroke-width="1.4"/>'
        for x in p.at
    )


_FIXED_SHAPES: dict[str, Callable[[_Drawing, Prop], str]] = {
    "mat": _mat,
    "step": lambda d, p: _box(p, WOOD),
    "bench": _bench,
    "machine": _machine,
    "band": lambda d, p: d.band_to_place(p),  # only a band to a place: one to the body moves with it
    "ball": _ball,
    "roller": _ball,
    "wall": _wall,
    "pool": _pool,
    "bike": _bike,
    "cones": _cones,
}

# Drawn at a hand or a heel, level whatever the limb does (`_LEVEL_PROPS`); a swung kettlebell lines up with the arm.
_LEVEL_SHAPES: dict[str, str] = {
    "slider": f'<ellipse cy="3.2" rx="6.5" ry="1.8" fill="{PROP_DARK}"/>',
    "towel": '<rect x="-9" y="2.2" width="15" height="2.8" rx="1.2" fill="#5dade2"/><path d="M-7 3.6h11" stroke="#aed6f1" stroke-width=".8"/>',
    "dumbbell": f'<path d="M-4 0h8" stroke="{PROP_DARK}" stroke-width="1.8"/><path d="M-5.5-3v6M5.5-3v6" stroke="{PROP_DARK}" stroke-width="3.2"/>',
    "kickboard": '<rect x="-12" y="-2.5" width="17" height="3" rx="1.5" fill="#f4d03f"/>',
    "kettlebell": f'<path d="M-3.2 1a3.2 3.2 0 0 1 6.4 0" stroke="{PROP_DARK}" stroke-width="1.6"/><circle cy="6.8" r="5.2" fill="{PROP_DARK}"/>',
}


def _prop_box(d: _Drawing, p: Prop) -> tuple[float, float, float, float] | None:
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


def render(illustration: Illustration, slug: str, *, mirrored: bool = False, frame: str | None = None) -> str:
    """The illustration as an SVG document: moving when `frame` is None, else that position standing still."""
    still = None
    if frame is not None:
        still = next((p for p in illustration.positions if p.name == frame), None)
        if still is None:
            raise ValueError(f"{slug} has no position {frame!r}")
    prefix = prefix_for(slug)
    drawing = _Drawing(illustration, prefix, still)
    figure = drawing.figure()
    back, front = drawing.fixed_props(front=False), drawing.fixed_props(front=True)
    left, bottom, right, top = drawing.bounds()
    left, bottom, right, top = left - 3, bottom - 3, right + 3, top + 3
    width, height = right - left, top - bottom
    if width / height < WIDTH / HEIGHT:
        grow = height * WIDTH / HEIGHT - width
        left, width = left - grow / 2, width + grow
    else:
        grow = width * HEIGHT / WIDTH - height
        top, height = top + grow, height + grow
    x = -(left + width) if mirrored else left
    floor = (
        ""
        if any(p.kind == "pool" for p in illustration.props)
        else f'<path d="M{_n(left)} 0h{_n(width)}" stroke="{PROP_LIGHT}" stroke-width="2"/>'
    )
    content = floor + back + figure + front
    if mirrored:
        content = f'<g transform="scale(-1 1)">{content}</g>'
    words = escape(text_alternative(illustration, mirrored=mirrored))
    style = (
        f".{prefix} g{{animation:{_n(illustration.seconds)}s ease-in-out infinite}}"
        f"@media (prefers-reduced-motion:reduce),print{{.{prefix} g{{animation:none!important}}}}"
        + drawing._keyframes()
        if drawing.animated and drawing.channels
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{prefix}" viewBox="{_n(x)} {_n(-top)} {_n(width)} {_n(height)}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{words}"><title>{words}</title>'
        + (f"<style>{style}</style>" if style else "")
        + f'<g stroke-linecap="round" fill="none">{content}</g></svg>'
    )
