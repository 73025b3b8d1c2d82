"""Reading files: what is refused and why, encodings and separators."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation

from tissage.inventories.opendata.imports import read
from tissage.inventories.tests.opendata.imports.helpers import FEATURE, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vide.geojson", "The file is empty."),
        (b"   \n", "vide.csv", "The file is empty."),
        (b"<html>", "page.geojson", "This file is not valid JSON (error on line 1)"),
        (b'{"type": "Featu', "coupe.json", "This file is not valid JSON"),
        (b"[" * 100_000, "profond.json", "This file is not valid JSON"),
        (b"\xff\xfe{}", "binaire.geojson", "it is not in UTF-8"),
        (b'{"name": "x"}', "autre.json", "This file is JSON but not GeoJSON"),
        (json.dumps(FEATURE).encode(), "un.geojson", "must be a FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "rien.geojson", "holds no feature"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        FEATURE,
                        {
                            "type": "Feature",
                            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]},
                        },
                    ],
                }
            ).encode(),
            "zones.geojson",
            "Feature 2 is a “Polygon”: only points (Point) can be imported",
        ),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "EPSG:2154"}},
                    "features": [FEATURE],
                }
            ).encode(),
            "lambert.geojson",
            "not in WGS84",
        ),
        (b"nom,lon,lat\n\x81\x8d\x8f,1,2\n", "illisible.csv", "neither UTF-8 nor Windows"),
        (b"nom,commune\nLavoir,Nimes\n", "sans-points.csv", "No coordinate columns found"),
        (b"nom,lon,lat\n", "entete.csv", "a header line but no row"),
        (b"{" + b" " * read.MAX_BYTES + b"}", "gros.geojson", "larger than 20 MB"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(content, name, message):
    with translation.override("en"), pytest.raises(read.ImportRefused, match=re.escape(message)):
        read.source_read(content=content, name=name)


def test_utf8_with_bom_and_commas(campaign):
    content = b"\xef\xbb\xbf" + csv_bytes(["Titre,Longitude,Latitude", "Église,4.365,43.845"])
    source = read.source_read(content=content, name="x.csv")
    assert source.columns == ["Titre", "Longitude", "Latitude"]
    assert source.rows[0].cells["Titre"] == "Église"
