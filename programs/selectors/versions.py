"""Parsed catalogue and pathway versions. A version's stored content never changes, so each is parsed once per
process and shared by the services, the read model and the pages."""

from __future__ import annotations

from exercises.catalogue import Catalogue
from exercises.catalogue_file import parse_catalogue
from exercises.models import CatalogueVersion
from programs.clinical.pathway_files import parse_pathway
from programs.clinical.pathways import Pathway
from programs.models import PathwayVersion

_CATALOGUES: dict[str, Catalogue] = {}
_PATHWAYS: dict[str, Pathway] = {}


def catalogue_of(version: CatalogueVersion) -> Catalogue:
    found = _CATALOGUES.get(version.checksum)
    if found is None:
        found = _CATALOGUES[version.checksum] = parse_catalogue(version.data)
    return found


def catalogue_by_checksum(checksum: str) -> Catalogue | None:
    """The parsed catalogue of this content, read from the database only when this process has not parsed it yet
    (None when no stored version has it)."""
    found = _CATALOGUES.get(checksum)
    if found is None:
        version = CatalogueVersion.objects.filter(checksum=checksum).first()
        found = catalogue_of(version) if version is not None else None
    return found


def pathway_of(version: PathwayVersion) -> Pathway:
    found = _PATHWAYS.get(version.checksum)
    if found is None:
        found = _PATHWAYS[version.checksum] = parse_pathway(version.data, name=version.slug)
    return found
