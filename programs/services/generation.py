"""What the generator is fed: the catalogue and pathway versions and the rules config a plan is pinned to.

New plans are generated from the latest loaded catalogue (what the admin shows), the shipped pathway templates and
the rules config of the settings (environment); a stored plan is always regenerated from the versions and the config
it was created with, so editing a template, the catalogue or a default never changes an active plan by itself
(`programs.services.plans.plan_upgrade` moves it on, on purpose). `pinned_inputs` is the one place that loads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from exercises.catalogue import Catalogue
from exercises.catalogue_file import load_catalogue_file
from exercises.models import CatalogueVersion
from programs.clinical import types as domain
from programs.clinical.edits import NO_EDITS, ProgramEdits, edits_from_dict
from programs.clinical.generator import generate_plan
from programs.clinical.pathway_files import load_pathways, pathway_source
from programs.clinical.pathways import Pathway
from programs.clinical.rules import RulesConfig
from programs.clinical.state_json import config_from_dict, pain_limits_from_dict
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
    """The rules config for a new plan: the running-load defaults from settings (environment), documented in
    programs.clinical.rules.RulesConfig. A stored plan follows the one it keeps (`pinned_inputs`)."""
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
    config: RulesConfig | None = None,
) -> domain.Plan:
    """The pure generator fed with a catalogue and pathways (the shipped files unless given) and a rules config (the
    settings' unless given); `pathway` in place of the one the intake's rules choose and `edits` (a physio's
    choices). Writes nothing."""
    return generate_plan(
        intake,
        start=start,
        weeks=weeks,
        catalogue=catalogue_used or catalogue(),
        pathways=pathways_used or pathways(),
        config=config or rules_config(),
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
    """Regenerate a stored plan from the versions and rules config it is pinned to, on the pathway it follows (the
    one the intake's rules chose, or the one a physio assigned), with the physio's program edits
    (`Plan.program_edits`)."""
    inputs = pinned_inputs(plan)
    return generate(
        intake,
        start=start or plan.start,
        weeks=plan.weeks,
        state=state,
        pain_limits=pain_limits_from_dict(plan.pain_limits),
        catalogue_used=inputs.catalogue,
        pathways_used=inputs.pathways,
        pathway=plan.pathway or None,
        edits=edits_of(plan),
        config=inputs.config,
    )


def edits_of(plan: Plan) -> ProgramEdits:
    """The physio's edits a stored plan follows (validated when they were saved)."""
    return edits_from_dict(plan.program_edits)


class PinnedInputs(NamedTuple):
    """What a plan is generated from besides the runner's answers, its state and the physio's edits."""

    catalogue: Catalogue
    pathways: Mapping[str, Pathway]
    config: RulesConfig


def current_inputs() -> PinnedInputs:
    """What a new plan is pinned to (`plans.plan_create`): the latest loaded catalogue, the shipped pathway templates
    (their current versions) and the rules config of the settings. The physio's preview and checks before a plan
    exists read these, so they see what the published plan will follow."""
    return PinnedInputs(catalogue_of(catalogue_version_latest()), pathways(), rules_config())


def pinned_inputs(plan: Plan) -> PinnedInputs:
    """The catalogue and rules config a stored plan is pinned to, and the shipped pathways with the plan's pinned
    version in place of its template (the generator looks the pathway up by the slug it chooses from the intake)."""
    assert plan.catalogue_version is not None and plan.pathway_version is not None
    pathway = pathway_of(plan.pathway_version)
    return PinnedInputs(
        catalogue_of(plan.catalogue_version), {**pathways(), pathway.slug: pathway}, config_from_dict(plan.rules_config)
    )
