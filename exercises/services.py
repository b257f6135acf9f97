"""Writes to the exercise catalogue tables. The only code that creates, changes or deletes exercises."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from exercises.catalogue import EQUIPMENT_SLUGS, Catalogue, ExerciseSpec, dose_to_dict
from exercises.catalogue_file import catalogue_to_dict, parse_catalogue
from exercises.models import CatalogueVersion, Equipment, Exercise

# Human names for `catalogue.EQUIPMENT_SLUGS` (docs/design.md §3).
EQUIPMENT_NAMES: dict[str, str] = {
    "mat": "Exercise mat",
    "pool": "Swimming pool",
    "kickboard": "Kickboard",
    "bike": "Bike with clip-in pedals",
    "partner_or_anchor": "Partner or fixed anchor for the ankles",
    "band": "Resistance band",
    "sliders": "Sliders (or a towel on a smooth floor)",
    "dumbbells": "Dumbbells",
    "kettlebell": "Kettlebell",
    "gym_machine": "Gym machine (leg curl or cable)",
    "step": "Step or bench",
    "ball_or_roller": "Massage ball or foam roller",
    "mirror": "Full-length mirror",
}

# Plain fields the loader owns; compared one by one so unchanged rows cost no UPDATE.
_SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "category",
    "description",
    "dosing",
    "default_dose",
    "frequency_kind",
    "frequency_value",
    "cues",
    "common_mistakes",
    "contraindications",
    "evidence_level",
    "source",
    "per_side",
    "catalogue_version",
    "is_active",
)


@dataclass(frozen=True)
class LoadReport:
    """What `catalogue_load` did, by exercise slug."""

    version: int
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    deactivated: tuple[str, ...] = ()
    new_version: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.deactivated or self.new_version)

    def summary(self) -> str:
        return (
            f"catalogue v{self.version}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deleted)} deleted, {len(self.deactivated)} deactivated"
        )


def _row_values(spec: ExerciseSpec, version: int) -> dict[str, Any]:
    return {
        "name": spec.name,
        "category": spec.category,
        "description": spec.description,
        "dosing": spec.dosing,
        "default_dose": dose_to_dict(spec.default_dose),
        "frequency_kind": spec.frequency.kind,
        "frequency_value": spec.frequency.value,
        "cues": list(spec.cues),
        "common_mistakes": list(spec.common_mistakes),
        "contraindications": sorted(spec.contraindications),
        "evidence_level": spec.evidence_level,
        "source": spec.source,
        "per_side": spec.per_side,
        "catalogue_version": version,
        "is_active": True,
    }


def _protecting_relations(model: type[models.Model]) -> list[Any]:
    """Relations whose rows block deleting an exercise (e.g. a plan's `Prescription`, on_delete=PROTECT)."""
    return [
        rel
        for rel in model._meta.related_objects
        if rel.on_delete in (models.PROTECT, models.RESTRICT) and rel.related_model is not model
    ]


def _is_referenced(obj: models.Model, relations: list[Any]) -> bool:
    return any(rel.related_model._base_manager.filter(**{rel.field.name: obj.pk}).exists() for rel in relations)


def _sync_equipment(equipment_model: type[Any]) -> dict[str, int]:
    existing = {e.slug: e for e in equipment_model._base_manager.all()}
    new = [equipment_model(slug=s, name=EQUIPMENT_NAMES[s]) for s in EQUIPMENT_SLUGS if s not in existing]
    renamed = [e for s, e in existing.items() if s in EQUIPMENT_NAMES and e.name != EQUIPMENT_NAMES[s]]
    for e in renamed:
        e.name = EQUIPMENT_NAMES[e.slug]
    stale = [e.pk for s, e in existing.items() if s not in EQUIPMENT_NAMES]
    if new:
        equipment_model._base_manager.bulk_create(new)
    if renamed:
        equipment_model._base_manager.bulk_update(renamed, ["name"])
    if stale:
        equipment_model._base_manager.filter(pk__in=stale).delete()
    if new or stale:
        existing = {e.slug: e for e in equipment_model._base_manager.all()}
    return {s: e.pk for s, e in existing.items()}


def catalogue_checksum(catalogue: Catalogue) -> str:
    """Identifies a catalogue's content: equal catalogues, equal checksums."""
    return hashlib.sha256(json.dumps(catalogue_to_dict(catalogue), sort_keys=True).encode()).hexdigest()


def _pinned_slugs() -> set[str]:
    """Exercises of catalogue versions that a plan still pins: a replan of that plan may prescribe them again."""
    relations = _protecting_relations(CatalogueVersion)
    return {
        row["slug"]
        for version in CatalogueVersion.objects.all()
        if _is_referenced(version, relations)
        for row in version.data["exercises"]
    }


def _catalogue_version_record(catalogue: Catalogue) -> bool:
    """Record what was loaded as a new CatalogueVersion unless the latest already has this content."""
    checksum = catalogue_checksum(catalogue)
    latest = CatalogueVersion.objects.latest_loaded()
    if latest is not None and latest.checksum == checksum:
        return False
    CatalogueVersion.objects.create(
        number=(latest.number + 1) if latest else 1, checksum=checksum, data=catalogue_to_dict(catalogue)
    )
    return True


def _retire(removed: list[Any], exercise_model: type[Any], keep: set[str]) -> tuple[list[str], list[str]]:
    """Delete exercises that left the file, unless something protects them: those are kept and deactivated."""
    relations = _protecting_relations(exercise_model)
    deleted: list[str] = []
    deactivated: list[str] = []
    for obj in removed:
        if obj.slug not in keep and not _is_referenced(obj, relations):
            try:
                with transaction.atomic():
                    obj.delete()
                deleted.append(obj.slug)
                continue
            except (models.ProtectedError, models.RestrictedError):
                pass  # a reference the relation scan did not see: keep the row
        if obj.is_active:
            exercise_model._base_manager.filter(pk=obj.pk).update(is_active=False)
            deactivated.append(obj.slug)
    return deleted, deactivated


@transaction.atomic
def catalogue_load(*, catalogue: Catalogue) -> LoadReport:
    """Make the Exercise and Equipment tables match `catalogue`; idempotent, all or nothing.

    The catalogue is validated again first (a hand-built `Catalogue` gets the same checks as the file), so bad
    data writes nothing. Unchanged rows are not written. An exercise that left the file is deleted only when no
    row protects it; one a plan still uses is kept with is_active=False, because a runner's history must keep
    pointing at what they were told to do, and so is one that a catalogue version pinned by a plan still lists.
    Each load whose content differs from the latest version records a new CatalogueVersion, which new plans use.
    """
    parse_catalogue(catalogue_to_dict(catalogue))

    equipment_ids = _sync_equipment(Equipment)
    manager = Exercise._base_manager
    existing = {e.slug: e for e in manager.prefetch_related("equipment")}

    created: list[str] = []
    updated: set[str] = set()
    to_create: list[Any] = []
    to_update: list[Any] = []
    changed_fields: set[str] = set()
    for spec in catalogue.exercises:
        values = _row_values(spec, catalogue.version)
        obj = existing.get(spec.slug)
        if obj is None:
            to_create.append(Exercise(slug=spec.slug, **values))
            created.append(spec.slug)
            continue
        diff = [k for k in _SCALAR_FIELDS if getattr(obj, k) != values[k]]
        if diff:
            for k in diff:
                setattr(obj, k, values[k])
            to_update.append(obj)
            changed_fields.update(diff)
            updated.add(spec.slug)
    if to_create:
        manager.bulk_create(to_create)
    if to_update:
        manager.bulk_update(to_update, sorted(changed_fields))

    if to_create:
        existing = {e.slug: e for e in manager.prefetch_related("equipment")}
    ids = {slug: e.pk for slug, e in existing.items()}
    through: Any = Exercise.equipment.through
    links_to_add: list[Any] = []
    variant_updates: list[Any] = []
    for spec in catalogue.exercises:
        obj = existing[spec.slug]
        want = {equipment_ids[s] for s in spec.equipment}
        have = {e.pk for e in obj.equipment.all()}
        if want != have:
            through._base_manager.filter(exercise_id=obj.pk).exclude(equipment_id__in=want).delete()
            links_to_add += [through(exercise_id=obj.pk, equipment_id=pk) for pk in want - have]
            updated.add(spec.slug)
        easier_id = ids[spec.easier] if spec.easier else None
        harder_id = ids[spec.harder] if spec.harder else None
        if (obj.easier_id, obj.harder_id) != (easier_id, harder_id):
            obj.easier_id, obj.harder_id = easier_id, harder_id
            variant_updates.append(obj)
            updated.add(spec.slug)
    if links_to_add:
        through._base_manager.bulk_create(links_to_add)
    if variant_updates:
        manager.bulk_update(variant_updates, ["easier", "harder"])

    in_file = {spec.slug for spec in catalogue.exercises}
    removed = [e for slug, e in sorted(existing.items()) if slug not in in_file]
    deleted, deactivated = _retire(removed, Exercise, _pinned_slugs() if removed else set())
    new_version = _catalogue_version_record(catalogue)

    created_set = set(created)
    return LoadReport(
        version=catalogue.version,
        created=tuple(created),
        updated=tuple(s.slug for s in catalogue.exercises if s.slug in updated and s.slug not in created_set),
        unchanged=tuple(s.slug for s in catalogue.exercises if s.slug not in updated and s.slug not in created_set),
        deleted=tuple(deleted),
        deactivated=tuple(deactivated),
        new_version=new_version,
    )
