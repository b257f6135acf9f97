"""The exercise catalogue as plain data: fixed vocabularies and the frozen types the pure core reads.

No ORM here: `programs.clinical.generator` works on `ExerciseSpec` values, and `exercises.services` turns the same
values into rows. The versioned catalogue file is `exercises/data/catalogue.yaml`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, NoReturn

import yaml

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
SUPPORTED_VERSIONS: frozenset[int] = frozenset({1})

_SLUG_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
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

_REQUIRED_KEYS: tuple[str, ...] = (
    "slug",
    "name",
    "category",
    "description",
    "dosing",
    "default_dose",
    "frequency",
    "cues",
    "evidence_level",
    "source",
)
_OPTIONAL_KEYS: tuple[str, ...] = ("equipment", "common_mistakes", "contraindications", "easier", "harder", "per_side")


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


def _positive_int(value: object, name: str) -> int:
    # bool is an int subclass: `sets: yes` in YAML must not become 1 set.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than zero, got {value}")
    return value


def _positive_number(value: object, name: str) -> float:
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
            values[name] = tuple(_positive_int(v, "reps") for v in value)
        elif name == "distance":
            values[name] = _positive_number(value, name)
        else:
            values[name] = _positive_int(value, name)
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


def _fail(problem: str, exercise: str | int | None, field: str | None = None) -> NoReturn:
    raise CatalogueError(problem, exercise=exercise, field=field)


def _text(row: Mapping[str, Any], key: str, ref: str | int, *, allow_empty: bool = False) -> str:
    value = row[key]
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        _fail(f"must be non-empty text, got {value!r}", ref, key)
    return value.strip()


def _text_list(row: Mapping[str, Any], key: str, ref: str, *, required: bool) -> tuple[str, ...]:
    value = row.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail("must be a list of non-empty texts", ref, key)
    if required and not value:
        _fail("must list at least one item", ref, key)
    return tuple(v.strip() for v in value)


def _vocabulary_set(
    row: Mapping[str, Any], key: str, ref: str, vocabulary: tuple[str, ...], what: str
) -> frozenset[str]:
    value = row.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        _fail(f"must be a list of {what} slugs", ref, key)
    for item in value:
        if item not in vocabulary:
            _fail(f"unknown {what} {item!r}", ref, key)
    if len(set(value)) != len(value):
        _fail(f"lists the same {what} twice", ref, key)
    return frozenset(value)


def _flag(row: Mapping[str, Any], key: str, ref: str) -> bool:
    value = row.get(key, False)
    if not isinstance(value, bool):
        _fail(f"must be true or false, got {value!r}", ref, key)
    return value


def _choice(row: Mapping[str, Any], key: str, ref: str, vocabulary: tuple[str, ...], what: str) -> str:
    value = row[key]
    if value not in vocabulary:
        _fail(f"unknown {what} {value!r}", ref, key)
    return value


def _parse_frequency(value: object, ref: str) -> Frequency:
    if not isinstance(value, Mapping) or set(value) != {"kind", "value"}:
        _fail("must be a mapping with exactly 'kind' and 'value'", ref, "frequency")
    if value["kind"] not in FREQUENCY_KINDS:
        _fail(f"unknown frequency kind {value['kind']!r}", ref, "frequency")
    try:
        n = _positive_int(value["value"], "value")
    except ValueError as exc:
        _fail(str(exc), ref, "frequency")
    if value["kind"] == "per_week" and n > 7:
        _fail(f"per_week is at most 7, got {n}", ref, "frequency")
    return Frequency(kind=value["kind"], value=n)


def _parse_exercise(row: object, index: int, seen: set[str]) -> ExerciseSpec:
    if not isinstance(row, Mapping):
        _fail("must be a mapping", index)
    slug = row.get("slug")
    if not isinstance(slug, str) or not _SLUG_RE.match(slug):
        _fail(f"must be lower_snake_case, at most 64 characters, got {slug!r}", index, "slug")
    if slug in seen:
        _fail("duplicate slug", slug, "slug")
    for key in _REQUIRED_KEYS:
        if key not in row:
            _fail("is required", slug, key)
    unknown = sorted(set(row) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
    if unknown:
        _fail("unknown field", slug, unknown[0])

    dosing = _choice(row, "dosing", slug, DOSING_KINDS, "dosing kind")
    try:
        dose = dose_from_dict(row["default_dose"], dosing)
    except ValueError as exc:
        _fail(str(exc), slug, "default_dose")
    for key in ("easier", "harder"):
        if row.get(key) is not None and not isinstance(row[key], str):
            _fail(f"must be a slug or null, got {row[key]!r}", slug, key)
    return ExerciseSpec(
        slug=slug,
        name=_text(row, "name", slug),
        category=_choice(row, "category", slug, CATEGORIES, "category"),
        dosing=dosing,  # type: ignore[arg-type]  # checked against DOSING_KINDS above
        default_dose=dose,
        frequency=_parse_frequency(row["frequency"], slug),
        equipment=_vocabulary_set(row, "equipment", slug, EQUIPMENT_SLUGS, "equipment"),
        description=_text(row, "description", slug),
        cues=_text_list(row, "cues", slug, required=True),
        common_mistakes=_text_list(row, "common_mistakes", slug, required=False),
        contraindications=_vocabulary_set(row, "contraindications", slug, CONTRAINDICATION_TAGS, "contraindication"),
        easier=row.get("easier"),
        per_side=_flag(row, "per_side", slug),
        harder=row.get("harder"),
        evidence_level=_choice(row, "evidence_level", slug, EVIDENCE_LEVELS, "evidence level"),
        source=_text(row, "source", slug),
    )


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Validate the catalogue's plain data and build a `Catalogue`, failing on the first problem.

    Nothing reaches the database or a plan unless every row passes: unknown vocabulary, duplicate slugs, variants
    that point nowhere or to themselves, doses that are zero, negative or do not fit the dosing kind.
    """
    if not isinstance(data, Mapping):
        _fail("the file must be a mapping with 'version' and 'exercises'", None)
    version = data.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        _fail(f"unsupported version {version!r} (supported: {sorted(SUPPORTED_VERSIONS)})", None, "version")
    unknown = sorted(set(data) - {"version", "exercises"})
    if unknown:
        _fail("unknown top-level field", None, unknown[0])
    rows = data.get("exercises")
    if not isinstance(rows, list) or not rows:
        _fail("must be a non-empty list", None, "exercises")

    seen: set[str] = set()
    specs: list[ExerciseSpec] = []
    for index, row in enumerate(rows):
        spec = _parse_exercise(row, index, seen)
        seen.add(spec.slug)
        specs.append(spec)
    for spec in specs:
        for key in ("easier", "harder"):
            target = getattr(spec, key)
            if target is None:
                continue
            if target == spec.slug:
                _fail("a variant cannot point to the exercise itself", spec.slug, key)
            if target not in seen:
                _fail(f"variant {target!r} is not in the catalogue", spec.slug, key)
    return Catalogue(version=version, exercises=tuple(specs))


