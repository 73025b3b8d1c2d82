"""Importing: all good rows at once or none, never twice; and a Mérimée export imported
then exported again without loss."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from python_calamine import CalamineWorkbook

from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory, user_with_role
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.contributions.periods import century_of
from tissage.inventories.models import (
    Campaign,
    CampaignField,
    Contribution,
    ContributionEvent,
    InventoryImport,
)
from tissage.inventories.opendata.imports import check, run
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
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


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
