"""The exercise catalogue as plain data: fixed vocabularies and the frozen types the pure core reads.

No ORM here: `programs.clinical.generator` works on `ExerciseSpec` values, and `exercises.services` turns the same
values into rows. The versioned catalogue file is `exercises/data/catalogue.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, NoReturn

from exercises.illustrations.poses import Illustration

# docs/design.md §3: the fixed equipment set. An exercise lists only what it cannot be done without.
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

# docs/clinical-sources.md §10
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

Dosing = Literal["sets_reps", "sets_hold", "minutes", "laps", "metres", "intervals", "run"]
DOSING_KINDS: tuple[str, ...] = ("sets_reps", "sets_hold", "minutes", "laps", "metres", "intervals", "run")

FrequencyKind = Literal["per_day", "every_n_days", "per_week"]
FREQUENCY_KINDS: tuple[str, ...] = ("per_day", "every_n_days", "per_week")

# Phases name the tags they forbid (docs/design.md §5); an exercise carrying one is never prescribed there.
CONTRAINDICATION_TAGS: tuple[str, ...] = (
    "acute_strain_early",  # acute strain before the strength stage: no Nordics, no static stretch, no heavy hinge
    "proximal_tendinopathy_early",  # PHT stages 1-2: no deep hip flexion under load, no stretching
    "red_flag",  # never while a red flag is open (every exercise implicitly; tag kept for explicit rows)
    "neural_tension",  # stretches and swings that tension the nerve at the back of the leg: left out while numbness,
    # tingling or pain radiating below the buttock has not been checked by a clinician
    "lengthening_load",  # lengthening or eccentric loading of the hamstring: left out while a possible tendon
    # avulsion or bigger tear (sudden onset at the sit bone, a pop, bruising) has not been checked
    "suspected_avulsion",  # bridges and single-leg squats, which load the tendon at the sit bone: left out while a
    # possible tendon avulsion (sudden onset at the sit bone, a pop, bruising) has not been imaged or cleared
)

EVIDENCE_LEVELS: tuple[str, ...] = ("RCT", "SR/MA", "cohort", "consensus", "expert", "consumer", "unconfirmed")


@dataclass(frozen=True)
class Dose:
    """A prescription's numbers. Only the fields that the exercise's dosing kind uses are set.

    `reps` is a number or a per-set list such as (12, 10, 8); `metres` is a drill's length; `distance` is a run's
    length in the runner's own unit (km or mi, a decimal such as 6.5);
    `pace_percent` is the self-rated share of full pace for running work (Aspetar walk–jog).
    """

    sets: int | None = None
    reps: int | tuple[int, ...] | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    laps: int | None = None
    metres: int | None = None
    distance: float | None = None
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
    per_side: bool = False  # done on each leg (or side) in turn: it takes twice the time of its dose
    # How it looks: key positions for the drawn figure. Not part of what is prescribed, so equal specs may differ in it
    # (the exercise rows do not keep it; pages draw from the shipped catalogue).
    illustration: Illustration | None = field(default=None, compare=False)


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


# ---------------------------------------------------------------- parsing the versioned catalogue file

DEFAULT_CATALOGUE_PATH: Path = Path(__file__).resolve().parent / "data" / "catalogue.yaml"

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_DOSE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Dose))

# Which dose numbers each dosing kind needs and which it may also carry. Anything else is a data error:
# a "minutes" exercise with `reps` would reach the runner as a dose nobody meant to prescribe.
_DOSE_REQUIRED: dict[str, frozenset[str]] = {
    "sets_reps": frozenset({"sets", "reps"}),
    "sets_hold": frozenset({"sets", "hold_seconds"}),
    "minutes": frozenset({"minutes"}),
    "laps": frozenset({"laps"}),
    "metres": frozenset({"metres"}),
    "intervals": frozenset({"intervals", "metres"}),
    "run": frozenset({"distance"}),
}
_DOSE_OPTIONAL: dict[str, frozenset[str]] = {
    "sets_reps": frozenset(),
    "sets_hold": frozenset({"reps"}),  # e.g. 2 sets of 10 heel digs, each held 5 s
    "minutes": frozenset({"sets"}),  # e.g. PATS drills, 3 × 1 min (Heiderscheit 2010)
    "laps": frozenset(),
    "metres": frozenset({"sets"}),  # e.g. high knees 4 × 10 m
    "run": frozenset({"pace_percent"}),
    "intervals": frozenset({"pace_percent"}),  # Aspetar walk–jog starts at 25 % self-rated pace
}


class CatalogueError(ValueError):
    """The catalogue data is wrong. Names the exercise (slug, or index when the slug itself is bad) and the field."""

    def __init__(self, problem: str, *, exercise: str | int | None = None, field: str | None = None) -> None:
        self.problem = problem
        self.exercise = exercise
        self.field = field
        where = []
        if isinstance(exercise, int):
            where.append(f"exercise #{exercise}")
        elif exercise is not None:
            where.append(f"exercise {exercise!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"catalogue: {', '.join(where)}: {problem}" if where else f"catalogue: {problem}")


def positive_int(value: object, name: str) -> int:
    # bool is an int subclass: `sets: yes` in YAML must not become 1 set.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value}")
    return value


def positive_number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{name} must be a number greater than zero, got {value!r}")
    return float(value)


def dose_from_dict(data: Mapping[str, Any], dosing: str | None = None) -> Dose:
    """Build a `Dose` from its JSON/YAML form, rejecting unknown fields and numbers that are not positive.

    With `dosing`, also checks that exactly the fields that kind uses are present (see `_DOSE_REQUIRED`).
    Raises `ValueError` with a plain message; `parse_catalogue` adds the exercise and field to it.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"a dose must be a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - set(_DOSE_FIELDS))
    if unknown:
        raise ValueError(f"unknown dose field(s) {', '.join(map(repr, unknown))}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            continue
        if name == "reps" and isinstance(value, list | tuple):
            if not value:
                raise ValueError("reps list is empty")
            values[name] = tuple(positive_int(v, "reps") for v in value)
        elif name == "distance":
            values[name] = positive_number(value, name)
        else:
            values[name] = positive_int(value, name)
    if "pace_percent" in values and values["pace_percent"] > 100:
        raise ValueError(f"pace_percent is a share of full pace, at most 100, got {values['pace_percent']}")
    if isinstance(values.get("reps"), tuple) and "sets" in values and len(values["reps"]) != values["sets"]:
        raise ValueError(f"reps lists {len(values['reps'])} sets but sets is {values['sets']}")
    if dosing is not None:
        if dosing not in _DOSE_REQUIRED:
            raise ValueError(f"unknown dosing kind {dosing!r}")
        present = set(values)
        missing = sorted(_DOSE_REQUIRED[dosing] - present)
        if missing:
            raise ValueError(f"dosing {dosing!r} needs {', '.join(missing)}")
        extra = sorted(present - _DOSE_REQUIRED[dosing] - _DOSE_OPTIONAL[dosing])
        if extra:
            raise ValueError(f"dosing {dosing!r} does not use {', '.join(extra)}")
    return Dose(**values)


def dose_to_dict(dose: Dose) -> dict[str, int | float | list[int]]:
    """The JSON form of a dose: only the fields that are set, a per-set reps tuple as a list."""
    out: dict[str, int | float | list[int]] = {}
    for name in _DOSE_FIELDS:
        value = getattr(dose, name)
        if value is None:
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


def fail_catalogue(problem: str, exercise: str | int | None, field: str | None = None) -> NoReturn:
    raise CatalogueError(problem, exercise=exercise, field=field)
