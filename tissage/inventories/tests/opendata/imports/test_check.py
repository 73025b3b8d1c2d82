"""The dry run of an import: row by row what is wrong, communes and categories found,
nothing written."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tissage.core.tests.factories import CommuneFactory, ProjectFactory, _square, user_with_role
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution, InventoryImport
from tissage.inventories.opendata.imports import check, read
from tissage.inventories.opendata.imports.mapping import mapping_suggest
from tissage.inventories.tests.opendata.helpers import body
from tissage.inventories.tests.opendata.imports.helpers import (
    CSV_LINES,
    TOULOUSE,
    csv_bytes,
    mapping_form,
    problems_by_row,
    review_url,
    upload,
)

pytestmark = pytest.mark.django_db


def test_dry_run_reports_row_by_row_and_writes_nothing(client, campaign, manager):
    response = upload(client, campaign, csv_bytes(CSV_LINES, "cp1252"), "patrimoine.csv")
    imp = InventoryImport.objects.get()
    assert response.status_code == 302
    client.post(
        review_url(imp),
        {
            **mapping_form(imp),
            "fallback": check.FALLBACK_NONE,
            "status": "validated",
            "source_name": "Association du patrimoine",
            "action": "check",
        },
    )
    imp.refresh_from_db()
    report = imp.report
    assert (report["total"], report["to_import"], report["errors"]) == (7, 2, 5)
    assert problems_by_row(report) == {
        3: ["no_point"],
        5: ["unknown_category"],
        6: ["outside_communes"],
        7: ["duplicate_in_file"],
        8: ["no_title"],
    }
    assert not Contribution.objects.exists()
    client.cookies["django_language"] = "en"
    page = client.get(review_url(imp)).content.decode()
    assert "no coordinates" in page
    assert "unknown category: “inconnu”" in page
    assert "same reference as row 2" in page


def test_communes_of_our_table_are_found_by_insee_code_or_by_the_point(client):
    project = ProjectFactory()
    campaign = campaign_create(project=project, title="T", template=Campaign.Template.HERITAGE)
    client.force_login(user_with_role("project_facilitator", project))
    CommuneFactory(insee_code="31555", name="Toulouse", geometry=_square(1.35, 43.5, 0.2))
    upload(client, campaign, TOULOUSE.read_bytes(), TOULOUSE.name)
    imp = InventoryImport.objects.get()
    assert imp.report["unknown_communes"] == []
    client.post(review_url(imp), {"action": "import"})
    # One record says its INSEE code is “IA311”: its point says Toulouse.
    assert Contribution.objects.filter(commune__insee_code="31555").count() == 3174
    assert not Contribution.objects.filter(values__has_key="source:INSEE").exists()


def test_a_commune_outside_our_table_is_kept_as_the_file_gives_it(campaign, client, manager):
    free = campaign_create(project=campaign.project, title="Sans communes")
    free.categories.create(name="Lavoir", slug="lavoir")
    lines = ["titre,lon,lat,insee,commune", "Lavoir,1.44,43.6,31555,Toulouse"]
    upload(client, free, csv_bytes(lines), "x.csv")
    imp = InventoryImport.objects.get()
    assert imp.report["unknown_communes"] == [["31555", "Toulouse", 1]]
    client.post(review_url(imp), {"action": "import"})
    item = Contribution.objects.get()
    assert item.commune is None
    assert (item.values["source:INSEE"], item.values["source:COM"]) == ("31555", "Toulouse")
    (row,) = csv.DictReader(
        io.StringIO(body(client.get(f"/inventaires/{free.slug}/export.csv")).decode("utf-8-sig"))
    )
    assert (row["commune"], row["insee"]) == ("Toulouse", "31555")


def test_categories_match_whatever_the_case_and_accents(campaign):
    content = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [4.36, 43.84]},
                    "properties": {"TICO": f"Élément {n}", "DENO": term},
                }
                for n, term in enumerate(["FOUR A PAIN", "Cabane", "puits ; margelle", "lavoirs"])
            ],
        }
    ).encode()
    source = read.source_read(content=content, name="x.geojson")
    mapping = mapping_suggest(campaign=campaign, source=source)
    assert mapping == {"TICO": "title", "DENO": "category"}
    report = check.import_check(
        campaign=campaign, source=source, mapping=mapping, options=check.ImportOptions()
    ).report
    # “lavoirs” is no term of the campaign: it goes to the fallback, a new “Autre”.
    assert sorted(report["categories"]) == sorted(
        [
            ["Four à pain", 1],
            ["Cabane en pierre sèche (capitelle)", 1],
            ["Puits", 1],
            ["Autre", 1],
        ]
    )


def test_geojson_with_a_null_geometry_or_broken_point_reports_the_row(campaign):
    content = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": None, "properties": {"nom": "A"}},
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": ["x", 1]},
                    "properties": {"nom": "B"},
                },
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [200, 43]},
                    "properties": {"nom": "C"},
                },
            ],
        }
    ).encode()
    source = read.source_read(content=content, name="x.geojson")
    mapping = mapping_suggest(campaign=campaign, source=source)
    report = check.import_check(
        campaign=campaign, source=source, mapping=mapping, options=check.ImportOptions()
    ).report
    assert problems_by_row(report) == {
        1: ["no_point"],
        2: ["bad_point"],
        3: ["point_out_of_range"],
    }
