"""System checks (programs/checks.py): each reports its broken input, and the shipped state passes them all."""

from __future__ import annotations

import copy
import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings

from exercises.catalogue import DEFAULT_CATALOGUE_PATH
from exercises.catalogue_file import load_catalogue_file
from programs.checks import (
    check_pathways_fit_the_catalogue,
    check_retries_wait_less_than_the_visibility_timeout,
    pathway_catalogue_errors,
    shipped_data_errors,
)
from programs.clinical.pathway_files import parse_pathway, pathway_source
from programs.clinical.pathways import DEFAULT_PATHWAYS_DIR


def test_the_shipped_state_passes_and_manage_py_check_is_clean() -> None:
    assert check_pathways_fit_the_catalogue() == []
    assert check_retries_wait_less_than_the_visibility_timeout() == []
    out = io.StringIO()
    call_command("check", stdout=out)  # raises SystemCheckError on any error
    assert "no issues" in out.getvalue()


# ---------------------------------------------------------------------- pathways and the catalogue

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def pathways_dir(tmp_path: Path) -> Callable[[str, Edit], Path]:
    """A copy of the shipped templates with one of them edited."""

    def copy(slug: str, edit: Edit) -> Path:
        directory = tmp_path / "pathways"
        shutil.copytree(DEFAULT_PATHWAYS_DIR, directory)
        path = directory / f"{slug}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return directory

    return copy


def _first_item(data: dict[str, Any]) -> dict[str, Any]:
    return data["phases"][0]["sessions"][0]["items"][0]


def test_a_pathway_naming_an_exercise_the_catalogue_lacks_is_an_error(
    pathways_dir: Callable[[str, Edit], Path],
) -> None:
    directory = pathways_dir("acute_strain", lambda data: _first_item(data).update(exercise="moonwalk"))

    [error] = shipped_data_errors(pathways_dir=directory)

    assert error.id == "programs.E001"
    assert error.obj == "acute_strain"
    assert "acute_strain/protect/moonwalk: not in the catalogue" in error.msg


def test_a_phase_listing_an_exercise_it_forbids_is_an_error() -> None:
    # Nordics in an acute strain's first stage: the safety rule the phase's contraindication tags keep.
    data = copy.deepcopy(dict(pathway_source("acute_strain")))
    _first_item(data)["exercise"] = "nordic_curl"
    pathway = parse_pathway(data, name="acute_strain")

    [error] = pathway_catalogue_errors({"acute_strain": pathway}, load_catalogue_file())

    assert error.id == "programs.E001"
    assert "acute_strain/protect/nordic_curl: tagged" in error.msg


def test_data_that_does_not_parse_is_an_error(tmp_path: Path, pathways_dir: Callable[[str, Edit], Path]) -> None:
    broken_pathway = pathways_dir("prevention", lambda data: data.update(version=99))
    broken_catalogue = tmp_path / "catalogue.yaml"
    broken_catalogue.write_text(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8").replace("version: 1", "version: 7"))

    [pathway_error] = shipped_data_errors(pathways_dir=broken_pathway)
    [catalogue_error] = shipped_data_errors(catalogue_path=broken_catalogue)

    assert pathway_error.id == catalogue_error.id == "programs.E002"
    assert "prevention" in pathway_error.msg
    assert "unsupported version 7" in catalogue_error.msg


# ---------------------------------------------------------------------- retries and the broker's visibility timeout


@pytest.mark.parametrize(
    ("backoff_max", "visibility_timeout"),
    [(361, 3600), (300, 1800), (0, 3600), (3600, 3600)],
)
def test_a_retry_that_can_wait_near_the_visibility_timeout_is_an_error(
    backoff_max: int, visibility_timeout: int
) -> None:
    with override_settings(
        REMINDER_RETRY_BACKOFF_MAX=backoff_max,
        CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": visibility_timeout},
    ):
        [error] = check_retries_wait_less_than_the_visibility_timeout()

    assert error.id == "programs.E003"
    assert f"REMINDER_RETRY_BACKOFF_MAX is {backoff_max} s" in error.msg
    assert f"({visibility_timeout} s)" in error.msg


@pytest.mark.parametrize(
    ("backoff_max", "transport_options"),
    [(360, {"visibility_timeout": 3600}), (1, {"visibility_timeout": 3600}), (300, {})],
)
def test_a_retry_well_inside_the_visibility_timeout_passes(backoff_max: int, transport_options: dict[str, int]) -> None:
    # No visibility_timeout set: the Redis transport's default of one hour applies.
    with override_settings(REMINDER_RETRY_BACKOFF_MAX=backoff_max, CELERY_BROKER_TRANSPORT_OPTIONS=transport_options):
        assert check_retries_wait_less_than_the_visibility_timeout() == []
