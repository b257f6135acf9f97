"""System checks of the shipped catalogue that no type holds: every exercise can be drawn. Registered in
`ExercisesConfig.ready()`; the catalogue's own parse errors (an unknown joint or prop) are `programs.E002`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error

from exercises.catalogue import Catalogue, CatalogueError
from exercises.catalogue_file import load_catalogue_file
from exercises.illustrations.coverage import illustration_gaps


def drawing_errors(catalogue: Catalogue) -> list[CheckMessage]:
    return [
        Error(f"The catalogue's illustrations: {gap}.", hint="docs/illustrations.md", id="exercises.E001")
        for gap in illustration_gaps(catalogue)
    ]


def check_every_exercise_is_drawn(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if app_configs is not None and not any(config.label == "exercises" for config in app_configs):
        return []
    try:
        catalogue = load_catalogue_file()
    except CatalogueError:
        return []  # reported as programs.E002, with the parse error
    return drawing_errors(catalogue)
