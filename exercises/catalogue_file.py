"""The catalogue as a versioned data file: parsing and checking its YAML, writing it back, loading the shipped one.
Pure."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from exercises.catalogue import (
    CATEGORIES,
    CONTRAINDICATION_TAGS,
    DEFAULT_CATALOGUE_PATH,
    DOSING_KINDS,
    EQUIPMENT_SLUGS,
    EVIDENCE_LEVELS,
    FREQUENCY_KINDS,
    SLUG_RE,
    Catalogue,
    CatalogueError,
    ExerciseSpec,
    Frequency,
    dose_from_dict,
    dose_to_dict,
    fail_catalogue,
    positive_int,
)
from exercises.illustrations.poses import PoseError, parse_illustration

SUPPORTED_VERSIONS: frozenset[int] = frozenset({1})


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


_OPTIONAL_KEYS: tuple[str, ...] = (
    "equipment",
    "common_mistakes",
    "contraindications",
    "easier",
    "harder",
    "per_side",
    "illustration",
)


def _text(row: Mapping[str, Any], key: str, ref: str | int, *, allow_empty: bool = False) -> str:
    value = row[key]
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        fail_catalogue(f"must be non-empty text, got {value!r}", ref, key)
    return value.strip()


def _text_list(row: Mapping[str, Any], key: str, ref: str, *, required: bool) -> tuple[str, ...]:
    value = row.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail_catalogue("must be a list of non-empty texts", ref, key)
    if required and not value:
        fail_catalogue("must list at least one item", ref, key)
    return tuple(v.strip() for v in value)


def _vocabulary_set(
    row: Mapping[str, Any], key: str, ref: str, vocabulary: tuple[str, ...], what: str
) -> frozenset[str]:
    value = row.get(key, [])
    if value is None:
        value = []
    if not isinstance(value, list):
        fail_catalogue(f"must be a list of {what} slugs", ref, key)
    for item in value:
        if item not in vocabulary:
            fail_catalogue(f"unknown {what} {item!r}", ref, key)
    if len(set(value)) != len(value):
        fail_catalogue(f"lists the same {what} twice", ref, key)
    return frozenset(value)


def _flag(row: Mapping[str, Any], key: str, ref: str) -> bool:
    value = row.get(key, False)
    if not isinstance(value, bool):
        fail_catalogue(f"must be true or false, got {value!r}", ref, key)
    return value


def _choice(row: Mapping[str, Any], key: str, ref: str, vocabulary: tuple[str, ...], what: str) -> str:
    value = row[key]
    if value not in vocabulary:
        fail_catalogue(f"unknown {what} {value!r}", ref, key)
    return value


def _parse_frequency(value: object, ref: str) -> Frequency:
    if not isinstance(value, Mapping) or set(value) != {"kind", "value"}:
        fail_catalogue("must be a mapping with exactly 'kind' and 'value'", ref, "frequency")
    if value["kind"] not in FREQUENCY_KINDS:
        fail_catalogue(f"unknown frequency kind {value['kind']!r}", ref, "frequency")
    try:
        n = positive_int(value["value"], "value")
    except ValueError as exc:
        fail_catalogue(str(exc), ref, "frequency")
    if value["kind"] == "per_week" and n > 7:
        fail_catalogue(f"per_week is at most 7, got {n}", ref, "frequency")
    return Frequency(kind=value["kind"], value=n)


def _parse_exercise(row: object, index: int, seen: set[str]) -> ExerciseSpec:
    if not isinstance(row, Mapping):
        fail_catalogue("must be a mapping", index)
    slug = row.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        fail_catalogue(f"must be lower_snake_case, at most 64 characters, got {slug!r}", index, "slug")
    if slug in seen:
        fail_catalogue("duplicate slug", slug, "slug")
    for key in _REQUIRED_KEYS:
        if key not in row:
            fail_catalogue("is required", slug, key)
    unknown = sorted(set(row) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
    if unknown:
        fail_catalogue("unknown field", slug, unknown[0])

    dosing = _choice(row, "dosing", slug, DOSING_KINDS, "dosing kind")
    try:
        dose = dose_from_dict(row["default_dose"], dosing)
    except ValueError as exc:
        fail_catalogue(str(exc), slug, "default_dose")
    for key in ("easier", "harder"):
        if row.get(key) is not None and not isinstance(row[key], str):
            fail_catalogue(f"must be a slug or null, got {row[key]!r}", slug, key)
    illustration = None
    if row.get("illustration") is not None:
        try:
            illustration = parse_illustration(row["illustration"])
        except PoseError as exc:
            fail_catalogue(str(exc), slug, "illustration")
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
        illustration=illustration,
    )


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Validate the catalogue's plain data and build a `Catalogue`, failing on the first problem.

    Nothing reaches the database or a plan unless every row passes: unknown vocabulary, duplicate slugs, variants
    that point nowhere or to themselves, doses that are zero, negative or do not fit the dosing kind.
    """
    if not isinstance(data, Mapping):
        fail_catalogue("the file must be a mapping with 'version' and 'exercises'", None)
    version = data.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        fail_catalogue(f"unsupported version {version!r} (supported: {sorted(SUPPORTED_VERSIONS)})", None, "version")
    unknown = sorted(set(data) - {"version", "exercises"})
    if unknown:
        fail_catalogue("unknown top-level field", None, unknown[0])
    rows = data.get("exercises")
    if not isinstance(rows, list) or not rows:
        fail_catalogue("must be a non-empty list", None, "exercises")

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
                fail_catalogue("a variant cannot point to the exercise itself", spec.slug, key)
            if target not in seen:
                fail_catalogue(f"variant {target!r} is not in the catalogue", spec.slug, key)
    return Catalogue(version=version, exercises=tuple(specs))


def catalogue_to_dict(catalogue: Catalogue) -> dict[str, Any]:
    """The plain-data form of a catalogue, as `parse_catalogue` reads it (round-trips) and a CatalogueVersion keeps it.

    Without the illustrations: how an exercise is drawn is not what a plan prescribes, so a new drawing is not a new
    catalogue version (pages draw from the shipped file, `exercises.pictures`).
    """
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
