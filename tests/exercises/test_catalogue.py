"""The catalogue file and its parser. Pure: no database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.catalogue import (
    CONTRAINDICATION_TAGS,
    DEFAULT_CATALOGUE_PATH,
    EQUIPMENT_SLUGS,
    Catalogue,
    CatalogueError,
    Dose,
    dose_from_dict,
    dose_to_dict,
)
from exercises.catalogue_file import catalogue_to_dict, load_catalogue_file, parse_catalogue
from tests.exercises.conftest import row

EXPECTED_SLUGS = {
    "nordic_curl",
    "nordic_curl_band_assisted",
    "towel_slider_curl",
    "brisk_walk",
    "single_leg_squat",
    "single_leg_squat_rotation",
    "single_leg_stand",
    "single_leg_stand_abduction",
    "prone_leg_extension",
    "glute_bridge",
    "single_leg_bridge",
    "long_lever_bridge",
    "isometric_bridge_hold",
    "isometric_heel_dig",
    "romanian_deadlift",
    "single_leg_rdl",
    "leg_curl_machine",
    "slider_curl",
    "kettlebell_swing",
    "lunge_walk",
    "pool_kickboard_laps",
    "cycling_clip_in",
    "skipping_drill",
    "leg_swings",
    "hamstring_scoops",
    "high_knees",
    "butt_kicks",
    "ball_rolling",
    "hamstring_stretch_standing",
    "hamstring_stretch_supine",
    "active_isolated_stretching",
    "hip_flexor_stretch",
    "askling_extender",
    "askling_diver",
    "askling_glider",
    "pats_agility",
    "side_steps",
    "trunk_bridges",
    "walk_jog",
    "easy_run",
    "long_run",
    "race",
}
STATIC_STRETCHES = ("hamstring_stretch_standing", "hamstring_stretch_supine", "active_isolated_stretching")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue_file()


def _set_numbers(dose: Dose) -> list[int]:
    numbers: list[int] = []
    for value in dose_to_dict(dose).values():
        numbers += value if isinstance(value, list) else [value]
    return numbers


# ---------------------------------------------------------------- the shipped file


def test_the_file_has_exactly_the_42_agreed_exercises(catalogue: Catalogue) -> None:
    slugs = [e.slug for e in catalogue.exercises]
    assert catalogue.version == 1
    assert len(slugs) == 42
    assert set(slugs) == EXPECTED_SLUGS


def test_every_exercise_has_a_positive_dose_cues_and_a_source(catalogue: Catalogue) -> None:
    for e in catalogue.exercises:
        numbers = _set_numbers(e.default_dose)
        assert numbers, e.slug
        assert all(n > 0 for n in numbers), e.slug
        assert e.frequency.value > 0, e.slug
        assert e.cues and all(c.strip() for c in e.cues), e.slug
        assert e.source.strip(), e.slug
        assert e.description.strip(), e.slug


def test_every_variant_resolves_to_another_exercise(catalogue: Catalogue) -> None:
    for e in catalogue.exercises:
        for target in (e.easier, e.harder):
            if target is not None:
                assert target in catalogue, (e.slug, target)
                assert target != e.slug


@pytest.mark.parametrize(
    ("slug", "easier", "harder"),
    [
        ("nordic_curl", "nordic_curl_band_assisted", None),
        ("nordic_curl_band_assisted", None, "nordic_curl"),
        ("single_leg_bridge", "glute_bridge", None),
        ("single_leg_squat_rotation", "single_leg_squat", None),
        ("single_leg_rdl", "romanian_deadlift", None),  # domain §10 regression: bilateral RDL
        ("slider_curl", "long_lever_bridge", "nordic_curl"),
    ],
)
def test_variants_follow_the_domain_progression_columns(
    catalogue: Catalogue, slug: str, easier: str | None, harder: str | None
) -> None:
    assert (catalogue[slug].easier, catalogue[slug].harder) == (easier, harder)


def test_askling_frequencies_are_exactly_as_published(catalogue: Catalogue) -> None:
    # Askling 2013: Extender twice every day, Diver every other day, Glider every third day.
    assert (catalogue["askling_extender"].frequency.kind, catalogue["askling_extender"].frequency.value) == (
        "per_day",
        2,
    )
    assert (catalogue["askling_diver"].frequency.kind, catalogue["askling_diver"].frequency.value) == (
        "every_n_days",
        2,
    )
    assert (catalogue["askling_glider"].frequency.kind, catalogue["askling_glider"].frequency.value) == (
        "every_n_days",
        3,
    )
    assert catalogue["askling_extender"].default_dose == Dose(sets=3, reps=12)
    assert catalogue["askling_diver"].default_dose == Dose(sets=3, reps=6)
    assert catalogue["askling_glider"].default_dose == Dose(sets=3, reps=4)


def test_pool_and_bike_start_at_the_seed_minimum_three_times_a_week(catalogue: Catalogue) -> None:
    pool, bike = catalogue["pool_kickboard_laps"], catalogue["cycling_clip_in"]
    assert pool.dosing == "laps" and pool.default_dose == Dose(laps=5)
    assert bike.dosing == "minutes" and bike.default_dose == Dose(minutes=5)
    for e in (pool, bike):
        assert (e.frequency.kind, e.frequency.value) == ("per_week", 3)
    assert pool.equipment == {"pool", "kickboard"}
    assert bike.equipment == {"bike"}


def test_nordic_starts_at_petersen_week_one(catalogue: Catalogue) -> None:
    nordic = catalogue["nordic_curl"]
    assert nordic.default_dose == Dose(sets=2, reps=5)
    assert (nordic.frequency.kind, nordic.frequency.value) == ("per_week", 1)
    assert nordic.equipment == {"partner_or_anchor"}
    assert nordic.evidence_level == "RCT"


def test_walk_jog_starts_at_a_quarter_pace(catalogue: Catalogue) -> None:
    dose = catalogue["walk_jog"].default_dose
    assert catalogue["walk_jog"].dosing == "intervals"
    assert dose.pace_percent == 25 and dose.metres and dose.intervals


@pytest.mark.parametrize(
    ("slug", "equipment"),
    [
        ("slider_curl", {"sliders"}),
        ("romanian_deadlift", {"dumbbells"}),
        ("kettlebell_swing", {"kettlebell"}),
        ("leg_curl_machine", {"gym_machine"}),
        ("long_lever_bridge", {"step"}),
        ("ball_rolling", {"ball_or_roller"}),
        ("askling_glider", set()),
        ("single_leg_rdl", set()),
        ("glute_bridge", set()),
        ("single_leg_stand", set()),
    ],
)
def test_equipment_lists_only_what_the_exercise_cannot_do_without(
    catalogue: Catalogue, slug: str, equipment: set[str]
) -> None:
    assert catalogue[slug].equipment == equipment


def test_no_nordic_static_stretch_or_heavy_hinge_in_an_acute_strain_early_phase(catalogue: Catalogue) -> None:
    # docs/design.md §5 and docs/clinical-sources.md §10.1 (Heiderscheit 2010; Aspetar introduces Nordics at stage 3).
    must_carry = {
        "nordic_curl",
        "nordic_curl_band_assisted",
        "slider_curl",
        "kettlebell_swing",
        "romanian_deadlift",
        "single_leg_rdl",
        "long_lever_bridge",
        "hip_flexor_stretch",
        *STATIC_STRETCHES,
    }
    tagged = {e.slug for e in catalogue.exercises if "acute_strain_early" in e.contraindications}
    assert must_carry <= tagged
    for e in catalogue.exercises:
        if e.category == "stretch":
            assert "acute_strain_early" in e.contraindications, e.slug


def test_no_deep_hip_flexion_loading_or_stretching_in_early_tendinopathy(catalogue: Catalogue) -> None:
    # Goom 2016 (docs/clinical-sources.md §8): defer RDLs, swings, lunges, Nordics and hamstring stretching.
    must_carry = {
        "romanian_deadlift",
        "single_leg_rdl",
        "kettlebell_swing",
        "lunge_walk",
        "nordic_curl",
        "nordic_curl_band_assisted",
        *STATIC_STRETCHES,
    }
    tagged = {e.slug for e in catalogue.exercises if "proximal_tendinopathy_early" in e.contraindications}
    assert must_carry <= tagged


def test_unconfirmed_doses_say_they_are_conservative_defaults(catalogue: Catalogue) -> None:
    unconfirmed = [e for e in catalogue.exercises if e.evidence_level == "unconfirmed"]
    assert unconfirmed
    for e in unconfirmed:
        assert "conservative default" in e.source, e.slug


def test_vocabularies_are_respected(catalogue: Catalogue) -> None:
    for e in catalogue.exercises:
        assert e.equipment <= set(EQUIPMENT_SLUGS)
        assert e.contraindications <= set(CONTRAINDICATION_TAGS)


def test_the_default_file_is_cached_and_other_paths_are_not(tmp_path: Path) -> None:
    assert load_catalogue_file() is load_catalogue_file(DEFAULT_CATALOGUE_PATH)
    copy_path = tmp_path / "copy.yaml"
    copy_path.write_text(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    first, second = load_catalogue_file(copy_path), load_catalogue_file(copy_path)
    assert first is not second
    assert first == load_catalogue_file()


def test_the_plain_data_form_round_trips(catalogue: Catalogue) -> None:
    assert parse_catalogue(catalogue_to_dict(catalogue)) == catalogue


# ---------------------------------------------------------------- dose helpers


def test_dose_dict_keeps_only_set_fields_and_reps_lists() -> None:
    dose = Dose(sets=3, reps=(12, 10, 8))
    assert dose_to_dict(dose) == {"sets": 3, "reps": [12, 10, 8]}
    assert dose_from_dict({"sets": 3, "reps": [12, 10, 8]}, "sets_reps") == dose


@pytest.mark.parametrize(
    ("data", "dosing", "message"),
    [
        ({"sets": 0, "reps": 5}, "sets_reps", "sets must be greater than zero"),
        ({"sets": 2, "reps": -5}, "sets_reps", "reps must be greater than zero"),
        ({"sets": 2, "reps": 2.5}, "sets_reps", "reps must be a whole number"),
        ({"sets": True, "reps": 5}, "sets_reps", "sets must be a whole number"),
        ({"sets": 2, "reps": [10, 8, 6]}, "sets_reps", "reps lists 3 sets but sets is 2"),
        ({"sets": 2, "reps": []}, "sets_reps", "reps list is empty"),
        ({"sets": 2}, "sets_reps", "needs reps"),
        ({"minutes": 5, "reps": 3}, "minutes", "does not use reps"),
        ({"laps": 5, "weight": 3}, "laps", "unknown dose field(s) 'weight'"),
        ({"intervals": 6, "metres": 30, "pace_percent": 120}, "intervals", "at most 100"),
    ],
)
def test_dose_from_dict_rejects_bad_doses(data: dict[str, Any], dosing: str, message: str) -> None:
    with pytest.raises(ValueError) as exc_info:
        dose_from_dict(data, dosing)
    assert message in str(exc_info.value)


# ---------------------------------------------------------------- parser errors


def _break(mutate: Any, data: dict[str, Any]) -> dict[str, Any]:
    mutate(data)
    return data


BREAKAGES: list[tuple[str, Any, str | int | None, str | None, str]] = [
    (
        "unknown equipment",
        lambda d: row(d, "nordic_curl").update(equipment=["rope"]),
        "nordic_curl",
        "equipment",
        "catalogue: exercise 'nordic_curl', field 'equipment': unknown equipment 'rope'",
    ),
    (
        "unknown category",
        lambda d: row(d, "glute_bridge").update(category="cardio"),
        "glute_bridge",
        "category",
        "unknown category 'cardio'",
    ),
    (
        "unknown dosing",
        lambda d: row(d, "glute_bridge").update(dosing="reps_only"),
        "glute_bridge",
        "dosing",
        "unknown dosing kind 'reps_only'",
    ),
    (
        "unknown frequency kind",
        lambda d: row(d, "askling_diver").update(frequency={"kind": "per_month", "value": 1}),
        "askling_diver",
        "frequency",
        "unknown frequency kind 'per_month'",
    ),
    (
        "zero frequency",
        lambda d: row(d, "askling_diver").update(frequency={"kind": "every_n_days", "value": 0}),
        "askling_diver",
        "frequency",
        "greater than zero",
    ),
    (
        "eight times a week",
        lambda d: row(d, "glute_bridge").update(frequency={"kind": "per_week", "value": 8}),
        "glute_bridge",
        "frequency",
        "per_week is at most 7",
    ),
    (
        "unknown contraindication",
        lambda d: row(d, "romanian_deadlift").update(contraindications=["pregnancy"]),
        "romanian_deadlift",
        "contraindications",
        "unknown contraindication 'pregnancy'",
    ),
    (
        "unknown evidence level",
        lambda d: row(d, "nordic_curl").update(evidence_level="anecdote"),
        "nordic_curl",
        "evidence_level",
        "unknown evidence level 'anecdote'",
    ),
    (
        "duplicate slug",
        lambda d: d["exercises"].append(dict(row(d, "glute_bridge"))),
        "glute_bridge",
        "slug",
        "duplicate slug",
    ),
    (
        "variant pointing nowhere",
        lambda d: row(d, "nordic_curl").update(easier="nordic_on_ball"),
        "nordic_curl",
        "easier",
        "variant 'nordic_on_ball' is not in the catalogue",
    ),
    (
        "variant pointing to itself",
        lambda d: row(d, "slider_curl").update(harder="slider_curl"),
        "slider_curl",
        "harder",
        "cannot point to the exercise itself",
    ),
    (
        "negative dose",
        lambda d: row(d, "askling_glider").update(default_dose={"sets": 3, "reps": -4}),
        "askling_glider",
        "default_dose",
        "reps must be greater than zero, got -4",
    ),
    (
        "zero sets",
        lambda d: row(d, "nordic_curl").update(default_dose={"sets": 0, "reps": 5}),
        "nordic_curl",
        "default_dose",
        "sets must be greater than zero, got 0",
    ),
    (
        "dose field that does not fit the dosing kind",
        lambda d: row(d, "pool_kickboard_laps").update(default_dose={"laps": 5, "minutes": 10}),
        "pool_kickboard_laps",
        "default_dose",
        "dosing 'laps' does not use minutes",
    ),
    (
        "missing dose field",
        lambda d: row(d, "walk_jog").update(default_dose={"intervals": 6}),
        "walk_jog",
        "default_dose",
        "dosing 'intervals' needs metres",
    ),
    (
        "missing required field",
        lambda d: row(d, "high_knees").pop("cues"),
        "high_knees",
        "cues",
        "is required",
    ),
    (
        "empty cues",
        lambda d: row(d, "high_knees").update(cues=[]),
        "high_knees",
        "cues",
        "at least one",
    ),
    (
        "misspelt field",
        lambda d: row(d, "butt_kicks").update(equipement=["mat"]),
        "butt_kicks",
        "equipement",
        "unknown field",
    ),
    (
        "bad slug",
        lambda d: d["exercises"][3].update(slug="Single Leg Stand"),
        3,
        "slug",
        "catalogue: exercise #3, field 'slug'",
    ),
    (
        "bad version",
        lambda d: d.update(version=2),
        None,
        "version",
        "catalogue: field 'version': unsupported version 2",
    ),
    (
        "missing version",
        lambda d: d.pop("version"),
        None,
        "version",
        "unsupported version None",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "exercise", "field", "message"),
    [b[1:] for b in BREAKAGES],
    ids=[b[0] for b in BREAKAGES],
)
def test_parse_names_the_exercise_and_field_of_the_problem(
    raw_catalogue: dict[str, Any], mutate: Any, exercise: str | int | None, field: str | None, message: str
) -> None:
    with pytest.raises(CatalogueError) as exc_info:
        parse_catalogue(_break(mutate, raw_catalogue))
    err = exc_info.value
    assert (err.exercise, err.field) == (exercise, field)
    assert message in str(err)
    if isinstance(exercise, str):
        assert f"exercise {exercise!r}" in str(err)
    assert f"field {field!r}" in str(err)


def test_parse_stops_at_the_first_problem(raw_catalogue: dict[str, Any]) -> None:
    raw_catalogue["exercises"][0]["equipment"] = ["rope"]
    raw_catalogue["exercises"][-1]["category"] = "cardio"
    with pytest.raises(CatalogueError) as exc_info:
        parse_catalogue(raw_catalogue)
    assert exc_info.value.exercise == raw_catalogue["exercises"][0]["slug"]


def test_a_reps_list_per_set_is_accepted(raw_catalogue: dict[str, Any]) -> None:
    row(raw_catalogue, "nordic_curl")["default_dose"] = {"sets": 3, "reps": [12, 10, 8]}
    assert parse_catalogue(raw_catalogue)["nordic_curl"].default_dose == Dose(sets=3, reps=(12, 10, 8))


def test_invalid_yaml_and_missing_files_are_catalogue_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nexercises: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML"):
        load_catalogue_file(broken)
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue_file(tmp_path / "absent.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CatalogueError, match="mapping"):
        load_catalogue_file(empty)
