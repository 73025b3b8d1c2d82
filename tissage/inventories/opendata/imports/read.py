"""Reading a GeoJSON or CSV file into rows, or refusing it with a message that says what
is wrong and what to do. Each row carries a fingerprint of its content, the reference of
rows from a file without an identifier column."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from ...models import InventoryImport
from ..exports import FINGERPRINT_PREFIX
from .mapping import has_coordinate_columns

MAX_BYTES = 20 * 1024 * 1024


class ImportRefused(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a needless “.0”, lists joined with “ ; ”."""
    match value:
        case None:
            return ""
        case str():
            return value.strip()
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float():
            return str(int(value)) if value.is_integer() else repr(value)
        case list():
            return " ; ".join(t for t in (cell_text(v) for v in value) if t)
        case _:
            return json.dumps(value, ensure_ascii=False)


@dataclass
class SourceRow:
    number: int
    cells: dict[str, Any]
    # From a GeoJSON geometry: (lon, lat), None when the feature has no geometry, or the
    # raw coordinates when they are not two numbers.
    point: tuple[float, float] | str | None = None
    fingerprint: str = ""


@dataclass
class Source:
    format: str
    name: str
    columns: list[str]
    rows: list[SourceRow]

    def samples(self, column: str, count: int = 3) -> list[str]:
        found: list[str] = []
        for row in self.rows:
            text = cell_text(row.cells.get(column))
            if text and text not in found:
                found.append(text[:60])
                if len(found) == count:
                    break
        return found


def _fingerprint(data: Any) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode())
    return FINGERPRINT_PREFIX + digest.hexdigest()[:32]


def source_read(*, content: bytes, name: str) -> Source:
    """The rows of a GeoJSON or CSV file, or ImportRefused saying what is wrong with it."""
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than 20 MB: split it into several files and import each one.")
        )
    suffix = PurePath(name).suffix.lower()
    if suffix in {".geojson", ".json"}:
        return _geojson_read(content, name)
    if suffix in {".csv", ".txt", ".tsv"}:
        return _csv_read(content, name)
    if content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _geojson_read(content, name)
    return _csv_read(content, name)


def _geojson_read(content: bytes, name: str) -> Source:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportRefused(
            _("This file is not readable JSON: it is not in UTF-8. Save it as UTF-8 GeoJSON.")
        ) from error
    except json.JSONDecodeError as error:
        raise ImportRefused(
            _(
                "This file is not valid JSON (error on line %(line)s). Export it again as"
                " GeoJSON from your tool."
            )
            % {"line": error.lineno}
        ) from error
    except RecursionError as error:
        raise ImportRefused(_("This file is not valid JSON: it is nested too deeply.")) from error
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise ImportRefused(
            _("This file is JSON but not GeoJSON: a GeoJSON file has a “type” member.")
        )
    if data["type"] != "FeatureCollection":
        raise ImportRefused(
            _(
                "The GeoJSON file must be a FeatureCollection (a collection of points); this"
                " one is a “%(type)s”."
            )
            % {"type": data["type"][:40]}
        )
    features = data.get("features")
    if not isinstance(features, list):
        raise ImportRefused(_("This GeoJSON file has no “features” list."))
    if not features:
        raise ImportRefused(_("The file holds no feature to import."))
    crs = data.get("crs")
    if crs is not None and not _is_wgs84(crs):
        raise ImportRefused(
            _(
                "The coordinates of this file are not in WGS84 (longitude, latitude). Export"
                " it again in WGS84 (EPSG:4326)."
            )
        )
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ImportRefused(
                _("Feature %(number)s is not a GeoJSON Feature.") % {"number": number}
            )
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise ImportRefused(
                _("The properties of feature %(number)s are not a list of named values.")
                % {"number": number}
            )
        geometry = feature.get("geometry")
        point: tuple[float, float] | str | None = None
        if geometry is not None:
            kind = geometry.get("type") if isinstance(geometry, dict) else None
            if kind != "Point":
                raise ImportRefused(
                    _(
                        "Feature %(number)s is a “%(type)s”: only points (Point) can be"
                        " imported. Convert lines and areas to points (centroids) first."
                    )
                    % {"number": number, "type": str(kind)[:40]}
                )
            coordinates = geometry.get("coordinates")
            if (
                isinstance(coordinates, list)
                and len(coordinates) >= 2
                and all(
                    isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]
                )
            ):
                point = (float(coordinates[0]), float(coordinates[1]))
            else:
                point = json.dumps(coordinates)[:60]
        columns.update(dict.fromkeys(str(key) for key in properties))
        rows.append(
            SourceRow(
                number=number,
                cells={str(key): value for key, value in properties.items()},
                point=point,
                fingerprint=_fingerprint([geometry, properties]),
            )
        )
    return Source(
        format=InventoryImport.Format.GEOJSON, name=name, columns=list(columns), rows=rows
    )


def _is_wgs84(crs: Any) -> bool:
    """The old GeoJSON `crs` member, when it names WGS84 (what RFC 7946 assumes)."""
    name = (
        str(((crs or {}).get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    )
    return bool(re.search(r"CRS84|EPSG:{1,2}4326$", name))


def _csv_read(content: bytes, name: str) -> Source:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                _(
                    "The file cannot be read: its characters are neither UTF-8 nor Windows."
                    " Save it as “CSV UTF-8” and try again."
                )
            ) from error
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportRefused(
            _("The CSV file cannot be read: %(error)s. Save it again as CSV and try again.")
            % {"error": error}
        ) from error
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise ImportRefused(_("The file is empty."))
    columns = []
    for index, header in enumerate(lines[0], start=1):
        header = header.strip() or _("column %(number)s") % {"number": index}
        unique, n = header, 2
        while unique in columns:
            unique, n = f"{header} ({n})", n + 1
        columns.append(unique)
    if len(lines) == 1:
        raise ImportRefused(_("The file has a header line but no row to import."))
    if not has_coordinate_columns(columns):
        raise ImportRefused(
            _(
                "No coordinate columns found: the file needs a “longitude” and a “latitude”"
                " column (or “lon” and “lat”, or “x” and “y”), in WGS84."
            )
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = {column: (line[i] if i < len(line) else "") for i, column in enumerate(columns)}
        rows.append(SourceRow(number=number, cells=cells, fingerprint=_fingerprint(line)))
    return Source(format=InventoryImport.Format.CSV, name=name, columns=columns, rows=rows)
