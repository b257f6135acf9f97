"""Pathway templates: they load, agree with the real catalogue, keep the safety tags, and are chosen by the rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from exercises.catalogue import Dose
from programs.clinical.pathway_files import catalogue_problems, load_pathways
from programs.clinical.pathways import DEFAULT_PATHWAYS_DIR, PathwayError, choose_pathway
from tests.programs.strategies import catalogue, make_intake, pathways, symptomatic

EXPECTED = {"overuse_ache", "post_race_stabilisers", "acute_strain", "proximal_tendinopathy", "prevention"}


def test_all_five_pathways_load_with_sources_and_pain_limits() -> None:
    loaded = load_pathways()
    assert set(loaded) == EXPECTED
    for pathway in loaded.values():
        assert pathway.source and pathway.version == 1
        assert pathway.pain_limits.zone_ok_max <= pathway.pain_limits.during
    assert loaded["acute_strain"].pain_limits.during == 2  # Aspetar (docs/design.md §5)
    assert loaded["proximal_tendinopathy"].pain_limits.during == 5  # Silbernagel/Goom with morning settling
    assert loaded["proximal_tendinopathy"].pain_limits.morning_must_settle


def test_every_exercise_exists_in_the_real_catalogue_and_no_phase_lists_a_forbidden_one() -> None:
    for pathway in pathways().values():
        assert catalogue_problems(pathway, catalogue()) == []


def test_safety_tags_are_where_design_md_puts_them() -> None:
    acute = pathways()["acute_strain"]
    assert [p.slug for p in acute.phases if "acute_strain_early" in p.forbidden_tags] == ["protect", "walk_jog"]
    nordic_phases = [p.slug for p in acute.phases if any(i.exercise == "nordic_curl" for i in p.items)]
    assert nordic_phases == ["strength", "return"]  # no Nordics before the strength stage
    pht = pathways()["proximal_tendinopathy"]
    assert [p.slug for p in pht.phases if "proximal_tendinopathy_early" in p.forbidden_tags] == [
        "isometric",
        "heavy_slow",
    ]


def test_gated_phases_ask_plain_questions() -> None:
    acute = pathways()["acute_strain"]
    protect = acute.phase("protect")
    assert "Can you walk with a normal stride without pain?" in protect.exit_criteria
    assert all(q.endswith("?") for p in acute.phases for q in p.exit_criteria)


def test_petersen_table_is_the_data_of_domain_md() -> None:
    rule = pathways()["prevention"].phase("nordic_programme").items[0].rule
    assert rule.kind == "table"
    assert rule.per_week == (1, 2, 3, 3, 3, 3, 3, 3, 3, 3)
    assert rule.ladder[:4] == (Dose(sets=2, reps=5), Dose(sets=2, reps=6), Dose(sets=3, reps=6), Dose(sets=3, reps=8))
    assert set(rule.ladder[4:]) == {Dose(sets=3, reps=(12, 10, 8))}
    assert rule.then == Dose(sets=3, reps=(12, 10, 8)) and rule.then_per_week == 1
    assert sum(rule.per_week) == 27  # "27 sessions in 10 weeks" (Petersen 2011)
    assert "lower bound" in rule.row_notes[2] and "lower bound" in rule.row_notes[3]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "prevention"),
        ({"onset": "sudden"}, "acute_strain"),
        ({"location": "sit_bone"}, "proximal_tendinopathy"),
        ({"worse_when": frozenset({"sitting"})}, "proximal_tendinopathy"),
        ({"worse_when": frozenset({"after_races"})}, "post_race_stabilisers"),
        ({"worse_when": frozenset({"long_runs"})}, "overuse_ache"),
        ({"onset": "sudden", "location": "sit_bone"}, "acute_strain"),  # sudden onset comes first
    ],
)
def test_choose_pathway(fields: dict, expected: str) -> None:
    intake = make_intake() if not fields else symptomatic(make_intake(), **fields)
    slug, reason = choose_pathway(intake)
    assert slug == expected
    assert len(reason) > 60  # a plain-language sentence, stored in the plan as pathway_reason
    if expected in {"acute_strain", "proximal_tendinopathy"}:
        assert "not a diagnosis" in reason.lower()


def _write(tmp_path: Path, data: dict) -> Path:
    (tmp_path / f"{data['slug']}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return tmp_path


def _template() -> dict:
    return yaml.safe_load((DEFAULT_PATHWAYS_DIR / "prevention.yaml").read_text(encoding="utf-8"))


def test_bad_template_names_pathway_phase_and_field(tmp_path: Path) -> None:
    data = _template()
    data["phases"][0]["sessions"][0]["items"][0]["rule"]["rows"][1]["weeks"] = [3, 3]
    with pytest.raises(PathwayError, match=r"pathway 'prevention', phase 'nordic_programme', field 'rule.rows'"):
        load_pathways(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("source"), "source"),
        (lambda d: d["phases"][0].update(forbidden_tags=["no_such_tag"]), "forbidden_tags"),
        (lambda d: d["phases"][0].update(running="sprint"), "running"),
        (lambda d: d["phases"][0]["sessions"][0]["items"][1].update(frequency={"per_week": 8}), "frequency"),
        (lambda d: d["phases"][0]["sessions"][0]["items"][1].update(dose={"sets": 0, "reps": 8}), "dose"),
        (lambda d: d["phases"][0]["sessions"][0]["items"][1].update(why="Hip control (seed 002)"), "why.*'seed 002'"),
        (lambda d: d["phases"][0]["sessions"][0]["items"][1].update(why="Squats (Aspetar)"), "single_leg_squat.why"),
        (lambda d: d["phases"][0]["sessions"][0]["items"][1].update(only_if="tall"), "single_leg_squat.only_if"),
    ],
)
def test_template_errors(tmp_path: Path, mutate, field: str) -> None:
    data = _template()
    mutate(data)
    with pytest.raises(PathwayError, match=field):
        load_pathways(_write(tmp_path, data))


def test_default_directory_is_cached_and_copies_are_returned() -> None:
    first, second = load_pathways(), load_pathways()
    assert first == second and first is not second
    assert first["prevention"] is second["prevention"]


def test_every_nordic_has_an_eccentric_fallback_without_equipment() -> None:
    for pathway in pathways().values():
        for phase in pathway.phases:
            for item in phase.items:
                if item.exercise == "nordic_curl":
                    no_kit = [a for a in item.alternatives if not catalogue()[a.exercise].equipment]
                    assert no_kit, (pathway.slug, phase.slug)
                    assert catalogue()[no_kit[0].exercise].category == "eccentric", (pathway.slug, phase.slug)
