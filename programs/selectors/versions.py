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


def pathway_of(version: PathwayVersion) -> Pathway:
    found = _PATHWAYS.get(version.checksum)
    if found is None:
        found = _PATHWAYS[version.checksum] = parse_pathway(version.data, name=version.slug)
    return found
