"""The map endpoint: points or clusters in view, never a silent cap, bad input refused;
the stored cells kept exact by the database whatever writes the items."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
    _square,
)
from tissage.inventories.map import cells as mapcells
from tissage.inventories.map import data as mapdata
from tissage.inventories.map.cells import cells_check, cells_rebuild
from tissage.inventories.models import Campaign, Category, Contribution, MapCell
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import LAT, LON, heritage_campaign, published, submit

pytestmark = pytest.mark.django_db

BBOX = "4.0,43.5,5.0,44.5"


@pytest.fixture
def campaign():
    """A campaign of its own (no template, no communes): items are added in bulk here."""
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
@pytest.mark.parametrize(
    ("zoom", "way"),
    [("12", "stored cells"), ("16", "on the fly")],
)
def test_map_queries_do_not_grow(client, campaign, count, zoom, way, django_assert_max_num_queries):
    add_items(campaign, count)
    # A view of 1° at zoom 16 is grouped on the fly (level 13 > MAX_LEVEL if forced).
    bbox = BBOX if way == "stored cells" else "4.35,43.83,4.45,43.87"
    with django_assert_max_num_queries(3):
        response = get_map(client, campaign, zoom=zoom, bbox=bbox)
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


# --- Stored cells --------------------------------------------------------------------


def features_by_place(data):
    return sorted(
        (tuple(f["geometry"]["coordinates"]), f["properties"].get("count"))
        for f in data["features"]
    )


def assert_cells_agree(campaign):
    assert cells_check(campaign) == []


def test_a_published_item_is_in_one_cell_per_level_for_all_and_for_its_category(campaign):
    add_items(campaign, 1)
    category = campaign.categories.get(slug="lavoir")
    cells = MapCell.objects.filter(campaign=campaign)
    levels = range(mapcells.MIN_LEVEL, mapcells.MAX_LEVEL + 1)
    assert sorted(cells.values_list("level", flat=True)) == sorted([*levels, *levels])
    # No commune: counted for every item and for its category only.
    assert set(cells.values_list("category", "commune")) == {(0, 0), (category.pk, 0)}
    assert set(cells.values_list("count", flat=True)) == {1}
    assert_cells_agree(campaign)


def test_an_item_with_a_commune_is_also_in_the_cells_of_its_commune(campaign):
    commune = CommuneFactory(insee_code="30189", geometry=_square(4.35, 43.83, size=0.1))
    add_items(campaign, 1, commune=commune)
    category = campaign.categories.get(slug="lavoir")
    cells = MapCell.objects.filter(campaign=campaign, level=mapcells.MAX_LEVEL)
    assert set(cells.values_list("category", "commune", "count")) == {
        (0, 0, 1),
        (category.pk, 0, 1),
        (0, commune.pk, 1),
        (category.pk, commune.pk, 1),
    }
    item = Contribution.objects.get(campaign=campaign)
    item.commune = None
    item.save()
    assert_cells_agree(campaign)
    item.commune = commune
    item.save()
    assert_cells_agree(campaign)


def test_cells_follow_the_life_of_an_item_through_the_services():
    campaign = heritage_campaign()
    moderator = UserFactory()
    waiting = submit(campaign, contributor=UserFactory())
    assert not MapCell.objects.filter(campaign=campaign, count__gt=0).exists()
    item = published(campaign, moderator)
    other = published(campaign, moderator, lon=LON + 0.01, lat=LAT + 0.01)
    assert_cells_agree(campaign)
    assert MapCell.objects.get(campaign=campaign, category=0, commune=0, level=2).count == 2
    contribution_decide(item=item, moderator=moderator, status=Contribution.Status.ARCHIVED)
    assert_cells_agree(campaign)
    assert MapCell.objects.get(campaign=campaign, category=0, commune=0, level=2).count == 1
    contribution_decide(item=item, moderator=moderator, status=Contribution.Status.VALIDATED)
    contribution_decide(item=waiting, moderator=moderator, status=Contribution.Status.VALIDATED)
    assert MapCell.objects.get(campaign=campaign, category=0, commune=0, level=2).count == 3
    assert_cells_agree(campaign)
    other.delete()
    assert MapCell.objects.get(campaign=campaign, category=0, commune=0, level=2).count == 2
    assert_cells_agree(campaign)


def test_cells_follow_moves_category_changes_and_obscuring(campaign):
    add_items(campaign, 3, step=0.05)
    item = Contribution.objects.filter(campaign=campaign).first()
    item.longitude, item.latitude = 2.35, 48.85  # from the Gard to Paris
    item.save()
    assert_cells_agree(campaign)
    item.category = campaign.categories.get(slug="croix")
    item.save(update_fields=["category"])
    assert_cells_agree(campaign)
    item.obscure_location = True
    item.longitude = 2.35678
    item.save()
    assert_cells_agree(campaign)
    # An edit that changes nothing on the map leaves the cells alone.
    before = list(MapCell.objects.order_by("pk").values_list("count", "sum_lon"))
    item.title = "Nouveau titre"
    item.save()
    assert list(MapCell.objects.order_by("pk").values_list("count", "sum_lon")) == before


def test_cells_follow_bulk_writes_that_send_no_signal(campaign):
    add_items(campaign, 120, step=0.01)
    add_items(campaign, 30, status="submitted", lon=4.6)
    items = Contribution.objects.filter(campaign=campaign)
    items.filter(status="submitted").update(status="validated")
    assert_cells_agree(campaign)
    items.filter(pk__in=items.values("pk")[:40]).update(status="archived")
    assert_cells_agree(campaign)
    items.filter(latitude__gt=43.85).update(longitude=4.0, obscure_location=True)
    assert_cells_agree(campaign)
    items.filter(longitude__lt=4.1).delete()
    assert_cells_agree(campaign)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventories_contribution SET status = 'rejected' WHERE campaign_id = %s",
            [campaign.pk],
        )
    assert_cells_agree(campaign)
    assert MapCell.objects.filter(campaign=campaign, count__gt=0).count() == 0


def test_cells_of_one_campaign_leave_the_others_alone(client, campaign):
    other = Campaign.objects.create(project=campaign.project, title="Autre", slug="autre")
    Category.objects.create(campaign=other, name="Lavoir", slug="lavoir")
    add_items(campaign, 5)
    add_items(other, 7)
    assert get_map(client, campaign, zoom="6").json()["total"] == 5
    assert get_map(client, other, zoom="6").json()["total"] == 7
    Contribution.objects.filter(campaign=other).delete()
    other_pk = other.pk
    other.delete()
    assert not MapCell.objects.filter(campaign_id=other_pk).exists()
    assert_cells_agree(campaign)
    assert get_map(client, campaign, zoom="6").json()["total"] == 5


def test_stored_cells_and_grouping_on_the_fly_give_the_same_map(client, campaign, monkeypatch):
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 20)
    nimes = CommuneFactory(insee_code="30189", geometry=_square(4.3, 43.8, size=0.2))
    uzes = CommuneFactory(insee_code="30334", geometry=_square(4.6, 44.0, size=0.2))
    add_items(campaign, 500, step=0.013)
    add_items(campaign, 40, category="croix", lon=4.7, lat=44.1, obscure_location=True)
    add_items(campaign, 60, category="croix", lon=4.3, lat=43.8, commune=nimes)
    add_items(campaign, 70, lon=4.6, lat=44.0, step=0.002, commune=uzes)
    filters = [
        {},
        {"category": "croix"},
        {"commune": "30189"},
        {"category": "croix", "commune": "30189"},
        {"commune": "30334"},
    ]
    requests = [(zoom, f) for zoom in ("8", "10", "12") for f in filters]
    stored = [get_map(client, campaign, zoom=zoom, **f).json() for zoom, f in requests]
    monkeypatch.setattr(mapdata, "MAX_LEVEL", -1)  # never the stored cells
    live = [get_map(client, campaign, zoom=zoom, **f).json() for zoom, f in requests]
    expected_totals = [670, 100, 60, 60, 70]
    for (zoom, f), from_cells, on_the_fly in zip(requests, stored, live, strict=True):
        assert from_cells["kind"] == on_the_fly["kind"] == "clusters", (zoom, f)
        assert from_cells["total"] == on_the_fly["total"] == expected_totals[filters.index(f)]
        assert features_by_place(from_cells) == features_by_place(on_the_fly), (zoom, f)


def test_unknown_commune_shows_nothing(client, campaign):
    add_items(campaign, 3)
    for zoom in ("8", "16"):
        assert get_map(client, campaign, zoom=zoom, commune="99999").json()["total"] == 0


def test_a_cell_partly_in_view_counts_whole_and_the_points_are_strictly_in_view(
    client, campaign, monkeypatch
):
    add_items(campaign, 1, lon=4.01, lat=44.0)
    add_items(campaign, 1, lon=3.99, lat=44.0)  # west of the view, same level-8 cell
    view = {"bbox": "4.0,43.5,5.0,44.5", "zoom": "6"}
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 0)
    assert get_map(client, campaign, **view).json()["total"] == 2
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 400)
    data = get_map(client, campaign, **view).json()
    assert (data["kind"], data["total"]) == ("points", 1)


def test_an_obscured_item_is_placed_by_its_public_point_only(client, campaign):
    # Exact point 4.3649 (west of 4.365), shown at 4.36: a box starting at 4.3645 must
    # not reveal that the exact point is inside it.
    add_items(campaign, 1, lon=4.3649, lat=43.8449, obscure_location=True)
    assert get_map(client, campaign, bbox="4.3645,43.80,4.40,43.90", zoom="16").json()["total"] == 0
    assert (
        get_map(client, campaign, bbox="4.355,43.80,4.3645,43.90", zoom="16").json()["total"] == 1
    )


def test_period_filter():
    campaign = heritage_campaign()
    key = campaign.period_field_key()
    moderator = UserFactory()
    published(campaign, moderator, values={key: "XIXe siècle"})
    published(campaign, moderator, values={key: "XVIIe siècle"})
    client = Client()
    url = f"/inventaires/{campaign.slug}/carte.geojson"
    query = {"bbox": BBOX, "zoom": "12"}
    assert client.get(url, {**query, "period": "xix"}).json()["total"] == 1
    assert client.get(url, query).json()["total"] == 2
    response = client.get(url, {**query, "period": "x" * 41})
    assert response.status_code == 400
    assert response.json()["errors"]["period"]


def test_unknown_category_shows_nothing(client, campaign):
    add_items(campaign, 3)
    for zoom in ("8", "16"):
        assert get_map(client, campaign, zoom=zoom, category="moulin").json()["total"] == 0


def test_a_draft_project_map_is_not_kept_by_shared_caches(client, campaign):
    assert get_map(client, campaign)["Cache-Control"] == "public, max-age=60"
    campaign.project.status = "draft"
    campaign.project.save()
    member = UserFactory()
    client.force_login(member)
    ProjectMembershipFactory(project=campaign.project, user=member)
    assert get_map(client, campaign)["Cache-Control"] == "private, max-age=60"


def test_rebuild_gives_the_same_cells_and_clears_empty_ones(campaign):
    add_items(campaign, 60, step=0.02)
    Contribution.objects.filter(campaign=campaign, latitude__gt=43.84).update(status="archived")
    assert MapCell.objects.filter(campaign=campaign, count=0).exists()
    before = {
        (c.category, c.level, c.cx, c.cy): c.count
        for c in MapCell.objects.filter(campaign=campaign, count__gt=0)
    }
    assert cells_rebuild(campaign=campaign) == len(before)
    after = {
        (c.category, c.level, c.cx, c.cy): c.count
        for c in MapCell.objects.filter(campaign=campaign)
    }
    assert after == before


def test_map_cells_command_checks_and_rebuilds(campaign, capsys):
    add_items(campaign, 10)
    call_command("map_cells")
    assert "cells agree" in capsys.readouterr().out
    MapCell.objects.filter(campaign=campaign, level=5).update(count=3)
    with pytest.raises(CommandError, match="--rebuild"):
        call_command("map_cells", campaign.slug)
    assert "stored" in capsys.readouterr().out
    call_command("map_cells", "--rebuild")
    assert_cells_agree(campaign)
    with pytest.raises(CommandError, match="nope"):
        call_command("map_cells", "nope")


def test_few_items_in_a_wide_filtered_view_come_as_points_even_on_cell_edges(client, campaign):
    edge = -180 + 131 * mapcells.level_size(8)  # 4.21875: a cell edge at zoom 6
    add_items(campaign, 2000, step=0.003)  # lavoirs, which the filter leaves out
    for lon in (edge, edge - 1e-9, edge + 1e-9, 4.9, 4.1):
        add_items(campaign, 1, category="croix", lon=lon, lat=44.0)
    add_items(campaign, 1, category="croix", lon=edge - 0.004, lat=44.0, obscure_location=True)
    data = get_map(client, campaign, zoom="6", category="croix").json()
    assert (data["kind"], data["total"]) == ("points", 6)
    assert sorted(f["geometry"]["coordinates"][0] for f in data["features"]) == sorted(
        [round(edge - 0.004, 2), 4.1, round(edge - 1e-9, 6), edge, round(edge + 1e-9, 6), 4.9]
    )
