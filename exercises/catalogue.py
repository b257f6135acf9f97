"""The exercise catalogue as plain data: fixed vocabularies and the frozen types the pure core reads.

No ORM here: `programs.generator` works on `ExerciseSpec` values, and `exercises.services` turns the same
values into rows. The versioned catalogue file is `exercises/data/catalogue.yaml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# design.md §3: the fixed equipment set. An exercise lists only what it cannot be done without.
EQUIPMENT_SLUGS: tuple[str, ...] = (
    "mat",
    "pool",
    "kickboard",
    "bike",
    "partner_or_anchor",
    "band",
    "sliders",
    "dumbbells",
    "kettlebell",
    "gym_machine",
    "step",
    "ball_or_roller",
    "mirror",
)

# domain.md §10
CATEGORIES: tuple[str, ...] = (
    "strength",
    "eccentric",
    "isometric",
    "mobility",
    "stretch",
    "cross_training",
    "drill",
    "running",
    "balance",
)

Dosing = Literal["sets_reps", "sets_hold", "minutes", "laps", "distance", "intervals"]
DOSING_KINDS: tuple[str, ...] = ("sets_reps", "sets_hold", "minutes", "laps", "distance", "intervals")

FrequencyKind = Literal["per_day", "every_n_days", "per_week"]
FREQUENCY_KINDS: tuple[str, ...] = ("per_day", "every_n_days", "per_week")

# Phases name the tags they forbid (design.md §5); an exercise carrying one is never prescribed there.
CONTRAINDICATION_TAGS: tuple[str, ...] = (
    "acute_strain_early",  # acute strain before the strength stage: no Nordics, no static stretch, no heavy hinge
    "proximal_tendinopathy_early",  # PHT stages 1-2: no deep hip flexion under load, no stretching
    "red_flag",  # never while a red flag is open (every exercise implicitly; tag kept for explicit rows)
)

EVIDENCE_LEVELS: tuple[str, ...] = ("RCT", "SR/MA", "cohort", "consensus", "expert", "consumer", "unconfirmed")


@dataclass(frozen=True)
class Dose:
    """A prescription's numbers. Only the fields that the exercise's dosing kind uses are set.

    `reps` is a number or a per-set list such as (12, 10, 8); `distance` is metres for drills;
    `pace_percent` is the self-rated share of full pace for running work (Aspetar walk–jog).
    """

    sets: int | None = None
    reps: int | tuple[int, ...] | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    laps: int | None = None
    distance: int | None = None
    intervals: int | None = None
    pace_percent: int | None = None


@dataclass(frozen=True)
class Frequency:
    """How often an exercise is done: `per_week` n times on non-consecutive days, `every_n_days`, `per_day`."""

    kind: FrequencyKind
    value: int


@dataclass(frozen=True)
class ExerciseSpec:
    slug: str
    name: str
    category: str
    dosing: Dosing
    default_dose: Dose
    frequency: Frequency
    equipment: frozenset[str] = frozenset()
    description: str = ""
    cues: tuple[str, ...] = ()
    common_mistakes: tuple[str, ...] = ()
    contraindications: frozenset[str] = frozenset()
    easier: str | None = None
    harder: str | None = None
    evidence_level: str = "unconfirmed"
    source: str = ""


@dataclass(frozen=True)
class Catalogue:
    version: int
    exercises: tuple[ExerciseSpec, ...]
    by_slug: dict[str, ExerciseSpec] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_slug", {e.slug: e for e in self.exercises})

    def __getitem__(self, slug: str) -> ExerciseSpec:
        return self.by_slug[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self.by_slug
