"""System checks (`manage.py check`, and before `migrate`, `runserver` and a Celery worker start) for invariants
that no type or constraint holds: the shipped pathway templates must fit the shipped catalogue, and a retried send
task must be handed back long before the broker thinks its worker died.

Registered in `ProgramsConfig.ready()`. The pure functions take their inputs so tests can hand them broken ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error
from kombu.transport.redis import Channel as RedisChannel

from exercises.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, CatalogueError
from exercises.catalogue_file import load_catalogue_file
from programs.clinical.pathway_files import catalogue_problems, load_pathways
from programs.clinical.pathways import DEFAULT_PATHWAYS_DIR, Pathway, PathwayError

# A retry is held unacknowledged by the worker that took it for its whole countdown, plus the time the worker then
# needs to get to it. Only a wide margin keeps that wait short of the visibility timeout: past it, Redis hands the
# same task to a second worker (tests/programs/test_tasks.py holds the same margin).
VISIBILITY_MARGIN = 10


def _concerns_programs(app_configs: Sequence[AppConfig] | None) -> bool:
    return app_configs is None or any(config.label == "programs" for config in app_configs)


# ---------------------------------------------------------------------- pathways and the catalogue


def pathway_catalogue_errors(pathways: Mapping[str, Pathway], catalogue: Catalogue) -> list[CheckMessage]:
    """One Error per pathway item (or alternative) that names an exercise the catalogue lacks, or one that the
    phase forbids by its contraindication tags: the generator would fail on the first, and the second could reach
    a runner in the phase that must not see it (docs/design.md §5)."""
    return [
        Error(
            f"Pathway template {problem}.",
            hint="Fix the exercise slug in programs/data/pathways/, or add the exercise to exercises/data/catalogue.yaml.",
            obj=slug,
            id="programs.E001",
        )
        for slug, pathway in sorted(pathways.items())
        for problem in catalogue_problems(pathway, catalogue)
    ]


def shipped_data_errors(
    pathways_dir: Path = DEFAULT_PATHWAYS_DIR, catalogue_path: Path = DEFAULT_CATALOGUE_PATH
) -> list[CheckMessage]:
    """The pathway templates and the catalogue file in these places, parsed and checked against each other."""
    try:
        pathways = load_pathways(pathways_dir)
        catalogue = load_catalogue_file(catalogue_path)
    except (PathwayError, CatalogueError) as exc:
        return [Error(f"The shipped data does not parse: {exc}", id="programs.E002")]
    return pathway_catalogue_errors(pathways, catalogue)


def check_pathways_fit_the_catalogue(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _concerns_programs(app_configs):
        return []
    return shipped_data_errors()


# ---------------------------------------------------------------------- Celery: retries and the broker


def retry_backoff_errors(*, backoff_max: int, visibility_timeout: int) -> list[CheckMessage]:
    if 0 < backoff_max <= visibility_timeout / VISIBILITY_MARGIN:
        return []
    return [
        Error(
            f"REMINDER_RETRY_BACKOFF_MAX is {backoff_max} s; a send task's retry must wait more than 0 s and at most "
            f"1/{VISIBILITY_MARGIN} of the broker's visibility_timeout ({visibility_timeout} s), or Redis hands the "
            "delayed task to a second worker while the first still holds it.",
            hint="Lower REMINDER_RETRY_BACKOFF_MAX, or raise CELERY_VISIBILITY_TIMEOUT.",
            id="programs.E003",
        )
    ]


def check_retries_wait_less_than_the_visibility_timeout(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _concerns_programs(app_configs):
        return []
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    # Not set: the Redis transport's own default applies.
    visibility = options.get("visibility_timeout", RedisChannel.visibility_timeout)
    return retry_backoff_errors(backoff_max=settings.REMINDER_RETRY_BACKOFF_MAX, visibility_timeout=visibility)
