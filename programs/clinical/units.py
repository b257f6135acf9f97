"""A plan's distances as the runner reads and types them.

A plan keeps the unit its intake was answered in: its targets, doses and the reasons that name them are stored in it.
The runner's Settings choose the unit every page, e-mail, the calendar feed and the API show; a distance typed in that
unit is stored back in the plan's unit to the hundredth, which reads back as the tenth that was typed either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from programs.clinical.config import MILES_TO_KM
from programs.clinical.words import UNIT_WORDS

_HUNDREDTH = Decimal("0.01")


def converted(value: float, from_unit: str, to_unit: str) -> float:
    if from_unit == to_unit:
        return value
    return value / MILES_TO_KM if to_unit == "mi" else value * MILES_TO_KM


@dataclass(frozen=True)
class Distances:
    """`stored`: the plan's unit; `shown`: the runner's choice ("km" or "mi")."""

    stored: str
    shown: str

    @property
    def words(self) -> str:
        """'km' or 'miles', after a number."""
        return UNIT_WORDS.get(self.shown, self.shown)

    def show(self, value: float | Decimal) -> float:
        """A stored distance in the runner's unit, to the tenth they read and type."""
        return round(converted(float(value), self.stored, self.shown), 1)

    def text(self, value: float | Decimal) -> str:
        """'2.9 miles'."""
        return f"{self.show(value):g} {self.words}"

    def store(self, value: Decimal) -> Decimal:
        """A distance the runner typed, in the plan's unit."""
        if self.stored == self.shown:
            return value
        return Decimal(str(converted(float(value), self.shown, self.stored))).quantize(_HUNDREDTH)
