"""GET /api/v1/campaigns…, and a campaign's items as GeoJSON: published items only, at
their public point, credited by their public name, under the campaign's licence."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tissage.api.tests.builders import a_campaign, an_item
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, UserFactory
from tissage.inventories.models import Contribution, Photo
from tissage.inventories.personal_data import forget
from tissage.inventories.tests.helpers import heritage_campaign, photo_row, published
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db


def features(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["features"]


def test_a_campaign_with_its_licence_count_and_addresses(client):
    campaign = a_campaign(licence="cc-by-sa-4.0")
    campaign.communes.add(CommuneFactory(insee_code="30189", name="Nîmes"))
    an_item(campaign)
    an_item(campaign, status=Contribution.Status.SUBMITTED)

    row = client.get("/api/v1/campaigns").json()["results"][0]

    assert row["licence"]["id"] == "cc-by-sa-4.0"
    assert row["items_count"] == 1
    assert row["communes"] == [{"insee": "30189", "name": "Nîmes"}]
    assert row["items_url"] == f"http://testserver/api/v1/campaigns/{campaign.slug}/items"
    assert row["open"] is True
    assert client.get(f"/api/v1/campaigns/{campaign.slug}").json()["campaign"] == row


def test_a_draft_projects_campaign_is_neither_listed_nor_found_nor_its_items(client):
    hidden = a_campaign(ProjectFactory(status=Project.Status.DRAFT))
    an_item(hidden)

    assert client.get("/api/v1/campaigns").json()["results"] == []
    assert client.get(f"/api/v1/campaigns/{hidden.slug}").status_code == 404
    assert client.get(f"/api/v1/campaigns/{hidden.slug}/items").status_code == 404
    assert client.get("/api/v1/campaigns?project=" + hidden.project.slug).json()["results"] == []


def test_items_are_a_geojson_feature_collection_under_the_campaigns_licence(client):
    campaign = a_campaign(licence="cc-by-4.0")
    item = an_item(campaign, lon=4.36, lat=43.84, values={"hauteur": 3})

    response = client.get(f"/api/v1/campaigns/{campaign.slug}/items")

    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["meta"]["licence"]["id"] == "cc-by-4.0"
    assert campaign.title in body["meta"]["attribution"]
    [feature] = body["features"]
    assert feature["id"] == item.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [4.36, 43.84]}
    assert feature["properties"]["licence"] == "cc-by-4.0"
    assert feature["properties"]["contributor"] == "Jeanne"


def test_unpublished_and_merged_items_are_never_listed_nor_found(client):
    campaign = a_campaign()
    shown = an_item(campaign)
    hidden = [
        an_item(campaign, status=status)
        for status in Contribution.Status
        if status != Contribution.Status.VALIDATED
    ]
    merged = an_item(campaign, status=Contribution.Status.ARCHIVED, merged_into=shown)

    assert [f["id"] for f in features(client.get(f"/api/v1/campaigns/{campaign.slug}/items"))] == [
        shown.pk
    ]
    for item in [*hidden, merged]:
        response = client.get(f"/api/v1/campaigns/{campaign.slug}/items/{item.pk}")
        assert response.status_code == 404


def test_an_obscured_item_shows_only_its_public_point_and_never_its_address_or_email(client):
    campaign = a_campaign()
    contributor = UserFactory(email="secret-person@example.org", display_name="")
    item = an_item(
        campaign,
        lon=4.36789,
        lat=43.84321,
        obscure_location=True,
        address="12 chemin du Puits",
        contributor=contributor,
        contributor_name="",
        contributor_email="",
    )

    listed = client.get(f"/api/v1/campaigns/{campaign.slug}/items")
    alone = client.get(f"/api/v1/campaigns/{campaign.slug}/items/{item.pk}")

    for response in (listed, alone):
        text = response.content.decode()
        assert "4.36789" not in text and "43.84321" not in text
        assert "chemin du Puits" not in text
        assert "secret-person" not in text and "jeanne@example.org" not in text
    feature = listed.json()["features"][0]
    assert feature["geometry"]["coordinates"] == [4.37, 43.84]
    assert feature["properties"]["place_hidden"] is True
    assert feature["properties"]["address"] == ""
    with translation.override("fr"):  # public names in French, as in the open-data files
        assert feature["properties"]["contributor"] == contributor.public_name
    assert alone.json()["geometry"] == feature["geometry"]


def test_each_item_is_credited_as_its_page_credits_it(client):
    """The list reads plain rows, not items: its credit must be the model's own, in
    every case (hidden, a given name, an account with or without a name, an assisted
    entry, nobody left)."""
    campaign = a_campaign()
    named = UserFactory(display_name="Anne des Garrigues")
    unnamed = UserFactory(display_name="")
    cases = [
        {"show_contributor": False},
        {"contributor_name": "Marcel"},
        {"contributor_name": "", "contributor": named},
        {"contributor_name": "", "contributor": unnamed},
        {"contributor_name": "", "entered_by": UserFactory(display_name="Paul, du foyer")},
        {"contributor_name": ""},
    ]
    items = [an_item(campaign, **fields) for fields in cases]

    listed = features(client.get(f"/api/v1/campaigns/{campaign.slug}/items"))

    with translation.override("fr"):
        expected = [
            Contribution.objects.select_related("contributor", "entered_by")
            .get(pk=item.pk)
            .public_contributor
            for item in items
        ]
    assert [feature["properties"]["contributor"] for feature in listed] == expected
    assert len(set(expected)) == len(cases)  # six different credits
    with translation.override("fr"):
        assert unnamed.public_name in expected


def test_the_box_is_decided_on_the_public_point_never_the_exact_one(client):
    campaign = a_campaign()
    # Public points are rounded to 0.01°: 4.3651 shows at 4.37, in the box below; 4.364
    # is in the box, but shows at 4.36, outside it: the box must not find it.
    shown_inside = an_item(campaign, lon=4.3651, lat=43.8449, obscure_location=True)
    exactly_inside = an_item(campaign, lon=4.364, lat=43.8449, obscure_location=True)
    box = "4.362,43.835,4.37,43.85"

    found = features(client.get(f"/api/v1/campaigns/{campaign.slug}/items?bbox={box}"))

    assert [f["id"] for f in found] == [shown_inside.pk]
    assert exactly_inside.pk not in [f["id"] for f in found]


def test_items_filters_category_commune_and_updated_since(client):
    campaign = heritage_campaign()
    lavoir = campaign.categories.get(merimee_denomination="lavoir")
    other = campaign.categories.exclude(pk=lavoir.pk).first()
    a = an_item(campaign, category=lavoir, commune=campaign.communes.get(insee_code="30189"))
    b = an_item(campaign, category=other)
    Contribution.objects.filter(pk=b.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=2)
    )
    url = f"/api/v1/campaigns/{campaign.slug}/items"
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()

    assert [f["id"] for f in features(client.get(f"{url}?category={other.slug}"))] == [b.pk]
    assert [f["id"] for f in features(client.get(f"{url}?commune=30189"))] == [a.pk]
    assert [f["id"] for f in features(client.get(url, {"updated_since": since}))] == [a.pk]


def test_an_item_with_photos_and_answers_through_the_services(client, on_commit):
    campaign = heritage_campaign()
    moderator = UserFactory()
    campaign.project.memberships.create(user=moderator, role=ProjectMembership.Role.FACILITATOR)
    # Once committed, the published item's photos are public files.
    item = on_commit(
        published, campaign, moderator, values={"siecle": "XIXe siècle", "source:DENO": "lavoir"}
    )

    feature = client.get(f"/api/v1/campaigns/{campaign.slug}/items/{item.pk}").json()

    [photo] = feature["properties"]["photos"]
    assert photo["credit"] == "Jeanne D."
    assert photo["url"].startswith("http://testserver/media/")
    assert feature["properties"]["answers"] == {
        "siecle": "XIXe siècle"
    }  # never an import's own keys
    assert feature["meta"]["licence"]["id"] == campaign.licence


def test_the_items_cost_three_queries_with_2_or_20_items(client, django_assert_num_queries):
    """The campaign, the page of items, the campaign's questions; no query for photos
    when no item of the page has any (an imported inventory's)."""
    campaign = a_campaign()
    url = f"/api/v1/campaigns/{campaign.slug}/items"
    for count in (2, 20):
        while campaign.items.count() < count:
            an_item(campaign, commune=CommuneFactory(), contributor=UserFactory())
        with django_assert_num_queries(3):
            assert len(features(client.get(url))) == count


def test_the_items_with_photos_cost_one_query_more_with_2_or_20_items(
    client, django_assert_num_queries
):
    campaign = a_campaign()
    url = f"/api/v1/campaigns/{campaign.slug}/items"
    for count in (2, 20):
        while campaign.items.count() < count:
            item = an_item(campaign, commune=CommuneFactory(), entered_by=UserFactory())
            Photo.objects.bulk_create([photo_row(item, 1), photo_row(item, 0)])
        with django_assert_num_queries(4):
            found = features(client.get(url))
        assert len(found) == count
        thumbnails = [
            [photo["thumbnail_url"].rsplit("/", 1)[1] for photo in f["properties"]["photos"]]
            for f in found
        ]
        assert thumbnails == [[f"{f['id']}-0.jpg", f"{f['id']}-1.jpg"] for f in found]


def test_the_items_in_a_box_cost_four_queries_with_2_or_20_items(client, django_assert_num_queries):
    """One more than without a box: the stored cells tell how the box is best read."""
    campaign = a_campaign()
    url = f"/api/v1/campaigns/{campaign.slug}/items?bbox=4.3,43.8,4.5,43.9"
    for count in (2, 20):
        while campaign.items.count() < count:
            an_item(campaign, commune=CommuneFactory(), contributor=UserFactory())
        with django_assert_num_queries(4):
            assert len(features(client.get(url))) == count


def _items_query(client, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert features(client.get(url))
    [sql] = [q["sql"] for q in queries if q["sql"].startswith('SELECT "inventories_contribution"')]
    return sql


def test_a_box_holding_most_items_is_read_in_id_order_not_sorted(client):
    """bench/api.py, half the Gard at 100,000 items: SQLite read the whole box through
    the map index and sorted it to keep 51 rows."""
    campaign = a_campaign()
    for i in range(10):
        an_item(campaign, lon=4.36 + i * 0.001, lat=43.84)
    an_item(campaign, lon=3.5, lat=44.2)
    url = f"/api/v1/campaigns/{campaign.slug}/items?limit=5&bbox="

    dense = _items_query(client, url + "4.3,43.8,4.5,43.9")
    sparse = _items_query(client, url + "3.4,44.1,3.6,44.3")

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            plans = [
                str(cursor.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
                for sql in (dense, sparse)
            ]
        assert "TEMP B-TREE FOR ORDER BY" not in plans[0], plans[0]
        assert "contribution_map_idx" in plans[1], plans[1]
    else:
        # PostgreSQL chooses well by itself (its statistics on ranges): the same query.
        assert re.sub(r"[\d.]+", "", dense) == re.sub(r"[\d.]+", "", sparse)


def test_the_campaigns_cost_two_queries_with_2_or_20_campaigns(client, django_assert_num_queries):
    for count in (2, 20):
        while len(client.get("/api/v1/campaigns?limit=200").json()["results"]) < count:
            an_item(a_campaign(title=f"Campagne {count}"))
        with django_assert_num_queries(2):
            rows = client.get("/api/v1/campaigns").json()["results"]
        assert len(rows) == count


def test_a_deleted_accounts_items_tell_pollers_their_credit_changed(client):
    campaign = a_campaign()
    person = UserFactory()
    item = an_item(campaign, contributor=person, contributor_name="Jeanne Martin")
    Contribution.objects.filter(pk=item.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=5)
    )
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    url = f"/api/v1/campaigns/{campaign.slug}/items"

    forget(person)

    [feature] = features(client.get(url, {"updated_since": since}))
    assert "Jeanne Martin" not in str(feature)
