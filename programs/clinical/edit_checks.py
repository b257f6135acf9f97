"""What a physio's edits may not do, checked before a plan is made from them (the services refuse with these words).
Pure."""

from __future__ import annotations

from exercises.catalogue import Catalogue, ExerciseSpec, dose_from_dict, dose_to_dict
from programs.clinical.edits import ADDABLE_KINDS, NEVER_TAGS, WEEKLY_RUNS, ProgramEdits
from programs.clinical.pathways import Pathway, Phase

_TAG_WORDS = {
    "acute_strain_early": "not safe early after a strain",
    "proximal_tendinopathy_early": "not safe early in sit-bone tendon pain",
    "neural_tension": "tensions the nerve",
    "lengthening_load": "loads the hamstring while it lengthens",
    "red_flag": "not safe while a red flag is open",
}


def _forbidding_phases(spec: ExerciseSpec, pathway: Pathway) -> list[Phase]:
    return [phase for phase in pathway.phases if spec.contraindications & phase.forbidden_tags]


def _tags_text(tags: frozenset[str]) -> str:
    return "; ".join(_TAG_WORDS.get(tag, tag.replace("_", " ")) for tag in sorted(tags))


def edit_problems(
    edits: ProgramEdits, *, catalogue: Catalogue, pathway: Pathway, equipment: frozenset[str] | None = None
) -> dict[str, list[str]]:
    """What is wrong with the edits for a plan on `pathway` (for a runner with `equipment`, when known), by field
    (dotted names inside the edits); empty when nothing is. Messages name exercises and stages by their names."""
    problems: dict[str, list[str]] = {}

    def problem(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    def spec_of(slug: str, name: str) -> ExerciseSpec | None:
        spec = catalogue.by_slug.get(slug)
        if spec is None:
            problem(name, f"There is no exercise “{slug}” in the library.")
        return spec

    for slug in sorted(edits.removed):
        spec = spec_of(slug, "removed")
        if spec is not None and slug in WEEKLY_RUNS:
            problem("removed", f"{spec.name}: set running with the weekly distance and runs caps instead.")
    for slug in edits.order:
        spec_of(slug, "order")
    for slug, dose in edits.doses.items():
        spec = spec_of(slug, f"doses.{slug}")
        if spec is not None and slug in WEEKLY_RUNS:
            problem(f"doses.{slug}", f"{spec.name}: set running with the weekly distance and runs caps instead.")
        elif spec is not None:
            try:
                dose_from_dict(dose_to_dict(dose), spec.dosing)
            except ValueError as exc:
                problem(f"doses.{slug}", f"{spec.name}: {exc}.")
    seen: set[str] = set()
    for i, added in enumerate(edits.added):
        spec = spec_of(added.exercise, f"added.{i}.exercise")
        if added.kind not in ADDABLE_KINDS:
            problem(
                f"added.{i}.kind",
                f"An exercise joins a {', '.join(ADDABLE_KINDS[:-1])} or {ADDABLE_KINDS[-1]} session.",
            )
        if spec is None:
            continue
        if added.exercise in seen:
            problem(f"added.{i}.exercise", f"{spec.name} is added twice.")
        seen.add(added.exercise)
        if spec.category == "running":
            problem(f"added.{i}.exercise", f"{spec.name} is running: set running with the weekly caps instead.")
        try:
            dose_from_dict(dose_to_dict(added.dose), spec.dosing)
        except ValueError as exc:
            problem(f"added.{i}.dose", f"{spec.name}: {exc}.")
        if spec.contraindications & NEVER_TAGS:
            problem(f"added.{i}.exercise", f"{spec.name} is never prescribed while a red flag is open.")
            continue
        if equipment is not None and not spec.equipment <= equipment:
            missing = ", ".join(sorted(m.replace("_", " ") for m in spec.equipment - equipment))
            problem(f"added.{i}.exercise", f"{spec.name} needs equipment the runner does not have: {missing}.")
        if added.exercise not in edits.overrides:
            for phase in _forbidding_phases(spec, pathway):
                problem(
                    f"added.{i}.exercise",
                    f"{spec.name} is left out of the {phase.name} stage "
                    f"({_tags_text(spec.contraindications & phase.forbidden_tags)}). "
                    "To prescribe it there, record why as an override.",
                )
    added_slugs = {a.exercise for a in edits.added}
    for slug, reason in edits.overrides.items():
        spec = spec_of(slug, f"overrides.{slug}")
        if spec is None:
            continue
        if slug not in added_slugs:
            problem(f"overrides.{slug}", f"{spec.name} is not among the exercises you add.")
        if not reason.strip():
            problem(f"overrides.{slug}", f"Say why you prescribe {spec.name} where the stage leaves it out.")
    if edits.pain_limit is not None and not 0 <= edits.pain_limit <= 10:
        problem("pain_limit", "The pain limit is a whole number from 0 to 10.")
    if edits.weekly_distance_cap is not None and edits.weekly_distance_cap <= 0:
        problem("weekly_distance_cap", "The weekly distance cap is more than 0 (to stop running, set 0 runs a week).")
    if edits.max_runs is not None and not 0 <= edits.max_runs <= 7:
        problem("max_runs", "Runs a week are from 0 to 7.")
    return problems
