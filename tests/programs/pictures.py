"""Finding the exercises' drawings on pages and in PDFs, for tests."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import Any

from accounts.models import User
from exercises.pictures import picture
from programs.models import Plan, PlannedSession
from tests.programs.plans import create_plan

DRAWN = "nordic_curl"  # an exercise with a drawing, which a runner with a partner or an anchor is given
EQUIPMENT = ["mat", "band", "bike", "partner_or_anchor"]


def drawn_plan(runner: User, intake_data: dict[str, Any], weeks: int = 4) -> Plan:
    intake_data["equipment"] = EQUIPMENT
    return create_plan(runner, intake_data, weeks=weeks)


def session_with(plan: Plan, slug: str = DRAWN) -> PlannedSession:
    session = PlannedSession.objects.filter(plan=plan, prescriptions__exercise__slug=slug).order_by("date").first()
    assert session is not None, f"the plan has {slug}"
    return session


def svg_of(slug: str, frame: str | None = None) -> str:
    drawn = picture(slug, frame=frame)
    assert drawn is not None, f"{slug} is drawn"
    return drawn.svg


def floor_colour(svg: str) -> str:
    """The colour of the drawing's floor line (its first stroke), as a PDF stroke operator writes it ("r g b RG")."""
    found = re.search(r'stroke="#([0-9a-f]{6})"', svg)
    assert found is not None
    channels = (int(found.group(1)[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return " ".join(f"{c:.6f}".rstrip("0").rstrip(".") or "0" for c in channels) + " RG"


def pdf_strokes(pdf: bytes) -> Counter[str]:
    """Every stroke colour the PDF's drawing operators set, counted (its content streams are zlib-compressed)."""
    found: Counter[str] = Counter()
    for stream in re.findall(rb"/FlateDecode.*?stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:  # not one piece of zlib data (fonts)
            continue
        found.update(op.decode() for op in re.findall(rb"(?<![\d.])[\d.]+ [\d.]+ [\d.]+ RG", content))
    return found