def catalogue_to_dict(catalogue: Catalogue) -> dict[str, Any]:
    """The plain-data form of a catalogue, as `parse_catalogue` reads it (round-trips)."""
    return {
        "version": catalogue.version,
        "exercises": [
            {
                "slug": e.slug,
                "name": e.name,
                "category": e.category,
                "description": e.description,
                "equipment": sorted(e.equipment),
                "dosing": e.dosing,
                "default_dose": dose_to_dict(e.default_dose),
                "frequency": {"kind": e.frequency.kind, "value": e.frequency.value},
                "cues": list(e.cues),
                "common_mistakes": list(e.common_mistakes),
                "contraindications": sorted(e.contraindications),
                "easier": e.easier,
                "harder": e.harder,
                "per_side": e.per_side,
                "evidence_level": e.evidence_level,
                "source": e.source,
            }
            for e in catalogue.exercises
        ],
    }


def _read_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from exc
    return parse_catalogue(data)


@functools.cache
def _default_catalogue() -> Catalogue:
    return _read_catalogue(DEFAULT_CATALOGUE_PATH)


def load_catalogue_file(path: Path | str = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    """Read and validate a catalogue YAML file. The shipped file is parsed once per process and then cached."""
    path = Path(path)
    if path.resolve() == DEFAULT_CATALOGUE_PATH:
        return _default_catalogue()
    return _read_catalogue(path)
