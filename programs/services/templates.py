"""A physio's own program templates: a pathway, a length and their settings for it, to assign to patients.

What a template sets (`ProgramTemplate.program`) is a physio's program edits (`programs.clinical.edits`, as
`edits_to_dict`), validated as an assigned plan's are; anything else is refused, so a template never promises a change
that no plan would carry out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from programs.clinical import types as domain
from programs.clinical.config import MAX_PLAN_WEEKS
from programs.clinical.edit_checks import edit_problems
from programs.clinical.edits import EditsFormatError, ProgramEdits, edits_from_dict, edits_to_dict
from programs.clinical.pathways import Pathway
from programs.models import ProgramTemplate
from programs.services.generation import catalogue, pathways

# What a template's `program` may set: the edits' fields (programs.clinical.edits.ProgramEdits). `pain_limit`: the highest
# acceptable pain (0-10) during and after exercise, in place of the pathway's own (docs/design.md §5: 2/10 by default
# for an acute strain, 5/10 for tendon pain, "editable by the physio"; Hickey 2020's 4/10 is the documented
# alternative for a strain).
TEMPLATE_SETTINGS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ProgramEdits))
NAME_TAKEN = "You already have a template with this name."


def template_pain_limits(program: Mapping[str, Any], pathway: Pathway) -> domain.PainLimits | None:
    """The pain limits a template sets for plans on `pathway`, or None for the pathway's own. The safe zone never
    reaches above the limit (PainLimits' invariant: zone_ok_max <= during)."""
    limit = program.get("pain_limit")
    if limit is None:
        return None
    base = pathway.pain_limits
    return dataclasses.replace(base, during=limit, after=limit, zone_ok_max=min(base.zone_ok_max, limit))


def _clean(*, name: str, pathway: str, weeks: int, program: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Give the template a name."
    if pathway not in pathways():
        errors["pathway"] = "There is no such program."
    if not 1 <= weeks <= MAX_PLAN_WEEKS:
        errors["weeks"] = f"A template runs for 1 to {MAX_PLAN_WEEKS} weeks."
    problems: list[str] = []
    try:
        edits = edits_from_dict(program)
    except EditsFormatError as exc:
        problems = [message for messages in exc.errors.values() for message in messages]
        edits = None
    if edits is not None and pathway in pathways():
        found = edit_problems(edits, catalogue=catalogue(), pathway=pathways()[pathway])
        problems = [message for messages in found.values() for message in messages]
    if problems:
        errors["program"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    assert edits is not None
    return {"name": name.strip(), "pathway": pathway, "weeks": weeks, "program": edits_to_dict(edits)}


def _save(template: ProgramTemplate, **fields: Any) -> ProgramTemplate:
    taken = ProgramTemplate.objects.filter(owner_id=template.owner_id, name__iexact=fields["name"])
    if taken.exclude(pk=template.pk).exists():
        raise ValidationError({"name": NAME_TAKEN})
    for field, value in fields.items():
        setattr(template, field, value)
    try:
        with transaction.atomic():  # a savepoint: the same name saved at the same moment is a field error, not a 500
            template.save()
    except IntegrityError:
        raise ValidationError({"name": NAME_TAKEN}) from None
    return template


@transaction.atomic
def template_create(
    *, owner: User, name: str, pathway: str, weeks: int, program: Mapping[str, Any], description: str = ""
) -> ProgramTemplate:
    """A new template of a physio's own. Names are unique per physio (case aside)."""
    if not owner.is_physio:
        raise PermissionDenied("Only a physiotherapist can keep program templates.")
    fields = _clean(name=name, pathway=pathway, weeks=weeks, program=program)
    return _save(ProgramTemplate(owner=owner), description=description.strip(), **fields)


@transaction.atomic
def template_update(*, template: ProgramTemplate, by: User, **changes: Any) -> ProgramTemplate:
    """Change any of name, description, pathway, weeks and program. Plans already assigned from it stay as they
    are: a plan keeps the pathway version and pain limits it was made with."""
    if template.owner_id != by.pk:
        raise PermissionDenied("Only the physio who made this template can change it.")
    unknown = set(changes) - {"name", "description", "pathway", "weeks", "program"}
    if unknown:
        raise TypeError(f"template_update() got unexpected fields {sorted(unknown)}")
    current = {f: getattr(template, f) for f in ("name", "pathway", "weeks", "program")}
    fields = _clean(**{**current, **{k: v for k, v in changes.items() if k != "description"}})
    description = changes.get("description", template.description)
    return _save(template, description=description.strip(), **fields)


@transaction.atomic
def template_delete(*, template: ProgramTemplate, by: User) -> None:
    """Delete a template. Plans assigned from it keep everything they were made with."""
    if template.owner_id != by.pk:
        raise PermissionDenied("Only the physio who made this template can delete it.")
    template.delete()
