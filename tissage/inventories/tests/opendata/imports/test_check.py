"""Importing GeoJSON and CSV files: the dry run and its report, the mapping, all or
nothing, idempotence, bad files refused with a clear message — and the acceptance test:
the 3,174 Mérimée records of Toulouse imported, then exported to every format and read
back with the same values.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from python_calamine import CalamineWorkbook

from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    _square,
    user_with_role,
)
from tissage.core.tests.matrices import (
    FORBIDDEN,
    LOGIN,
    OK,
    STAFF,
    STAFF_DRAFT,
)
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.contributions.periods import century_of
from tissage.inventories.models import (
    Campaign,
    CampaignField,
    Contribution,
    ContributionEvent,
    InventoryImport,
)
from tissage.inventories.opendata.imports import check, read, run
from tissage.inventories.opendata.imports.mapping import mapping_suggest
from tissage.inventories.tests.helpers import heritage_campaign
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

TOULOUSE = Path(__file__).parents[2] / "data" / "inventaire-toulouse-merimee.geojson"


@pytest.fixture
def campaign():
    """A heritage campaign over a test Nîmes (a 0.03° square from 4.35, 43.83)."""
    return heritage_campaign(project=ProjectFactory(status=Project.Status.PUBLISHED))


@pytest.fixture
def manager(client, campaign):
    user = ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    client.force_login(user)
    return user


def upload(client, campaign, content: bytes, name: str):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(f"/inventaires/{campaign.slug}/importer/", {"file": file})


def review_url(imp: InventoryImport) -> str:
    return f"/inventaires/{imp.campaign.slug}/importer/{imp.pk}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def mapping_form(imp: InventoryImport) -> dict[str, str]:
    """The mapping form's column fields as the last check left them, in the file's order."""
    columns = [column["name"] for column in imp.report["columns"]]
    return {f"column_{i}": imp.mapping[name] for i, name in enumerate(columns)}


def problems_by_row(report) -> dict[int, list[str]]:
    return {row["row"]: [code for code, _params in row["problems"]] for row in report["rows"]}


# The acceptance test ---------------------------------------------------------------------

MAPPED = {
    "title": "chptico",
    "denomination": "chpdeno",
    "commune": "chpcom",
    "insee": "chpinsee",
    "address": "chpadrs",
    "appellation": "chpappl",
    "lieu_dit": "chplieu",
    "siecle": "chpscle",
    "historique": "chphist",
    "remarquable": "chprema",
}
MERIMEE = {
    "TICO": "chptico",
    "DENO": "chpdeno",
    "COM": "chpcom",
    "INSEE": "chpinsee",
    "ADRS": "chpadrs",
    "APPL": "chpappl",
    "LIEU": "chplieu",
    "SCLE": "chpscle",
    "HIST": "chphist",
    "REMA": "chprema",
}


def expected_rows(features, columns: dict[str, str]) -> list[dict[str, object]]:
    rows = []
    for feature in features:
        row: dict[str, object] = {
            column: feature["properties"].get(key) or "" for column, key in columns.items()
        }
        row["longitude"], row["latitude"] = feature["geometry"]["coordinates"]
        rows.append(row)
    return rows


def read_back(rows: list[dict[str, object]], columns) -> list[dict[str, object]]:
    """The same columns of an export, empty cells as "", coordinates as numbers."""
    return [
        {
            **{column: row[column] or "" for column in columns},
            "longitude": float(row["longitude"]),  # type: ignore[arg-type]
            "latitude": float(row["latitude"]),  # type: ignore[arg-type]
        }
        for row in rows
    ]


def spreadsheet(data: bytes) -> list[dict[str, object]]:
    header, *rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Fiches").to_python()
    )
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_toulouse_merimee_records_import_then_export_without_loss(client):
    started = time.perf_counter()
    project = ProjectFactory()
    campaign = campaign_create(
        project=project, title="Inventaire de Toulouse", template=Campaign.Template.HERITAGE
    )
    client.force_login(user_with_role("project_facilitator", project))
    features = json.loads(TOULOUSE.read_bytes())["features"]
    assert len(features) == 3174

    # Dry run: the file is read and checked, nothing is imported yet.
    response = upload(client, campaign, TOULOUSE.read_bytes(), TOULOUSE.name)
    imp = InventoryImport.objects.get()
    assert response["Location"] == review_url(imp)
    assert not Contribution.objects.exists()
    assert {column: imp.mapping[column] for column in MAPPED.values()} == {
        "chptico": "title",
        "chpdeno": "category",
        "chpcom": "commune_name",
        "chpinsee": "commune_insee",
        "chpadrs": "address",
        "chpappl": "field:appellation",
        "chplieu": "field:lieu_dit",
        "chpscle": "field:siecle",
        "chphist": "field:historique",
        "chprema": "field:remarquable",
    }
    report = imp.report
    assert (report["total"], report["to_import"], report["errors"], report["already"]) == (
        3174,
        3174,
        0,
        0,
    )
    assert dict(report["categories"])["Fontaine"] == 18
    assert ["immeuble", 1607] in report["fallback_terms"]
    page = client.get(review_url(imp)).content.decode()
    assert 'name="action" value="import"' in page
    assert "3174" in page

    # The import itself.
    response = client.post(review_url(imp), {"action": "import"})
    assert response["Location"] == f"/inventaires/{campaign.slug}/donnees/"
    items = Contribution.objects.filter(campaign=campaign, status=Contribution.Status.VALIDATED)
    assert items.count() == 3174
    assert ContributionEvent.objects.filter(kind=ContributionEvent.Kind.IMPORTED).count() == 3174
    assert not items.exclude(licence=campaign.licence).exists()
    # bulk_create skips save(): the import keeps each item's century itself.
    centuries = {item.pk: century_of(item.values.get("siecle")) for item in items}
    assert dict(items.values_list("pk", "century")) == centuries
    assert sum(1 for c in centuries.values() if c) > 1000
    assert not items.filter(commune__isnull=False).exists()  # Toulouse is not in our table

    expected = expected_rows(features, MAPPED)
    columns = list(MAPPED)

    geojson = json.loads(body(client.get(f"/inventaires/{campaign.slug}/export.geojson")))
    assert [
        {
            **{column: feature["properties"][column] or "" for column in columns},
            "longitude": feature["geometry"]["coordinates"][0],
            "latitude": feature["geometry"]["coordinates"][1],
        }
        for feature in geojson["features"]
    ] == expected

    text = body(client.get(f"/inventaires/{campaign.slug}/export.csv")).decode("utf-8-sig")
    from_csv = list(csv.DictReader(io.StringIO(text, newline="")))
    assert read_back(from_csv, columns) == expected
    fontaines = [row for row in from_csv if row["denomination"] == "fontaine"]
    assert len(fontaines) == 18 and {row["category"] for row in fontaines} == {"Fontaine"}

    for fmt in ("ods", "xlsx"):
        rows = spreadsheet(body(client.get(f"/inventaires/{campaign.slug}/export.{fmt}")))
        # INSEE codes are text: they come back as text, not as numbers.
        got = read_back(rows, columns)
        if fmt == "xlsx":
            # XlsxWriter writes numbers with 16 significant digits (Excel computes with 15):
            # a coordinate may differ in its 17th digit, less than a micrometre on the ground.
            for row, wanted in zip(got, expected, strict=True):
                for axis in ("longitude", "latitude"):
                    assert row[axis] == pytest.approx(wanted[axis], abs=1e-12)
                    row[axis] = wanted[axis]
        assert got == expected, fmt

    text = body(client.get(f"/inventaires/{campaign.slug}/merimee.csv")).decode("utf-8-sig")
    merimee = list(csv.DictReader(io.StringIO(text, newline="")))
    assert read_back(merimee, list(MERIMEE)) == expected_rows(features, MERIMEE)

    # The same file again: every row is recognised, nothing is imported twice.
    upload(client, campaign, TOULOUSE.read_bytes(), "encore.geojson")
    again = InventoryImport.objects.latest("pk").report
    assert (again["to_import"], again["already"], again["errors"]) == (0, 3174, 0)
    assert Contribution.objects.count() == 3174
    assert time.perf_counter() - started < 60


# Mapping and dry run ---------------------------------------------------------------------

CSV_LINES = [
    "Nom;Catégorie;Longitude;Latitude;Siècle;Code INSEE;Commune;Référence",
    "Lavoir du Pont;LAVOIR;4,365;43,845;XIXe siècle;30189;Nîmes;A1",
    "Croix sans lieu;croix;;;;;;A2",
    "Puits de la place;Puits;4.366;43.846;;;;A3",
    "Truc;inconnu;4.367;43.847;;;;A4",
    "Lavoir lointain;lavoir;2.0;48.0;;;;A5",
    "Doublon;lavoir;4.365;43.845;;;;A1",
    ";lavoir;4.365;43.845;;;;A7",
]


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


def test_import_takes_the_good_rows_in_one_go_then_skips_them(client, campaign, manager):
    upload(client, campaign, csv_bytes(CSV_LINES, "cp1252"), "patrimoine.csv")
    imp = InventoryImport.objects.get()
    client.post(review_url(imp), {"action": "import"})
    items = {item.title: item for item in Contribution.objects.all()}
    # “Truc” is unknown: it went to the heritage template's “Autre élément de patrimoine”.
    assert set(items) == {"Lavoir du Pont", "Puits de la place", "Truc"}
    lavoir = items["Lavoir du Pont"]
    assert (lavoir.longitude, lavoir.latitude) == (4.365, 43.845)
    assert lavoir.category.merimee_denomination == "lavoir"
    assert lavoir.commune.insee_code == "30189"  # known: the commune itself, not a copy
    assert lavoir.values == {"siecle": "XIXe siècle", "source:DENO": "LAVOIR"}
    assert lavoir.external_ref == "A1"
    assert lavoir.contributor_name == "patrimoine"  # the file, as no column names anyone
    assert lavoir.status == Contribution.Status.VALIDATED and lavoir.validated_at
    assert items["Puits de la place"].commune.insee_code == "30189"  # found from the point
    assert items["Truc"].category.name == "Autre élément de patrimoine"
    event = lavoir.events.get()
    assert (event.kind, event.actor) == (ContributionEvent.Kind.IMPORTED, manager)
    assert "patrimoine.csv" in event.message
    imp.refresh_from_db()
    assert (imp.status, imp.imported_count) == (InventoryImport.Status.IMPORTED, 3)

    # Importing the same rows again: they are reported as already imported.
    upload(client, campaign, csv_bytes(CSV_LINES, "cp1252"), "patrimoine-bis.csv")
    again = InventoryImport.objects.latest("pk")
    assert again.report["already"] == 3
    assert problems_by_row(again.report)[2] == ["already_imported"]
    client.post(review_url(again), {"action": "import"})
    assert Contribution.objects.count() == 3


def test_posting_import_twice_imports_once(client, campaign, manager):
    upload(client, campaign, csv_bytes(CSV_LINES), "patrimoine.csv")
    imp = InventoryImport.objects.get()
    client.post(review_url(imp), {"action": "import"})
    client.post(review_url(imp), {"action": "import"})
    assert Contribution.objects.count() == 3


def test_nothing_is_half_imported(client, campaign, manager, monkeypatch):
    upload(client, campaign, csv_bytes(CSV_LINES), "patrimoine.csv")
    imp = InventoryImport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ContributionEvent.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        run.import_run(imp=imp, user=manager)
    assert not Contribution.objects.exists()
    imp.refresh_from_db()
    assert imp.status == InventoryImport.Status.CHECKED


def test_items_can_wait_for_moderation_and_get_a_new_autre_category(client, manager):
    free = campaign_create(project=ProjectFactory(), title="Arbres remarquables")
    free.categories.create(name="Chêne", slug="chene")
    CampaignField.objects.create(campaign=free, key="girth", label="Circonférence", kind="number")
    CampaignField.objects.create(campaign=free, key="alive", label="Vivant", kind="yes_no")
    CampaignField.objects.create(campaign=free, key="seen", label="Vu le", kind="date")
    ProjectMembershipFactory(
        project=free.project, role=ProjectMembership.Role.FACILITATOR, user=manager
    )
    lines = [
        "titre,type,x,y,girth,alive,seen,auteur",
        'Le grand chêne,CHENE,4.1,44.1,"4,5",oui,02/05/2024,Marie',
        "Le tilleul,tilleul,4.2,44.2,,non,,",
        "Le faux,chêne,4.3,44.3,grand,peut-être,hier,",
    ]
    upload(client, free, csv_bytes(lines), "arbres.csv")
    imp = InventoryImport.objects.get()
    assert imp.mapping == {
        "titre": "title",
        "type": "category",
        "x": "longitude",
        "y": "latitude",
        "girth": "field:girth",
        "alive": "field:alive",
        "seen": "field:seen",
        "auteur": "credit",
    }
    assert imp.report["options"]["fallback"] == check.FALLBACK_NEW
    assert problems_by_row(imp.report) == {4: ["bad_number", "bad_yes_no", "bad_date"]}
    response = client.post(
        review_url(imp),
        {
            **mapping_form(imp),
            "fallback": check.FALLBACK_NEW,
            "status": "submitted",
            "source_name": "Relevé de 2024",
            "action": "check",
        },
    )
    assert response.status_code == 302
    client.post(review_url(imp), {"action": "import"})
    chene, tilleul = Contribution.objects.order_by("pk")
    assert chene.values == {
        "girth": 4.5,
        "alive": True,
        "seen": "2024-05-02",
        "source:DENO": "CHENE",
    }
    assert chene.category.name == "Chêne"
    assert chene.contributor_name == "Marie"
    assert (tilleul.category.name, tilleul.category.slug) == ("Autre", "autre")
    assert tilleul.values == {"alive": False, "source:DENO": "tilleul"}
    assert tilleul.contributor_name == "Relevé de 2024"
    assert {chene.status, tilleul.status} == {Contribution.Status.SUBMITTED}
    assert chene.validated_at is None
    assert chene.commune is None  # no commune known there: none kept, none invented


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


# Bad files -------------------------------------------------------------------------------

FEATURE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.36, 43.84]}}


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


def test_a_bad_file_is_refused_on_the_page_and_nothing_is_written(client, campaign, manager):
    response = upload(client, campaign, b"<html>", "page.geojson")
    assert response.status_code == 200
    assert "JSON" in response.content.decode()
    assert not InventoryImport.objects.exists()
    assert not Contribution.objects.exists()


def test_a_file_over_20_mb_is_refused_by_the_form(client, campaign, manager, monkeypatch):
    monkeypatch.setattr(read, "MAX_BYTES", 1000)
    response = upload(client, campaign, b"x" * 1001, "gros.csv")
    assert response.status_code == 200
    assert "20" in response.content.decode()
    assert not InventoryImport.objects.exists()


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


def test_utf8_with_bom_and_commas(campaign):
    content = b"\xef\xbb\xbf" + csv_bytes(["Titre,Longitude,Latitude", "Église,4.365,43.845"])
    source = read.source_read(content=content, name="x.csv")
    assert source.columns == ["Titre", "Longitude", "Latitude"]
    assert source.rows[0].cells["Titre"] == "Église"


# The command -----------------------------------------------------------------------------


def test_command_dry_run_reports_and_writes_nothing(campaign, tmp_path):
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(csv_bytes(CSV_LINES[:2] + CSV_LINES[3:4]))
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_inventory", campaign.slug, str(path), "--dry-run", stdout=out)
    assert "2 rows: 2 to import, 0 already imported, 0 with errors; 0 imported." in out.getvalue()
    assert "Catégorie → category" in out.getvalue()
    assert not Contribution.objects.exists()
    assert not InventoryImport.objects.exists()


def test_command_imports_and_fails_on_rows_it_cannot_import(campaign, tmp_path):
    path = tmp_path / "patrimoine.csv"
    path.write_bytes(csv_bytes(CSV_LINES))
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as failure:
        call_command(
            "import_inventory", campaign.slug, str(path), "--status", "submitted", stdout=out
        )
    assert failure.value.returncode == 1
    assert "4 rows could not be imported" in str(failure.value)
    assert "3: Croix sans lieu — no coordinates" in out.getvalue()
    assert Contribution.objects.filter(status=Contribution.Status.SUBMITTED).count() == 3
    assert InventoryImport.objects.get().status == InventoryImport.Status.IMPORTED


def test_command_refuses_a_bad_file_or_campaign(campaign, tmp_path):
    path = tmp_path / "vide.geojson"
    path.write_bytes(b"")
    with translation.override("en"):
        with pytest.raises(CommandError, match="empty"):
            call_command("import_inventory", campaign.slug, str(path))
        with pytest.raises(CommandError, match="No campaign"):
            call_command("import_inventory", "nulle-part", str(path))


# Permissions -----------------------------------------------------------------------------


def import_pages(campaign: Campaign) -> list[str]:
    imp = InventoryImport.objects.create(
        campaign=campaign,
        file=SimpleUploadedFile("x.csv", csv_bytes(CSV_LINES)),
        original_name="x.csv",
        format="csv",
        mapping={},
        report={"columns": [], "rows": []},
    )
    return [f"/inventaires/{campaign.slug}/importer/", review_url(imp)]


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_import_pages_are_for_those_who_run_the_campaign(client, campaign, role, expected):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    for url in import_pages(campaign):
        assert_answer(client.get(url), expected)
    response = upload(client, campaign, csv_bytes(CSV_LINES), "patrimoine.csv")
    assert_answer(response, expected, ok_status=302)
    assert InventoryImport.objects.count() == (2 if expected == OK else 1)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_import_pages_of_a_draft_project(client, role, expected):
    campaign = heritage_campaign(project=ProjectFactory(status=Project.Status.DRAFT))
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    for url in import_pages(campaign):
        assert_answer(client.get(url), expected)


def test_an_import_of_another_campaign_is_not_found(client, campaign, manager):
    other = campaign_create(project=ProjectFactory(), title="Autre")
    (_upload, review) = import_pages(other)
    assert client.get(review.replace(other.slug, campaign.slug)).status_code == 404


def assert_answer(response, expected: str, *, ok_status: int = 200) -> None:
    if expected == OK:
        assert response.status_code == ok_status
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_a_merimee_ref_becomes_the_reference_and_comes_back_in_the_merimee_export(client):
    project = ProjectFactory()
    campaign = campaign_create(project=project, title="T", template=Campaign.Template.HERITAGE)
    client.force_login(user_with_role("project_facilitator", project))
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [1.44, 43.6]},
        "properties": {
            "REF": "IA31129297",
            "TICO": "Maison",
            "DENO": "maison",
            "COUV": "tuile creuse ; ardoise",
            "ETAT": "restauré en 1990",
        },
    }
    content = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    upload(client, campaign, content, "merimee.geojson")
    imp = InventoryImport.objects.get()
    assert imp.mapping["REF"] == "external_ref"
    assert not imp.report["fingerprint"]
    # Values outside the campaign's choices are kept as the source gives them, and said so.
    assert ["État de conservation", "restauré en 1990", 1] in imp.report["off_list"]
    client.post(review_url(imp), {"action": "import"})
    item = Contribution.objects.get()
    assert item.external_ref == "IA31129297"
    text = body(client.get(f"/inventaires/{campaign.slug}/merimee.csv")).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert (row["REF"], row["TICO"], row["DENO"]) == ("IA31129297", "Maison", "maison")
    assert (row["COUV"], row["ETAT"]) == ("tuile creuse ; ardoise", "restauré en 1990")
