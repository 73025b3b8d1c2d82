"""Where each column of a file goes: the targets offered (an attribute of the item or a
campaign question), the suggestion read from the columns' names (French, English,
Mérimée, and Tissage's own exports, so that an export imports back), and what stops a
mapping from being used."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ...campaigns import heritage
from ...models import Campaign, InventoryImport
from ..exports import fold

if TYPE_CHECKING:  # read.py uses this module to recognise coordinate columns
    from .read import Source

# Targets of a source column.
IGNORE = ""
TITLE = "title"
DESCRIPTION = "description"
CATEGORY = "category"
ADDRESS = "address"
COMMUNE_INSEE = "commune_insee"
COMMUNE_NAME = "commune_name"
EXTERNAL_REF = "external_ref"
CREDIT = "credit"
LONGITUDE = "longitude"
LATITUDE = "latitude"
POINT = "point"
FIELD = "field:"
COORDINATES = (LONGITUDE, LATITUDE, POINT)


def _bare(header: str) -> str:
    """A header reduced to letters and digits, without the `chp` prefix of Mérimée
    open-data extracts when what follows is a Mérimée code (`chpdeno` is DENO)."""
    bare = re.sub(r"[^a-z0-9]", "", fold(header))
    if bare.startswith("chp") and bare[3:].upper() in _MERIMEE_CODES | {"COORWGS84"}:
        return bare[3:]
    return bare


_MERIMEE_CODES = {
    "REF",
    *heritage.ITEM_FIELDS.values(),
    *(spec.merimee_field for spec in heritage.FIELDS),
}

_MERIMEE_TARGETS = {
    "ref": EXTERNAL_REF,
    heritage.ITEM_FIELDS["title"].lower(): TITLE,
    heritage.ITEM_FIELDS["category"].lower(): CATEGORY,
    heritage.ITEM_FIELDS["commune"].lower(): COMMUNE_NAME,
    heritage.ITEM_FIELDS["insee"].lower(): COMMUNE_INSEE,
    heritage.ITEM_FIELDS["address"].lower(): ADDRESS,
}

# Usual names of columns, in French and English (letters and digits only), and those of
# Tissage's own exports, so that an export imports back.
_NAMES = {
    TITLE: {"titre", "title", "nom", "name", "intitule", "libelle"},
    DESCRIPTION: {"description", "descriptif", "commentaire", "comment", "remarques"},
    CATEGORY: {"categorie", "category", "type", "denomination", "typologie"},
    ADDRESS: {"adresse", "address", "adressepostale", "rue"},
    COMMUNE_NAME: {"commune", "ville", "city", "nomcommune", "libellecommune", "municipality"},
    COMMUNE_INSEE: {"insee", "codeinsee", "inseecode", "codecommune", "codgeo", "cog"},
    EXTERNAL_REF: {"externalref", "reference", "identifiant", "idsource", "sourceid"},
    CREDIT: {"credit", "auteur", "author", "contributeur", "contributrice", "contributor"},
    LONGITUDE: {"longitude", "lon", "lng", "long", "x", "longitudewgs84", "coordx"},
    LATITUDE: {"latitude", "lat", "y", "latitudewgs84", "coordy"},
    POINT: {"geopoint2d", "coorwgs84", "geopoint", "latlon", "coordonnees", "coordinates"},
}


def has_coordinate_columns(columns: list[str]) -> bool:
    """Whether a CSV file's header names a point, or a longitude and a latitude."""
    bare = {_bare(column) for column in columns}
    return bool(bare & _NAMES[POINT]) or bool(bare & _NAMES[LONGITUDE] and bare & _NAMES[LATITUDE])


def target_choices(campaign: Campaign, source_format: str) -> list[tuple[str, str]]:
    """Where a source column can go: an attribute of the item or a campaign question."""
    choices = [
        (IGNORE, _("— ignore this column —")),
        (TITLE, _("Title")),
        (DESCRIPTION, _("Description")),
        (CATEGORY, _("Category (name or Mérimée denomination)")),
        (ADDRESS, _("Address or place name")),
        (COMMUNE_INSEE, _("Commune (INSEE code)")),
        (COMMUNE_NAME, _("Commune (name)")),
        (EXTERNAL_REF, _("Reference in the source")),
        (CREDIT, _("Contributor's name (credit)")),
    ]
    if source_format == InventoryImport.Format.CSV:
        choices += [
            (LONGITUDE, _("Longitude (WGS84)")),
            (LATITUDE, _("Latitude (WGS84)")),
            (POINT, _("Latitude and longitude in one column (“lat, lon”)")),
        ]
    choices += [
        (FIELD + spec.key, _("Question: %(label)s") % {"label": spec.label})
        for spec in campaign.fields.all()
    ]
    return choices


def mapping_suggest(*, campaign: Campaign, source: Source) -> dict[str, str]:
    """A target for each column whose name says what it holds; each target used once."""
    fields = list(campaign.fields.all())
    by_name: dict[str, str] = {}
    for spec in fields:
        by_name[re.sub(r"[^a-z0-9]", "", fold(spec.key))] = FIELD + spec.key
        by_name[re.sub(r"[^a-z0-9]", "", fold(spec.label))] = FIELD + spec.key
        if spec.merimee_field:
            by_name[spec.merimee_field.lower()] = FIELD + spec.key
    for target, names in _NAMES.items():
        if target in COORDINATES and source.format != InventoryImport.Format.CSV:
            continue
        for name in names:
            by_name.setdefault(name, target)
    by_name.update(_MERIMEE_TARGETS)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in source.columns:
        target = by_name.get(_bare(column), IGNORE)
        if target and target not in used:
            used.add(target)
            mapping[column] = target
        else:
            mapping[column] = IGNORE
    return mapping


def mapping_problems(
    *, campaign: Campaign, source_format: str, mapping: dict[str, str]
) -> list[str]:
    """What stops a mapping from being used, in words for the person choosing it."""
    allowed = dict(target_choices(campaign, source_format))
    problems = []
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if target not in allowed:
            problems.append(_("“%(column)s”: choose a target from the list.") % {"column": column})
        elif target and target in seen:
            problems.append(
                _("“%(target)s” is chosen for two columns: “%(first)s” and “%(second)s”.")
                % {"target": allowed[target], "first": seen[target], "second": column}
            )
        else:
            seen[target] = column
    if TITLE not in seen:
        problems.append(_("Choose the column that holds the title of each item."))
    if source_format == InventoryImport.Format.CSV and not (
        POINT in seen or (LONGITUDE in seen and LATITUDE in seen)
    ):
        problems.append(_("Choose the longitude and latitude columns."))
    return problems
