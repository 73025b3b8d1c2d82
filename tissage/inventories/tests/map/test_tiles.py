"""The map's tiles (z/x/y): what each holds (groups, single items, every item once across
tiles, edges included), how browsers may keep them (ETag, 304, Cache-Control), the
version in the page, queries that do not grow, bad input refused clearly."""

import itertools
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
    _square,
)
from tissage.inventories.map import tiles as maptiles
from tissage.inventories.map.tiles import Tile, tile_of
from tissage.inventories.models import Campaign, Category, Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    project = ProjectFactory(status="published")
    campaign = Campaign.objects.create(project=project, title="Patrimoine", slug="patrimoine")
    Category.objects.create(campaign=campaign, name="Lavoir", slug="lavoir")
    Category.objects.create(campaign=campaign, name="Croix", slug="croix")
    return campaign


def add(campaign, points, *, category="lavoir", status="validated", **extra):
    category = campaign.categories.get(slug=category)
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            title=f"Item {i}",
            status=status,
            longitude=lon,
            latitude=lat,
            licence=campaign.licence,
            consent_at=timezone.now(),
            **extra,
        )
        for i, (lon, lat) in enumerate(points)
    )


def grid(count, *, lon=4.36, lat=43.84, step=0.001, columns=50):
    return [(lon + (i % columns) * step, lat + (i // columns) * step) for i in range(count)]


def tile_url(campaign, z, x, y):
    return f"/inventaires/{campaign.slug}/carte/tuiles/{z}/{x}/{y}.json"


def get_tile(client, campaign, z, x, y, **params):
    return client.get(tile_url(campaign, z, x, y), params)


def tiles_around(lon, lat, z, reach=1):
    x, y = tile_of(lon, lat, z)
    return [(x + dx, y + dy) for dx in range(-reach, reach + 1) for dy in range(-reach, reach + 1)]


def counted(data):
    return sum(c[2] for c in data["clusters"]) + len(data["items"])


def test_a_tile_of_many_items_sends_groups_that_add_up(client, campaign):
    add(campaign, grid(600, step=0.002))
    x, y = tile_of(4.38, 43.85, 10)
    response = get_tile(client, campaign, 10, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["tile"] == [10, x, y]
    assert data["clusters"], data
    assert counted(data) == data["total"] > maptiles.TILE_ITEMS_LIMIT
    for lon, lat, count in data["clusters"]:
        assert count > 1
        assert Tile(10, x, y).holds(lon, lat)


@pytest.mark.parametrize("rows", [1000, 5])
def test_every_item_is_counted_once_across_tiles_at_every_zoom(client, campaign, rows, monkeypatch):
    # Deep zooms group in Python up to `ON_THE_FLY_ROWS` items, in the database beyond.
    monkeypatch.setattr(maptiles, "ON_THE_FLY_ROWS", rows)
    # Items on a grid that crosses tile edges at every zoom, some exactly on an edge.
    edge_lon = Tile(12, *tile_of(4.36, 43.84, 12)).box.min_lon
    edge_lat = Tile(12, *tile_of(4.36, 43.84, 12)).box.min_lat
    points = grid(300, lon=edge_lon - 0.01, lat=edge_lat - 0.006, step=0.0007, columns=30)
    points += [(edge_lon, edge_lat), (edge_lon, 43.84), (4.36, edge_lat)] * 2
    add(campaign, points)
    for z in (6, 9, 11, 12, 13, 15):
        seen = []
        reach = 1 if z < 13 else 3 if z == 13 else 10
        for x, y in tiles_around(edge_lon, edge_lat, z, reach):
            data = get_tile(client, campaign, z, x, y).json()
            assert counted(data) == data["total"]
            seen.append(data["total"])
            seen_ids = [item[0] for item in data["items"]]
            assert len(seen_ids) == len(set(seen_ids))
        assert sum(seen) == len(points), z


def test_an_item_exactly_on_a_tile_corner_is_in_one_tile_only(client, campaign):
    tile = Tile(14, *tile_of(4.36, 43.84, 14))
    corner = (tile.box.min_lon, tile.box.max_lat)
    add(campaign, [corner])
    found = []
    for z in (12, 14, 16):
        holders = [
            (x, y)
            for x, y in tiles_around(*corner, z)
            if get_tile(client, campaign, z, x, y).json()["items"]
        ]
        assert len(holders) == 1, (z, holders)
        found.append(holders[0])
    assert found[1] == tile_of(*corner, 14)


def test_a_single_item_comes_with_its_id_title_and_category(client, campaign):
    add(campaign, grid(200, step=0.0005))  # a crowd, grouped
    add(campaign, [(4.5, 43.9)], category="croix")  # alone, far away
    item = Contribution.objects.get(longitude=4.5)
    x, y = tile_of(4.5, 43.9, 9)
    data = get_tile(client, campaign, 9, x, y).json()
    assert data["total"] == 201
    assert len(data["clusters"]) >= 1
    croix = campaign.categories.get(slug="croix")
    assert data["items"] == [[item.pk, 4.5, 43.9, croix.pk, "Item 0"]]


def test_a_sparse_tile_sends_every_item(client, campaign):
    add(campaign, grid(maptiles.TILE_ITEMS_LIMIT, step=0.00005))
    x, y = tile_of(4.36, 43.84, 8)
    data = get_tile(client, campaign, 8, x, y).json()
    assert (data["total"], data["clusters"], len(data["items"])) == (
        maptiles.TILE_ITEMS_LIMIT,
        [],
        maptiles.TILE_ITEMS_LIMIT,
    )


def test_only_published_items_and_the_filters(client, campaign):
    add(campaign, grid(30))
    add(campaign, grid(5), status="submitted")
    add(campaign, grid(7, lon=4.3701, step=0.0001), category="croix")
    commune = CommuneFactory(insee_code="30189", geometry=_square(4.35, 43.83, size=0.1))
    Contribution.objects.filter(category__slug="croix").update(commune=commune)
    x, y = tile_of(4.36, 43.84, 10)
    assert get_tile(client, campaign, 10, x, y).json()["total"] == 37
    assert get_tile(client, campaign, 10, x, y, category="croix").json()["total"] == 7
    assert get_tile(client, campaign, 10, x, y, commune="30189").json()["total"] == 7
    assert (
        get_tile(client, campaign, 10, x, y, category="lavoir", commune="30189").json()["total"]
        == 0
    )
    assert get_tile(client, campaign, 10, x, y, category="moulin").json()["total"] == 0
    # Deep zoom: grouped on the fly, same filters.
    x, y = tile_of(4.3701, 43.84, 15)
    assert get_tile(client, campaign, 15, x, y, category="croix").json()["total"] == 7


def test_a_period_naming_a_century_reads_the_stored_cells(client, campaign, monkeypatch):
    add(campaign, grid(40, step=0.0001), century=19)
    add(campaign, grid(10, lon=4.362, step=0.0001), century=18)
    add(campaign, grid(5, lon=4.364, step=0.0001))
    x, y = tile_of(4.36, 43.84, 10)
    # Grouped on the fly, the reference.
    monkeypatch.setattr(maptiles, "MAX_LEVEL", 0)
    assert get_tile(client, campaign, 10, x, y, period="19e").json()["total"] == 40
    monkeypatch.undo()

    def not_on_the_fly(*args, **kwargs):
        raise AssertionError("a century is read from the stored cells")

    monkeypatch.setattr(maptiles, "_groups_on_the_fly", not_on_the_fly)
    x, y = tile_of(4.36, 43.84, 10)
    assert get_tile(client, campaign, 10, x, y, period="19e").json()["total"] == 40
    assert get_tile(client, campaign, 10, x, y, period="XVIIIe").json()["total"] == 10
    assert get_tile(client, campaign, 10, x, y, period="17e").json()["total"] == 0
    assert get_tile(client, campaign, 10, x, y).json()["total"] == 55


def test_an_obscured_item_is_placed_by_its_public_point(client, campaign):
    add(campaign, [(4.36789, 43.84567)], obscure_location=True)
    x, y = tile_of(4.37, 43.85, 16)
    item = get_tile(client, campaign, 16, x, y).json()["items"][0]
    assert item[1:3] == [4.37, 43.85]
    # The tile that holds the exact point but not the public one says nothing of it.
    x, y = tile_of(4.36789, 43.84567, 16)
    if not Tile(16, x, y).holds(4.37, 43.85):
        assert get_tile(client, campaign, 16, x, y).json()["total"] == 0


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("z", [8, 12, 16])
@pytest.mark.parametrize("rows", [1000, 5])
def test_tile_queries_do_not_grow(
    client, campaign, count, z, rows, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(maptiles, "ON_THE_FLY_ROWS", rows)
    add(campaign, grid(count, step=0.0002))
    x, y = tile_of(4.36, 43.84, z)
    # The campaign, the map version (the kept tiles' key), the groups, the single items;
    # a deep tile of more items than the page groups itself reads them first, in vain
    # (one more).
    with django_assert_max_num_queries(4 if rows == 1000 else 5):
        response = get_tile(client, campaign, z, x, y)
    assert response.json()["total"] > 0


def max_age(response):
    return int(response["Cache-Control"].rsplit("max-age=", 1)[1])


def test_a_tile_is_made_once_then_kept_for_every_visitor(
    client, campaign, django_assert_max_num_queries
):
    add(campaign, grid(500, step=0.0002))
    x, y = tile_of(4.36, 43.84, 11)
    first = get_tile(client, campaign, 11, x, y)
    with django_assert_max_num_queries(2):  # the campaign, the version: no grouping
        again = Client().get(tile_url(campaign, 11, x, y))
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert counted(again.json()) == 500


def test_a_kept_tile_is_never_kept_longer_than_its_max_age_in_all(client, campaign, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(maptiles, "time", SimpleNamespace(time=lambda: clock[0]))
    add(campaign, [(4.3601, 43.8401)])
    x, y = tile_of(4.3601, 43.8401, 12)
    first = get_tile(client, campaign, 12, x, y)
    assert max_age(first) == maptiles.TILE_MAX_AGE
    # A title changed alone does not change the version: the tile kept says the old one,
    # and tells the browser to keep it only for what is left of its time.
    Contribution.objects.update(title="Lavoir du Planas")
    clock[0] += 100
    later = get_tile(client, campaign, 12, x, y)
    assert later.content == first.content
    assert max_age(later) == maptiles.TILE_MAX_AGE - 100
    clock[0] += maptiles.TILE_MAX_AGE
    renewed = get_tile(client, campaign, 12, x, y)
    assert renewed.json()["items"][0][4] == "Lavoir du Planas"
    assert max_age(renewed) == maptiles.TILE_MAX_AGE


def test_a_tile_kept_for_one_filter_is_not_another_filters(client, campaign):
    add(campaign, grid(30, step=0.0002), category="lavoir")
    add(campaign, grid(7, lon=4.37, step=0.0002), category="croix")
    x, y = tile_of(4.36, 43.84, 11)
    assert get_tile(client, campaign, 11, x, y).json()["total"] == 37
    assert get_tile(client, campaign, 11, x, y, category="croix").json()["total"] == 7
    assert get_tile(client, campaign, 11, x, y, category="lavoir").json()["total"] == 30


def test_etag_and_304_and_a_public_cache(client, campaign):
    add(campaign, grid(50, step=0.0001))
    x, y = tile_of(4.36, 43.84, 11)
    first = get_tile(client, campaign, 11, x, y)
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    assert first["Cache-Control"] == f"public, max-age={maptiles_max_age()}"
    again = client.get(tile_url(campaign, 11, x, y), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Cache-Control"].startswith("public, max-age=")
    assert max_age(first) - 1 <= max_age(again) <= max_age(first)
    # The data changes: the same address answers anew, with another tag.
    add(campaign, [(4.3601, 43.8401)])
    changed = client.get(tile_url(campaign, 11, x, y), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["total"] == 51


def maptiles_max_age():
    return maptiles.TILE_MAX_AGE


def test_a_draft_project_tile_is_for_its_team_and_kept_privately(client, campaign):
    add(campaign, grid(5))
    campaign.project.status = "draft"
    campaign.project.save()
    x, y = tile_of(4.36, 43.84, 12)
    assert get_tile(client, campaign, 12, x, y).status_code == 404
    member = UserFactory()
    ProjectMembershipFactory(project=campaign.project, user=member)
    client.force_login(member)
    response = get_tile(client, campaign, 12, x, y)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private, ")
    assert response.json()["total"] == 5


def test_the_page_gives_the_tiles_address_and_a_version_that_follows_the_data(client, campaign):
    import re

    def page_version():
        html = client.get(f"/inventaires/{campaign.slug}/carte/").content.decode()
        address = re.search(r'data-tile-url="([^"]*)"', html)
        assert address and address.group(1) == (
            f"/inventaires/{campaign.slug}/carte/tuiles/{{z}}/{{x}}/{{y}}.json"
        )
        view = re.search(r'data-view-url="([^"]*)"', html)
        assert view and view.group(1) == (
            f"/inventaires/{campaign.slug}/carte/vue/{{z}}/{{x}}/{{y}}.json"
        )
        found = re.search(r'data-version="([0-9a-f]+)"', html)
        assert found
        return found.group(1)

    empty = page_version()
    add(campaign, grid(3))
    three = page_version()
    assert three != empty
    Contribution.objects.filter(title="Item 0").update(status="rejected")
    assert page_version() not in (empty, three)
    Contribution.objects.filter(title="Item 0").update(status="validated")
    assert page_version() == three
    Contribution.objects.filter(title="Item 1").update(longitude=4.5, latitude=43.9)
    assert page_version() != three


@pytest.mark.parametrize(
    ("z", "x", "y", "field"),
    [
        ("a", "0", "0", "z"),
        ("20", "0", "0", "z"),
        ("-1", "0", "0", "z"),
        ("3", "8", "0", "__all__"),
        ("3", "0", "8", "__all__"),
        ("3", "-1", "0", "x"),
        ("3", "1.5", "0", "x"),
        ("3", "0", "99999999999999999999999", "__all__"),
        ("3", "0", "x", "y"),
    ],
)
def test_bad_tiles_get_a_clear_message_not_a_500(client, campaign, z, x, y, field):
    response = client.get(tile_url(campaign, z, x, y), headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and errors[field][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"v": "<script>"}, "v"), ({"commune": "ABCDE"}, "commune"), ({"period": "x" * 80}, "period")],
)
def test_bad_filters_or_version_get_a_clear_message(client, campaign, params, field):
    response = get_tile(client, campaign, 3, 4, 2, **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_unknown_campaign_and_other_methods(client, campaign):
    assert client.get("/inventaires/nulle-part/carte/tuiles/1/0/0.json").status_code == 404
    assert client.post(tile_url(campaign, 1, 0, 0)).status_code == 405


def test_the_whole_world_tile_and_the_poles():
    assert tile_of(-180.0, 90.0, 0) == (0, 0)
    assert tile_of(180.0, -90.0, 3) == (7, 7)
    for z, x, y in itertools.product([1, 5], [0, 1], [0, 1]):
        box = Tile(z, x, y).box
        centre = ((box.min_lon + box.max_lon) / 2, (box.min_lat + box.max_lat) / 2)
        if abs(centre[1]) < 85:
            assert tile_of(*centre, z) == (x, y)


# --- A rectangle's tiles in one request (z/x-x_last/y-y_last) -------------------------


def tiles_url(campaign, z, columns, rows):
    return f"/inventaires/{campaign.slug}/carte/vue/{z}/{columns}/{rows}.json"


def test_a_rectangle_of_tiles_is_each_tile_as_asked_alone_row_by_row(client, campaign):
    add(campaign, grid(400, step=0.0005, columns=20))
    add(campaign, grid(3, lon=4.40, lat=43.86), category="croix")
    x, y = tile_of(4.36, 43.84, 12)
    columns, rows = range(x - 1, x + 2), range(y - 1, y + 1)
    response = client.get(tiles_url(campaign, 12, f"{x - 1}-{x + 1}", f"{y - 1}-{y}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    tiles = response.json()["tiles"]
    assert [tile["tile"] for tile in tiles] == [[12, c, r] for r in rows for c in columns]
    for tile in tiles:
        alone = Client().get(tile_url(campaign, *tile["tile"]))
        assert alone.json() == tile
    # The rectangle holds the items of its tiles; with a filter, only the category's.
    assert sum(tile["total"] for tile in tiles) == 403
    crosses = client.get(
        tiles_url(campaign, 12, f"{x - 1}-{x + 1}", f"{y - 1}-{y}"), {"category": "croix"}
    )
    assert sum(tile["total"] for tile in crosses.json()["tiles"]) == 3


@pytest.mark.parametrize(("across", "down"), [(2, 2), (8, 6)])
def test_a_rectangles_queries_do_not_grow_with_its_tiles_once_kept(
    client, campaign, across, down, django_assert_max_num_queries
):
    add(campaign, grid(600, step=0.002, columns=30))
    x, y = tile_of(4.36, 43.84, 13)
    address = tiles_url(campaign, 13, f"{x}-{x + across - 1}", f"{y - down + 1}-{y}")
    first = client.get(address)
    assert len(first.json()["tiles"]) == across * down
    # Every tile made for the first visitor (two queries each at most) is kept: the
    # next one's request reads the campaign and the version, whatever the tiles.
    with django_assert_max_num_queries(2):
        again = Client().get(address)
    assert again.content == first.content
    # A tile of the rectangle is kept for whoever asks for it alone, and the other way.
    with django_assert_max_num_queries(2):
        Client().get(tile_url(campaign, 13, x, y))


def test_a_rectangle_has_an_etag_a_304_and_the_shortest_time_left(client, campaign, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(maptiles, "time", SimpleNamespace(time=lambda: clock[0]))
    add(campaign, grid(50, step=0.0001))
    x, y = tile_of(4.36, 43.84, 11)
    get_tile(client, campaign, 11, x, y)  # this one made 100 s before the others
    clock[0] += 100
    first = client.get(tiles_url(campaign, 11, f"{x}-{x + 1}", f"{y}-{y}"))
    assert first["Cache-Control"] == f"public, max-age={maptiles.TILE_MAX_AGE - 100}"
    etag = first["ETag"]
    again = client.get(
        tiles_url(campaign, 11, f"{x}-{x + 1}", f"{y}-{y}"), headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.content == b""
    add(campaign, [(4.3601, 43.8401)])
    changed = client.get(
        tiles_url(campaign, 11, f"{x}-{x + 1}", f"{y}-{y}"), headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert sum(tile["total"] for tile in changed.json()["tiles"]) == 51


def test_a_draft_projects_rectangle_is_for_its_team(client, campaign):
    add(campaign, grid(5))
    campaign.project.status = "draft"
    campaign.project.save()
    x, y = tile_of(4.36, 43.84, 12)
    address = tiles_url(campaign, 12, f"{x}-{x}", f"{y}-{y}")
    assert client.get(address).status_code == 404
    member = UserFactory()
    ProjectMembershipFactory(project=campaign.project, user=member)
    client.force_login(member)
    response = client.get(address)
    assert response["Cache-Control"].startswith("private, ")
    assert response.json()["tiles"][0]["total"] == 5


@pytest.mark.parametrize(
    ("z", "columns", "rows", "field", "words"),
    [
        ("3", "5-3", "0-1", "__all__", "3-5"),
        ("3", "0-7", "0-8", "__all__", "0 à 7"),
        ("12", "0-7", "0-8", "__all__", "64"),
        ("12", "0-999", "0-0", "__all__", "64"),
        ("3", "a-2", "0-1", "x", "nombres entiers"),
        ("3", "0-2", "0-1.5", "y_last", "nombres entiers"),
        ("20", "0-1", "0-1", "z", "nombres entiers"),
        ("3", "0-99999999999999999999999", "0-1", "__all__", "0 à 7"),
    ],
)
def test_bad_rectangles_get_a_clear_message_not_a_500(
    client, campaign, z, columns, rows, field, words
):
    response = client.get(tiles_url(campaign, z, columns, rows), headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors and words in errors[field][0], errors


def test_a_rectangles_bad_filters_and_other_methods(client, campaign):
    assert client.get(tiles_url(campaign, 3, "0-1", "0-1"), {"v": "<x>"}).status_code == 400
    assert client.post(tiles_url(campaign, 3, "0-1", "0-1")).status_code == 405
    assert client.get("/inventaires/nulle-part/carte/vue/3/0-1/0-1.json").status_code == 404
