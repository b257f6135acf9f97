"""The warm-up that opens every strength session, so a Nordic is never first (docs/clinical-sources.md §16). Pure.

The drills carry the same contraindication tags as leg swings, so a stage or an open advisory that rules out leg swings
rules them all out and the warm-up is the easy minutes alone (docs/clinical-sources.md §16.4).

The generator chooses it per stage; a session stores only its exercises' slugs ("cycling_clip_in,leg_swings") and the
read model rebuilds the same items from the plan's catalogue, so the words live here once.
"""

from __future__ import annotations

from collections.abc import Callable

from exercises.catalogue import Catalogue, Dose
from programs.clinical.dosing import describe
from programs.clinical.types import Item

SOURCE = (
    "Petersen 2011 and the Nordic's own cue: never start a session with Nordics; seed 004: walk five to seven minutes "
    "to warm up; seeds 003 and 004: leg swings, high knees and butt kicks (docs/clinical-sources.md §11)"
)
EASY_MINUTES = 5
DRILLS = ("leg_swings", "high_knees", "butt_kicks")
DRILL_FROM_MINUTES = 20  # under 20 minutes a session would be mostly warm-up: the easy minutes alone (house choice)


def warm_up_slugs(allowed: Callable[[str], bool], minutes_per_session: int) -> tuple[str, ...]:
    """Five minutes easy on the bike, or a brisk walk without one; then the first drill the stage allows."""
    easy = "cycling_clip_in" if allowed("cycling_clip_in") else "brisk_walk"
    drills = DRILLS if minutes_per_session >= DRILL_FROM_MINUTES else ()
    drill = next((d for d in drills if allowed(d)), None)
    return (easy, drill) if drill else (easy,)


def warm_up_items(slugs: tuple[str, ...], catalogue: Catalogue, pain_limit: int) -> tuple[Item, ...]:
    items = []
    for slug in slugs:
        spec = catalogue[slug]
        easy = spec.dosing == "minutes"
        dose = Dose(minutes=EASY_MINUTES) if easy else spec.default_dose
        why = " easy, so your muscles are warm" if easy else ", to loosen up"
        reason = f"Warm-up, {spec.name.lower()}: {describe(dose, spec.per_side)}{why} before the strength work"
        items.append(Item(slug, dose, pain_limit, reason, 1, 0, 0, "warm_up", None, SOURCE))
    return tuple(items)


def warm_up_to_text(warm_up: tuple[Item, ...]) -> str:
    return ",".join(item.exercise for item in warm_up)


def warm_up_slugs_from_text(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()
