"""The open-data pages: the data page, and who may fetch each export and use the import."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tissage.core.tests.factories import ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    EVERYONE,
    OK,
    STAFF,
    STAFF_DRAFT,
    assert_answer,
)
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.models import Campaign, Contribution, InventoryImport
from tissage.inventories.opendata import exports
from tissage.inventories.opendata.imports import read
from tissage.inventories.tests.helpers import heritage_campaign
from tissage.inventories.tests.opendata.helpers import body, public_urls
from tissage.inventories.tests.opendata.imports.helpers import (
    CSV_LINES,
    csv_bytes,
    review_url,
    upload,
)
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


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


def test_data_page_counts_the_published_items_from_the_stored_cells(client, campaign, items):
    """The lead's count is summed from the map cells (issue #20: a cost that does not grow
    with the campaign), and is the exports' count, items dated by century included."""
    Contribution.objects.filter(campaign=campaign).update(century=19)
    expected = exports.published_items(campaign).count()
    assert expected == 2
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/inventaires/{campaign.slug}/donnees/")
    lead = response.content.decode().split('<p class="lead">')[1].split("</p>")[0]
    assert lead.startswith(f"{expected} fiches publiées")
    read = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in read if 'FROM "inventories_contribution"' in sql]


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


def test_an_import_file_is_private_under_a_random_name(client, campaign, manager, settings):
    from pathlib import Path

    from tissage.core.files import PRIVATE

    upload(client, campaign, csv_bytes(CSV_LINES), "liste de Mme Dupont.csv")

    imp = InventoryImport.objects.get()
    assert imp.original_name == "liste de Mme Dupont.csv"
    assert imp.file.name.startswith(PRIVATE + "inventories/imports/")
    assert "Dupont" not in imp.file.name and imp.file.name.endswith(".csv")
    assert Path(imp.file.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    client.logout()
    for name in (imp.file.name, imp.file.name.removeprefix(PRIVATE)):
        assert client.get(f"/media/{name}").status_code == 404
