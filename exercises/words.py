"""The catalogue's categories in the words a runner reads on the exercise pages (`catalogue.CATEGORIES`)."""

from __future__ import annotations

CATEGORY_LABELS: dict[str, str] = {
    "strength": "Strength",
    "eccentric": "Strength while the muscle lengthens",
    "isometric": "Holding still under load",
    "mobility": "Mobility",
    "stretch": "Stretches",
    "cross_training": "Cross-training",
    "drill": "Running drills",
    "running": "Running",
    "balance": "Balance",
}


def category_label(category: str) -> str:
    """'Running drills' for 'drill'; a category added later without words reads as itself, in plain words."""
    return CATEGORY_LABELS.get(category, category.replace("_", " ").capitalize())
