"""Importing communes from GeoJSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.errors import GEOSException
from shapely.geometry import shape

from .geography import is_insee_code, name_key
from .models import Commune

CODE_KEYS = ("code", "insee", "code_insee", "INSEE_COM", "insee_code")
NAME_KEYS = ("nom", "name", "NOM", "NOM_COM", "nom_commune")


class CommuneImportError(Exception):
    """The file cannot be imported; the message says why, in the user's language."""


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _department_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def _parse_feature(index: int, feature: Any, department: str | None) -> Commune:
    where = _("Feature %(number)d") % {"number": index + 1}
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise CommuneImportError(_("%(where)s is not a GeoJSON Feature.") % {"where": where})
    props = feature.get("properties") or {}
    code = next((str(props[k]).strip() for k in CODE_KEYS if props.get(k)), "")
    name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k)), "")
    if not is_insee_code(code):
        raise CommuneImportError(
            _("%(where)s has no valid INSEE code (property “code”, five characters): %(code)r.")
            % {"where": where, "code": code}
        )
    if not name:
        raise CommuneImportError(
            _("%(where)s (%(code)s) has no name (property “nom”).") % {"where": where, "code": code}
        )
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise CommuneImportError(
            _("%(where)s (%(code)s) needs a Polygon or MultiPolygon geometry.")
            % {"where": where, "code": code}
        )
    try:
        geom = shape(geometry)
    except (GEOSException, ValueError, TypeError, IndexError, KeyError) as error:
        raise CommuneImportError(
            _("%(where)s (%(code)s) has an unreadable contour: %(error)s.")
            % {"where": where, "code": code, "error": error}
        ) from error
    if geom.is_empty:
        raise CommuneImportError(
            _("%(where)s (%(code)s) has an empty contour.") % {"where": where, "code": code}
        )
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise CommuneImportError(
            _("%(where)s (%(code)s) is not in longitude/latitude (WGS84) coordinates.")
            % {"where": where, "code": code}
        )
    commune = Commune(
        insee_code=code,
        name=name,
        search_name=name_key(name),
        department=department or _department_of(code),
    )
    commune.set_geometry(geometry)
    return commune


def communes_import(*, path: Path, department: str | None = None) -> ImportReport:
    """Import or update communes from a GeoJSON FeatureCollection.

    The whole file is checked first; if any feature is wrong nothing is written.
    Re-importing a file updates the communes instead of duplicating them.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CommuneImportError(_("File not found: %(path)s") % {"path": path}) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommuneImportError(
            _("This file is not valid GeoJSON (JSON text in UTF-8): %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise CommuneImportError(_("The file must contain a GeoJSON FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise CommuneImportError(_("The FeatureCollection contains no commune."))
    if department is not None and not re.fullmatch(r"\d{2,3}|2[AB]", department):
        raise CommuneImportError(
            _("Department %(department)r is not a department code such as 30 or 2A.")
            % {"department": department}
        )

    parsed: dict[str, Commune] = {}
    for index, feature in enumerate(features):
        commune = _parse_feature(index, feature, department)
        parsed[commune.insee_code] = commune

    with transaction.atomic():
        existing = set(
            Commune.objects.filter(insee_code__in=parsed).values_list("insee_code", flat=True)
        )
        Commune.objects.bulk_create(
            parsed.values(),
            update_conflicts=True,
            unique_fields=["insee_code"],
            update_fields=[
                "name",
                "search_name",
                "department",
                "geometry",
                "min_lon",
                "min_lat",
                "max_lon",
                "max_lat",
            ],
            batch_size=200,
        )
    return ImportReport(created=len(parsed) - len(existing), updated=len(existing))
