"""What the generator is fed: the catalogue and pathway versions a plan is pinned to, and the configured rules.

New plans are generated from the latest loaded catalogue (what the admin shows) and the shipped pathway templates;
a stored plan is always regenerated from the versions it was created with, so editing a template or the catalogue
never changes an active plan by itself (`programs.services.plans.plan_upgrade` moves it on, on purpose).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from exercises.catalogue import Catalogue, load_catalogue_file
from exercises.models import CatalogueVersion
from programs.clinical import types as domain
from programs.clinical.edits import NO_EDITS, ProgramEdits, edits_from_dict
from programs.clinical.generator import generate_plan
from programs.clinical.pathways import Pathway, load_pathways, pathway_source
from programs.clinical.rules import RulesConfig
from programs.clinical.state_json import pain_limits_from_dict
from programs.models import PathwayVersion, Plan
from programs.selectors.versions import catalogue_of, pathway_of
from programs.services.plan_sync import CatalogueMismatchError


@cache
def catalogue() -> Catalogue:
    """The catalogue file, for generation without a database (the generate_plan command, benchmarks)."""
    return load_catalogue_file()


@cache
def pathways() -> Mapping[str, Pathway]:
    return load_pathways()


def rules_config() -> RulesConfig:
    """Running-load defaults from settings (environment), documented in programs.clinical.rules.RulesConfig."""
    return dataclasses.replace(
        RulesConfig(),
        weekly_distance_step=settings.REHAB_WEEKLY_DISTANCE_STEP,
        two_week_distance_limit=settings.REHAB_TWO_WEEK_DISTANCE_LIMIT,
        lighter_week_every=settings.REHAB_LIGHTER_WEEK_EVERY,
    )


def generate(
    intake: domain.Intake,
    *,
    start: dt.date,
    weeks: int,
    state: domain.PlanState = domain.INITIAL_STATE,
    pain_limits: domain.PainLimits | None = None,
    catalogue_used: Catalogue | None = None,
    pathways_used: Mapping[str, Pathway] | None = None,
    pathway: str | None = None,
    edits: ProgramEdits = NO_EDITS,
) -> domain.Plan:
    """The pure generator fed with a catalogue and pathways (the shipped files unless given) and the configured
    rules; `pathway` in place of the one the intake's rules choose and `edits` (a physio's choices). Writes nothing."""
    return generate_plan(
        intake,
        start=start,
        weeks=weeks,
        catalogue=catalogue_used or catalogue(),
        pathways=pathways_used or pathways(),
        config=rules_config(),
        state=state,
        pain_limits=pain_limits,
        pathway=pathway,
        edits=edits,
    )


def _checksum(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def catalogue_version_latest() -> CatalogueVersion:
    version = CatalogueVersion.objects.defer("data").latest_loaded()
    if version is None:
        raise CatalogueMismatchError("No exercise catalogue is loaded. Run `manage.py load_catalogue`.")
    return version


@cache
def _source_checksum(slug: str) -> str:
    return _checksum(pathway_source(slug))  # the shipped files are read once per process


def pathway_version_current(slug: str) -> PathwayVersion:
    """The shipped template's current content as a PathwayVersion, recorded the first time a plan uses it."""
    data = pathway_source(slug)
    checksum = _source_checksum(slug)
    found = PathwayVersion.objects.defer("data").filter(slug=slug, checksum=checksum).first()
    if found is not None:
        return found
    number = (PathwayVersion.objects.filter(slug=slug).aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            return PathwayVersion.objects.create(slug=slug, number=number, checksum=checksum, data=data)
    except IntegrityError:  # another plan recorded it at the same moment
        return PathwayVersion.objects.get(slug=slug, checksum=checksum)


def generate_for(
    plan: Plan, intake: domain.Intake, *, state: domain.PlanState, start: dt.date | None = None
) -> domain.Plan:
    """Regenerate a stored plan from the versions it is pinned to, on the pathway it follows (the one the intake's
    rules chose, or the one a physio assigned), with the physio's program edits (`Plan.program_edits`)."""
    catalogue_used, pathways_used = pinned_inputs(plan)
    return generate(
        intake,
        start=start or plan.start,
        weeks=plan.weeks,
        state=state,
        pain_limits=pain_limits_from_dict(plan.pain_limits),
        catalogue_used=catalogue_used,
        pathways_used=pathways_used,
        pathway=plan.pathway or None,
        edits=edits_of(plan),
    )


def edits_of(plan: Plan) -> ProgramEdits:
    """The physio's edits a stored plan follows (validated when they were saved)."""
    return edits_from_dict(plan.program_edits)


def pinned_inputs(plan: Plan) -> tuple[Catalogue, dict[str, Pathway]]:
    """The catalogue a stored plan is pinned to, and the shipped pathways with the plan's pinned version in place of
    its template (the generator looks the pathway up by the slug it chooses from the intake)."""
    assert plan.catalogue_version is not None and plan.pathway_version is not None
    pathway = pathway_of(plan.pathway_version)
    return catalogue_of(plan.catalogue_version), {**pathways(), pathway.slug: pathway}
