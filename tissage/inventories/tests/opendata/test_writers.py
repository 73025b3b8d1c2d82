"""The files as written: GeoJSON (RFC 7946), XLSX and ODS with their “À propos” sheet,
text that comes back unchanged."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.utils import timezone
from odf.opendocument import load as odf_load
from odf.table import Table as OdfTable

from tissage.inventories.opendata import exports
from tissage.inventories.tests.helpers import LAT, LON, published
from tissage.inventories.tests.opendata.helpers import about, body, csv_rows, sheet_rows

pytestmark = pytest.mark.django_db


def test_geojson_is_rfc_7946_with_licence_attribution_and_source(client, campaign, items):
    response = client.get(f"/inventaires/{campaign.slug}/export.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data
    assert data["licence"] == {
        "id": "etalab-2.0",
        "name": "Licence Ouverte / Etalab 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
    assert data["source"] == f"http://testserver/inventaires/{campaign.slug}/"
    assert campaign.title in data["attribution"]
    assert campaign.project.organisation.name in data["attribution"]
    shown, hidden = data["features"]
    assert shown["geometry"] == {"type": "Point", "coordinates": [LON, LAT]}
    assert shown["id"] == items["shown"].pk
    assert shown["properties"]["materiaux"] == "calcaire ; galets"
    assert "longitude" not in shown["properties"]
    assert hidden["geometry"]["coordinates"] == [4.37, 43.85]
    assert "secret@example.org" not in json.dumps(data)


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_spreadsheets_have_the_items_and_an_about_sheet(client, campaign, items, fmt):
    response = client.get(f"/inventaires/{campaign.slug}/export.{fmt}")
    assert response.status_code == 200
    data = body(response)
    assert b"secret@example.org" not in data
    rows = sheet_rows(data)
    assert [row["title"] for row in rows] == ["Lavoir de la Fontaine", "Croix de chemin"]
    shown, hidden = rows
    assert (shown["longitude"], shown["latitude"]) == (LON, LAT)
    assert shown["id"] == items["shown"].pk
    assert shown["description"] == "Bassin couvert.\nToit de tuiles."
    assert shown["materiaux"] == "calcaire ; galets"
    assert shown["validated_at"] == timezone.localdate(items["shown"].validated_at)
    assert (hidden["longitude"], hidden["latitude"]) == (4.37, 43.85)
    facts = about(data)
    assert facts["Licence"] == "Licence Ouverte / Etalab 2.0"
    assert facts["Texte de la licence"] == exports.LICENCE_URLS["etalab-2.0"]
    assert facts["Source"] == f"http://testserver/inventaires/{campaign.slug}/"
    assert facts["Nombre de fiches"] == 2
    assert "Jeanne D." in facts["Auteurs des photos"]
    assert "Paul M." in facts["Auteurs des photos"]
    assert facts["materiaux"] == "Matériaux du gros œuvre"  # what each column holds
    assert "Date de l’export" in facts


def test_ods_is_a_valid_opendocument_spreadsheet(client, campaign, items):
    data = body(client.get(f"/inventaires/{campaign.slug}/export.ods"))
    package = zipfile.ZipFile(io.BytesIO(data))
    first = package.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert package.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    document = odf_load(io.BytesIO(data))
    names = [
        table.getAttribute("name") for table in document.spreadsheet.getElementsByType(OdfTable)
    ]
    assert names == ["Fiches", "À propos"]


@pytest.mark.parametrize("fmt", ["csv", "ods", "xlsx", "geojson"])
def test_tricky_text_comes_back_unchanged(client, campaign, moderator, fmt):
    tricky = "  deux  espaces\tune tabulation\r\nune ligne\rretour _x0041_ =1+1 \x01fin "
    published(campaign, moderator, title="Titre", description=tricky)
    data = body(client.get(f"/inventaires/{campaign.slug}/export.{fmt}"))
    if fmt == "csv":
        value = csv_rows(data)[0]["description"]
    elif fmt == "geojson":
        value = json.loads(data)["features"][0]["properties"]["description"]
    else:
        value = sheet_rows(data)[0]["description"]
    expected = tricky
    if fmt == "ods":
        # XML 1.0 cannot carry control characters (tabs are kept: docs/decisions.md).
        expected = tricky.replace("\x01", "")
    assert value == expected
