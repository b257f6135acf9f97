from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError
from exercises.catalogue_file import load_catalogue_file
from exercises.services import catalogue_load


class Command(BaseCommand):
    help = "Load the versioned exercise catalogue file into the database (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=DEFAULT_CATALOGUE_PATH, help="catalogue YAML (default: the shipped file)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = load_catalogue_file(options["file"])
            report = catalogue_load(catalogue=catalogue)
        except CatalogueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(report.summary())
