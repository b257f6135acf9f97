"""What a catalogue check holds the drawings to: every exercise is drawn, with what it needs in the picture. Pure."""

from __future__ import annotations

from exercises.catalogue import Catalogue

# The props that show each piece of equipment; a mirror is only for watching yourself, so it is not drawn.
PROPS_FOR_EQUIPMENT: dict[str, frozenset[str]] = {
    "mat": frozenset({"mat"}),
    "pool": frozenset({"pool"}),
    "kickboard": frozenset({"kickboard"}),
    "bike": frozenset({"bike"}),
    "partner_or_anchor": frozenset({"anchor"}),
    "band": frozenset({"band"}),
    "sliders": frozenset({"slider", "towel"}),
    "dumbbells": frozenset({"dumbbell"}),
    "kettlebell": frozenset({"kettlebell"}),
    "gym_machine": frozenset({"machine"}),
    "step": frozenset({"step", "bench"}),
    "ball_or_roller": frozenset({"ball", "roller"}),
    "mirror": frozenset(),
}


def illustration_gaps(catalogue: Catalogue) -> list[str]:
    """One line per exercise drawn without its poses or without a prop its equipment needs."""
    gaps = []
    for spec in catalogue.exercises:
        if spec.illustration is None:
            gaps.append(f"{spec.slug} has no illustration: give it its key positions in the catalogue")
            continue
        drawn = {prop.kind for prop in spec.illustration.props}
        for equipment in sorted(spec.equipment):
            shown_by = PROPS_FOR_EQUIPMENT[equipment]
            if shown_by and not shown_by & drawn:
                gaps.append(f"{spec.slug} needs {equipment} but its illustration draws none of {sorted(shown_by)}")
    return gaps
