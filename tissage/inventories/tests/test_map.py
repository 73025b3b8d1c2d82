"""The map endpoint: points or clusters in view, never a silent cap, bad input refused."""

import pytest
from django.utils import timezone, translation

from tissage.core.tests.factories import CommuneFactory, ProjectFactory, UserFactory, _square
from tissage.inventories import mapdata
from tissage.inventories.models import Campaign, Category, Contribution

pytestmark = pytest.mark.django_db

BBOX = "4.0,43.5,5.0,44.5"


@pytest.fixture
def campaign():
    project = ProjectFactory(status="published")
    campaign = Campaign.objects.create(project=project, title="Patrimoine", slug="patrimoine")
    Category.objects.create(campaign=campaign, name="Lavoir", slug="lavoir")
    Category.objects.create(campaign=campaign, name="Croix", slug="croix")
    return campaign


def add_items(
    campaign,
    count,
    *,
    category="lavoir",
    status="validated",
    lon=4.36,
    lat=43.84,
    step=0.001,
    **extra,
):
    category = campaign.categories.get(slug=category)
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            title=f"Item {i}",
            status=status,
            longitude=lon + (i % 50) * step,
            latitude=lat + (i // 50) * step,
            licence=campaign.licence,
            consent_at=timezone.now(),
            **extra,
        )
        for i in range(count)
    )


def get_map(client, campaign, **params):
    query = {"bbox": BBOX, "zoom": "12", **params}
    return client.get(f"/inventaires/{campaign.slug}/carte.geojson", query)


def test_few_items_come_as_points_with_only_published_ones(client, campaign):
    add_items(campaign, 3)
    add_items(campaign, 2, status="submitted")
    add_items(campaign, 1, status="rejected")
    response = get_map(client, campaign)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert (data["kind"], data["total"], len(data["features"])) == ("points", 3, 3)
    lon, lat = data["features"][0]["geometry"]["coordinates"]  # RFC 7946: lon, lat
    assert 4.3 < lon < 4.5 and 43.8 < lat < 43.9


def test_many_items_come_as_clusters_that_add_up_to_the_total(client, campaign, monkeypatch):
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 50)
    add_items(campaign, 300, step=0.01)
    data = get_map(client, campaign, zoom="9").json()
    assert data["kind"] == "clusters"
    assert data["total"] == 300
    assert sum(f["properties"]["count"] for f in data["features"]) == 300
    assert 1 < len(data["features"]) < 300


def test_obscured_items_are_rounded_on_the_map(client, campaign):
    add_items(campaign, 1, lon=4.36789, lat=43.84567, obscure_location=True)
    data = get_map(client, campaign).json()
    assert data["features"][0]["geometry"]["coordinates"] == [4.37, 43.85]


def test_obscured_items_are_rounded_in_clusters_too(client, campaign, monkeypatch):
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 0)
    add_items(campaign, 1, lon=4.36789, lat=43.84567, obscure_location=True)
    data = get_map(client, campaign, zoom="18").json()
    assert data["features"][0]["geometry"]["coordinates"] == [4.37, 43.85]


def test_filters_by_category_and_commune(client, campaign):
    commune = CommuneFactory(insee_code="30189", geometry=_square(4.35, 43.83, size=0.1))
    add_items(campaign, 2, commune=commune)
    add_items(campaign, 3, category="croix")
    assert get_map(client, campaign, category="croix").json()["total"] == 3
    assert get_map(client, campaign, commune="30189").json()["total"] == 2


def test_only_what_is_in_view(client, campaign):
    add_items(campaign, 2)
    add_items(campaign, 4, lon=2.0, lat=48.0)
    assert get_map(client, campaign).json()["total"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "nonsense"}, "bbox"),
        ({"bbox": "5,44,4,43"}, "bbox"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "-200,0,0,10"}, "bbox"),
        ({"zoom": "x"}, "zoom"),
        ({"zoom": "40"}, "zoom"),
        ({"commune": "abc"}, "commune"),
    ],
)
def test_bad_requests_get_a_clear_message_not_a_500(client, campaign, params, field):
    with translation.override("fr"):
        response = get_map(client, campaign, **params)
    assert response.status_code == 400
    assert response.json()["errors"][field]


def test_draft_project_campaign_is_hidden(client, campaign):
    campaign.project.status = "draft"
    campaign.project.save()
    assert get_map(client, campaign).status_code == 404
    client.force_login(UserFactory())
    assert get_map(client, campaign).status_code == 404


@pytest.mark.parametrize("count", [10, 1000])
def test_map_queries_do_not_grow(client, campaign, count, django_assert_max_num_queries):
    add_items(campaign, count)
    with django_assert_max_num_queries(3):
        response = get_map(client, campaign)
    assert response.json()["total"] == count


def test_payload_stays_small_even_for_a_huge_view_at_a_deep_zoom(client, campaign):
    # 2,500 items spread over the whole box: the grid is capped at 32 × 32 cells.
    add_items(campaign, 2500, lon=4.0, lat=43.5, step=0.02)
    response = get_map(client, campaign, zoom="18")
    data = response.json()
    assert data["kind"] == "clusters"
    assert sum(f["properties"]["count"] for f in data["features"]) == data["total"] == 2500
    assert len(data["features"]) <= 33 * 33  # cell edges may add one row and column
    assert len(response.content) < 100_000
