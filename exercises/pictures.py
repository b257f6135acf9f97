"""Exercise illustrations for pages, the API and printouts: drawn from the shipped catalogue, once per process.

How an exercise looks is not part of a prescription, so every plan shows the pictures of the catalogue that ships,
whichever catalogue version it was generated from.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Literal

from exercises.catalogue_file import load_catalogue_file
from exercises.illustrations.svg import render, text_alternative

Side = Literal["right", "left"]
SIDES: tuple[str, ...] = ("right", "left")


@dataclass(frozen=True)
class Picture:
    svg: str
    alt: str
    etag: str  # a strong validator of the bytes, quoted as HTTP wants it


def frames(slug: str) -> tuple[str, ...]:
    """The names of the exercise's still positions, from `start` to `end`; none when it has no illustration."""
    spec = load_catalogue_file().by_slug.get(slug)
    if spec is None or spec.illustration is None:
        return ()
    return tuple(p.name for p in spec.illustration.positions)


def position_names() -> list[str]:
    """Every position name some exercise is drawn in, `start` and `end` first."""
    names = {
        p.name for spec in load_catalogue_file().exercises if spec.illustration for p in spec.illustration.positions
    }
    return ["start", "end", *sorted(names - {"start", "end"})]


@functools.cache
def picture(slug: str, side: Side = "right", frame: str | None = None) -> Picture | None:
    """The exercise's illustration, moving, or one position (`start`, `end`…) standing still; None if it has none."""
    names = frames(slug)
    if not names or (frame is not None and frame not in names):
        return None
    spec = load_catalogue_file()[slug]
    assert spec.illustration is not None  # frames() found its positions
    svg = render(spec.illustration, slug, mirrored=side == "left", frame=frame)
    return Picture(
        svg=svg,
        alt=text_alternative(spec.illustration, mirrored=side == "left"),
        etag=f'"{hashlib.sha256(svg.encode()).hexdigest()[:32]}"',
    )
