"""Where columns go: the suggestion from their names, and the problems of a mapping."""

from __future__ import annotations

import pytest

from tissage.inventories.models import InventoryImport
from tissage.inventories.opendata.imports import check, read
from tissage.inventories.opendata.imports.mapping import mapping_suggest
from tissage.inventories.tests.opendata.imports.helpers import (
    CSV_LINES,
    csv_bytes,
    mapping_form,
    review_url,
    upload,
)

pytestmark = pytest.mark.django_db


def test_csv_in_windows_encoding_with_semicolons_is_understood(campaign, manager):
    content = csv_bytes(CSV_LINES, "cp1252")
    source = read.source_read(content=content, name="patrimoine.csv")
    assert source.columns[1] == "Catégorie"
    assert mapping_suggest(campaign=campaign, source=source) == {
        "Nom": "title",
        "Catégorie": "category",
        "Longitude": "longitude",
        "Latitude": "latitude",
        "Siècle": "field:siecle",
        "Code INSEE": "commune_insee",
        "Commune": "commune_name",
        "Référence": "external_ref",
    }


def test_mapping_problems_are_explained_next_to_the_form(client, campaign, manager):
    upload(client, campaign, csv_bytes(CSV_LINES), "patrimoine.csv")
    imp = InventoryImport.objects.get()
    client.cookies["django_language"] = "en"
    response = client.post(
        review_url(imp),
        {
            **mapping_form(imp),
            "column_0": "category",  # the title column made a second category: no title left
            "fallback": check.FALLBACK_NEW,
            "status": "validated",
            "source_name": "",
            "action": "check",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is chosen for two columns: “Nom” and “Catégorie”" in page
    assert "Choose the column that holds the title of each item." in page
    imp.refresh_from_db()
    assert imp.mapping["Nom"] == "title"  # nothing saved


def test_a_point_column_lat_lon_is_understood(campaign):
    content = csv_bytes(["nom,geo_point_2d", 'Lavoir,"43.845, 4.365"'])
    source = read.source_read(content=content, name="x.csv")
    mapping = mapping_suggest(campaign=campaign, source=source)
    assert mapping == {"nom": "title", "geo_point_2d": "point"}
    checked = check.import_check(
        campaign=campaign, source=source, mapping=mapping, options=check.ImportOptions()
    )
    (ready,) = checked.ready
    assert (ready.lon, ready.lat) == (4.365, 43.845)
