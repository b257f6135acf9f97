"""The catalogue file as the data migrations 0002 and 0003 read it: a frozen copy of what `exercises.catalogue` and
`exercises.services` did with the file when those migrations ran on a fresh database.

Migrations must not depend on today's application code, which will change under them; this module imports none of
it. Never change it to follow those modules: a new shape of the file gets a migration of its own (as 0004 and 0005
did). The migration loader skips modules whose name starts with an underscore, so this is not a migration itself.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.yaml"

# The fixed equipment set and the names shown to runners, in the order the rows were created.
EQUIPMENT_NAMES: dict[str, str] = {
    "mat": "Exercise mat",
    "pool": "Swimming pool",
    "kickboard": "Kickboard",
    "bike": "Bike with clip-in pedals",
    "partner_or_anchor": "Partner or fixed anchor for the ankles",
    "band": "Resistance band",
    "sliders": "Sliders (or a towel on a smooth floor)",
    "dumbbells": "Dumbbells",
    "kettlebell": "Kettlebell",
    "gym_machine": "Gym machine (leg curl or cable)",
    "step": "Step or bench",
    "ball_or_roller": "Massage ball or foam roller",
    "mirror": "Full-length mirror",
}

# A dose's numbers in the order its plain form lists them; a run's distance is a decimal.
DOSE_FIELDS = ("sets", "reps", "hold_seconds", "minutes", "laps", "metres", "distance", "intervals", "pace_percent")


def read_file() -> dict[str, Any]:
    return yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))


def _dose(data: dict[str, Any]) -> dict[str, Any]:
    dose: dict[str, Any] = {}
    for name in DOSE_FIELDS:
        value = data.get(name)
        if value is not None:
            dose[name] = float(value) if name == "distance" else value
    return dose


def _texts(value: list[str] | None) -> list[str]:
    return [text.strip() for text in value or []]


def _exercise(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "slug": row["slug"],
        "name": row["name"].strip(),
        "category": row["category"],
        "description": row["description"].strip(),
        "equipment": sorted(row.get("equipment") or []),
        "dosing": row["dosing"],
        "default_dose": _dose(row["default_dose"]),
        "frequency": {"kind": row["frequency"]["kind"], "value": row["frequency"]["value"]},
        "cues": _texts(row["cues"]),
        "common_mistakes": _texts(row.get("common_mistakes")),
        "contraindications": sorted(row.get("contraindications") or []),
        "easier": row.get("easier"),
        "harder": row.get("harder"),
        "per_side": row.get("per_side", False),
        "evidence_level": row["evidence_level"],
        "source": row["source"].strip(),
    }


def plain_catalogue(data: dict[str, Any]) -> dict[str, Any]:
    """The file's plain form, as a CatalogueVersion keeps it."""
    return {"version": data["version"], "exercises": [_exercise(row) for row in data["exercises"]]}


def checksum(plain: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()
