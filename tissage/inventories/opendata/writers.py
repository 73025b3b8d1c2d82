"""The GeoJSON export, streamed feature by feature with the dataset's licence and credits.
The spreadsheets (CSV, ODS, XLSX) are written by `core.spreadsheets` from the sheets
that `exports.spreadsheet_sheets` describes."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from tissage.core.spreadsheets import text_blocks

from .exports import Dataset, Table, Value


def _json_value(value: Value) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def geojson_stream(table: Table, dataset: Dataset) -> Iterator[bytes]:
    """An RFC 7946 FeatureCollection of points ([longitude, latitude], WGS84, no `crs`),
    with the licence, the attribution and the source as members of its own; in blocks of
    about 64 KB."""
    return text_blocks(_geojson_lines(table, dataset))


def _geojson_lines(table: Table, dataset: Dataset) -> Iterator[str]:
    with translation.override(settings.LANGUAGE_CODE):
        head = {
            "type": "FeatureCollection",
            "name": dataset.title,
            "licence": {
                "id": dataset.licence,
                "name": dataset.licence_name,
                "url": dataset.licence_url,
            },
            "attribution": dataset.attribution,
            "source": dataset.source_url,
            "producer": dataset.producer,
            "exported_at": dataset.exported_at.isoformat(),
        }
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        yield opening + ', "features": [\n'
        headers = table.headers
        lon_at, lat_at = headers.index("longitude"), headers.index("latitude")
        separator = ""
        for row in table.rows():
            properties = {
                header: _json_value(value)
                for index, (header, value) in enumerate(zip(headers, row, strict=True))
                if index not in (lon_at, lat_at)
            }
            feature = {
                "type": "Feature",
                "id": properties.get("id"),
                "geometry": {"type": "Point", "coordinates": [row[lon_at], row[lat_at]]},
                "properties": properties,
            }
            yield separator + json.dumps(feature, ensure_ascii=False)
            separator = ",\n"
        yield "\n]}\n"
