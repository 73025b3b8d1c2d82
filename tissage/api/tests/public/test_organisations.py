"""GET /api/v1/organisations and /api/v1/organisations/<slug>."""

import datetime

import pytest
from django.utils import timezone

from tissage.core.tests.factories import CommuneFactory, OrganisationFactory
from tissage.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_an_organisation_with_its_communes_and_never_its_contact_email(client):
    organisation = OrganisationFactory(contact_email="contact@example.org")
    organisation.communes.add(CommuneFactory(insee_code="30189", name="Nîmes"))

    response = client.get("/api/v1/organisations")
    detail = client.get(f"/api/v1/organisations/{organisation.slug}")

    row = response.json()["results"][0]
    assert row["communes"] == [{"insee": "30189", "name": "Nîmes"}]
    assert row["url"] == f"http://testserver/structures/{organisation.slug}/"
    assert detail.json()["organisation"] == row
    assert b"contact@example.org" not in response.content + detail.content


def test_filters_by_commune_and_updated_since(client):
    here = OrganisationFactory()
    here.communes.add(CommuneFactory(insee_code="30189"))
    old = OrganisationFactory()
    Organisation.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=3)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    assert slugs(client.get("/api/v1/organisations?commune=30189")) == [here.slug]
    assert slugs(client.get("/api/v1/organisations", {"updated_since": since})) == [here.slug]


def test_an_unknown_or_impossible_slug_is_a_json_404(client):
    for slug in ("personne", "pas%20un%20slug", "%00"):
        response = client.get(f"/api/v1/organisations/{slug}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_the_list_costs_two_queries_with_2_or_20_organisations(client, django_assert_num_queries):
    for count in (2, 20):
        while Organisation.objects.count() < count:
            OrganisationFactory().communes.add(CommuneFactory())
        with django_assert_num_queries(2):
            assert len(slugs(client.get("/api/v1/organisations"))) == count
