"""ETag and Last-Modified on every read, 304 to a client that holds the answer already,
and the licence in every answer's meta."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from tissage.actions.tests.helpers import register
from tissage.api.responses import row_addresses
from tissage.api.tests.builders import a_campaign, an_action, an_initiative, an_item
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.core.tests.factories import OrganisationFactory, ProjectFactory
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_read(db) -> list[str]:
    """One address of each endpoint, over one row of each kind."""
    project = ProjectFactory()
    action = an_action(project)
    campaign = a_campaign(project)
    item = an_item(campaign)
    initiative = an_initiative()
    consultation = ConsultationFactory(project=project)
    return [
        "/api/v1/organisations",
        f"/api/v1/organisations/{project.organisation.slug}",
        "/api/v1/projects",
        f"/api/v1/projects/{project.slug}",
        "/api/v1/actions",
        f"/api/v1/actions/{action.slug}",
        "/api/v1/campaigns",
        f"/api/v1/campaigns/{campaign.slug}",
        f"/api/v1/campaigns/{campaign.slug}/items",
        f"/api/v1/campaigns/{campaign.slug}/items/{item.pk}",
        "/api/v1/initiatives",
        f"/api/v1/collectives/{initiative.collective.slug}/initiatives/{initiative.pk}",
        "/api/v1/consultations",
        f"/api/v1/consultations/{consultation.slug}",
    ]


def test_every_read_has_validators_and_answers_304_to_either_of_them(client, every_read):
    for url in every_read:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"].startswith('"') and first["Last-Modified"], url
        assert "public" in first["Cache-Control"], url

        by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

        assert (by_etag.status_code, by_etag.content) == (304, b""), url
        assert by_etag["ETag"] == first["ETag"]
        assert by_date.status_code == 304, url


def test_every_read_carries_a_licence_and_an_attribution(client, every_read):
    for url in every_read:
        meta = client.get(url).json()["meta"]
        assert meta["licence"]["id"] and meta["licence"]["url"].startswith("https://"), url
        assert meta["attribution"] and meta["source"].startswith("http://testserver/"), url


@override_settings(DATA_LICENCE="cc-by-4.0", PLATFORM_NAME="Tissage Drôme")
def test_the_platforms_licence_is_the_one_configured_items_keep_their_campaigns(client):
    campaign = a_campaign(licence="cc0-1.0")
    an_item(campaign)

    platform = client.get("/api/v1/campaigns").json()["meta"]
    items = client.get(f"/api/v1/campaigns/{campaign.slug}/items").json()["meta"]

    assert platform["licence"]["id"] == "cc-by-4.0"
    assert platform["attribution"].startswith("Tissage Drôme, ")
    assert items["licence"]["id"] == "cc0-1.0"


def test_a_change_anywhere_in_the_body_changes_the_etag_places_left_included(client):
    action = an_action(places=5)
    url = "/api/v1/actions"
    before = client.get(url)["ETag"]

    register(action, 1)  # the action's row is untouched: only its places left change

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["results"][0]["registration"]["places_left"] == 4
    assert response["ETag"] != before


def test_a_row_leaving_the_list_changes_the_etag(client):
    project = ProjectFactory()
    first = client.get("/api/v1/projects")

    Project.objects.filter(pk=project.pk).update(status=Project.Status.DRAFT)

    assert client.get("/api/v1/projects", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_last_modified_is_the_newest_change_the_answer_shows(client):
    organisation = OrganisationFactory()
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    project = ProjectFactory(organisation=organisation)
    Project.objects.filter(pk=project.pk).update(updated_at=moment)
    type(organisation).objects.filter(pk=organisation.pk).update(updated_at=moment)

    response = client.get(f"/api/v1/projects/{project.slug}")

    assert response["Last-Modified"] == http_date(moment.timestamp())
    older = http_date((moment - datetime.timedelta(seconds=1)).timestamp())
    assert (
        client.get(f"/api/v1/projects/{project.slug}", HTTP_IF_MODIFIED_SINCE=older).status_code
        == 200
    )


def test_the_body_is_the_same_whatever_the_language_asked(client):
    campaign = a_campaign()
    an_item(campaign, show_contributor=False)
    url = f"/api/v1/campaigns/{campaign.slug}/items"

    french = client.get(url)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert english.content == french.content
    assert english["ETag"] == french["ETag"]
    assert "Accept-Language" in french["Vary"]


def test_row_addresses_are_those_reverse_gives(rf):
    request = rf.get("/api/v1/actions")
    address = row_addresses(request, "inventories:item", row="pk", slug="lavoirs-du-gard")

    for pk in (1, 42, 2**40):
        assert address(pk) == "http://testserver" + reverse(
            "inventories:item", kwargs={"slug": "lavoirs-du-gard", "pk": pk}
        )
    assert row_addresses(request, "actions:detail", row="slug")("fete-des-fours") == (
        "http://testserver/actions/fete-des-fours/"
    )


def test_row_addresses_reverse_each_row_when_another_argument_holds_the_placeholder(rf):
    """A campaign whose slug happens to be the placeholder's digits: the address is still
    right, through `reverse` for each row."""
    request = rf.get("/api/v1/campaigns")
    slug = "4611686018427387903"
    address = row_addresses(request, "inventories:item", row="pk", slug=slug)

    assert address(7) == f"http://testserver/inventaires/{slug}/fiches/7/"
