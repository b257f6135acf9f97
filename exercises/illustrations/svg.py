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
from exercises.illustrations.props import (
    BAND,
    FIXED_SHAPES,
    LEVEL_PROPS,
    LEVEL_SHAPES,
    PROP,
    PROP_DARK,
    PROP_LIGHT,
    PROPS_IN_FRONT,
    named,
    prop_box,
)
from exercises.illustrations.props import number as _n

BODY = "#34495e"
BODY_FAR = "#8a98a8"
WORKING = "#d35400"
WORKING_FAR = "#eda46a"
HAMSTRING = "#6e1a0e"
WIDTH, HEIGHT = 240, 180  # the picture's size in pixels unless a page sets another

# Drawing order, back to front: the far arm, the far leg, the trunk and head, the near leg, the near arm.
_LEGS = (("other_thigh", "other_shin", "other_foot"), ("thigh", "shin", "foot"))
_TRUNK_LAYERS = (("other_arm", "other_forearm"), ("trunk", "head"), ("arm", "forearm"))


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

    def keyframes(self) -> str:
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
            colour = self._colour(segment)
            body = self._limb(segment, colour)
            if segment.endswith("thigh") and self.illustration.hamstring and colour in (WORKING, WORKING_FAR):
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
                if prop.kind in LEVEL_PROPS:
                    level = self._transform("rotate", lambda p: [p.angle(segment)])
                    shape = f'<g transform="translate(0 {_n(distance)})"><g{_space(level)}>{LEVEL_SHAPES[prop.kind]}</g></g>'
                elif prop.kind == "kettlebell":  # swung, it lines up with the arm
                    shape = f'<g transform="translate(0 {_n(distance)})">{LEVEL_SHAPES[prop.kind]}</g>'
                elif prop.kind == "band":
                    shape = self._band(prop, segment, distance)
                elif prop.kind == "anchor":
                    shape = f'<rect x="-8" y="{_n(distance - 6)}" width="7" height="8" rx="2" fill="{PROP_DARK}"/>'
                else:  # the machine's lever from the knee and its pad on the ankle
                    shape = (
                        f'<path d="M-6 0V{_n(distance - 3)}" stroke="{PROP_DARK}" stroke-width="2.2"/>'
                        f'<circle cx="-7" cy="{_n(distance - 3)}" r="4.2" fill="{PROP}" stroke="{PROP_DARK}" stroke-width="2"/>'
                    )
                out.append(named(prop, shape))
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
        """Props that stay put (and bands tied to a place), behind the figure or, for the pool's water, in front."""
        return "".join(
            named(p, self.band_to_place(p) if p.kind == "band" else FIXED_SHAPES[p.kind](self.positions, p))
            for p in self.illustration.props
            if (p.kind in FIXED_SHAPES or (p.kind == "band" and isinstance(p.to, tuple)))
            and (p.kind in PROPS_IN_FRONT) == front
        )

    def bounds(self) -> tuple[float, float, float, float]:
        boxes = [extent(p) for p in self.positions] + [prop_box(self.positions, p) for p in self.illustration.props]
        left = min(b[0] for b in boxes if b)
        bottom = min([b[1] for b in boxes if b] + [-2.0])
        right = max(b[2] for b in boxes if b)
        top = max(b[3] for b in boxes if b)
        return (left, bottom, right, top)


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
        f"@media (prefers-reduced-motion:reduce),print{{.{prefix} g{{animation:none!important}}}}" + drawing.keyframes()
        if drawing.animated and drawing.channels
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{prefix}" viewBox="{_n(x)} {_n(-top)} {_n(width)} {_n(height)}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{words}"><title>{words}</title>'
        + (f"<style>{style}</style>" if style else "")
        + f'<g stroke-linecap="round" fill="none">{content}</g></svg>'
    )
