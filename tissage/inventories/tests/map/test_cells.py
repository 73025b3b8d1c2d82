"""The map's stored cells per century: kept exact by the database through every change
of an item's century, read by the map's period filter (alone or with the category and
the commune), equal to the items grouped on the fly; and the triggers in the database
are those of the latest cells migration, agreeing with `map/cells.py`."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.models import OuterRef
from django.utils import timezone

from tissage.core.tests.factories import CommuneFactory, UserFactory, _square
from tissage.inventories.map import cells as mapcells
from tissage.inventories.map import data as mapdata
from tissage.inventories.map.cells import ANY, cells_check, published_items_count
from tissage.inventories.map.home import home_part
from tissage.inventories.models import Campaign, Contribution, MapCell
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import published
from tissage.inventories.tests.moderation.helpers import edit_data, item_url

pytestmark = pytest.mark.django_db

BBOX = "4.0,43.5,5.0,44.5"
CELLS_MIGRATION = import_module("tissage.inventories.migrations.0014_map_cells_per_century")


def add_items(
    campaign,
    count,
    *,
    category="lavoir",
    century=19,
    status="validated",
    lon=4.36,
    lat=43.84,
    **extra,
):
    category = campaign.categories.get(slug=category)
    Contribution.objects.bulk_create(
        Contribution(
            campaign=campaign,
            category=category,
            title=f"Item {i}",
            status=status,
            longitude=lon + (i % 50) * 0.013,
            latitude=lat + (i // 50) * 0.013,
            century=century,
            licence=campaign.licence,
            consent_at=timezone.now(),
            **extra,
        )
        for i in range(count)
    )


def get_map(client, campaign, **params):
    query = {"bbox": BBOX, "zoom": "12", **params}
    return client.get(f"/inventaires/{campaign.slug}/carte.geojson", query)


def features_by_place(data):
    return sorted(
        (tuple(f["geometry"]["coordinates"]), f["properties"].get("count"))
        for f in data["features"]
    )


def assert_same_features(first, second):
    """The same clusters or points, placed alike but for the last rounded digit (a mean
    from stored sums and one computed by the database may round apart)."""
    assert len(first["features"]) == len(second["features"])
    for (place, count), (other_place, other_count) in zip(
        features_by_place(first), features_by_place(second), strict=True
    ):
        assert count == other_count
        assert place == pytest.approx(other_place, abs=2e-5)


def assert_cells_agree(campaign):
    assert cells_check(campaign) == []


def keys_at_finest_level(campaign):
    cells = MapCell.objects.filter(campaign=campaign, level=mapcells.MAX_LEVEL, count__gt=0)
    return set(cells.values_list("category", "commune", "century"))


# --- Which cells an item counts in --------------------------------------------------------


@pytest.mark.parametrize(
    ("with_commune", "century"), [(True, 19), (False, 19), (True, None), (False, None)]
)
def test_an_item_counts_in_every_combination_of_its_keys_with_any(campaign, with_commune, century):
    commune = campaign.communes.get() if with_commune else None
    add_items(campaign, 1, century=century, commune=commune)
    category = campaign.categories.get(slug="lavoir").pk
    # Its commune and its century only when it has them; a century is never 0 ("any").
    communes = [ANY, commune.pk] if commune else [ANY]
    centuries = [ANY, century] if century else [ANY]
    expected = {(a, b, c) for a in (ANY, category) for b in communes for c in centuries}
    assert keys_at_finest_level(campaign) == expected
    assert len(expected) == 2 * len(communes) * len(centuries)
    levels = mapcells.MAX_LEVEL - mapcells.MIN_LEVEL + 1
    assert MapCell.objects.filter(campaign=campaign).count() == len(expected) * levels
    assert_cells_agree(campaign)


# --- The triggers keep the cells through every change of an item's century ---------------


def test_an_edit_of_the_period_answer_moves_the_item_to_its_new_centurys_cells(
    client, campaign, facilitator
):
    item = published(campaign, UserFactory(), values={"siecle": "XIXe siècle"})
    other = published(campaign, UserFactory(), values={"siecle": "vers 1650"})
    assert (item.century, other.century) == (19, 17)
    assert get_map(client, campaign, zoom="8", period="19e").json()["total"] == 1
    client.force_login(facilitator)

    response = client.post(
        item_url(campaign, item, "modifier/"), edit_data(item, **{"values-siecle": "XVIIe"})
    )

    assert response.status_code == 302
    assert_cells_agree(campaign)
    assert get_map(client, campaign, zoom="8", period="19e").json()["total"] == 0
    assert get_map(client, campaign, zoom="8", period="XVIIe").json()["total"] == 2
    # An answer that names no century: the item leaves the centuries' cells, not the map.
    item.refresh_from_db()
    client.post(
        item_url(campaign, item, "modifier/"), edit_data(item, **{"values-siecle": "ancien"})
    )
    item.refresh_from_db()
    assert item.century is None
    assert_cells_agree(campaign)
    assert get_map(client, campaign, zoom="8", period="XVIIe").json()["total"] == 1
    assert get_map(client, campaign, zoom="8").json()["total"] == 2


def test_cells_follow_a_dated_item_published_unpublished_moved_and_deleted(campaign):
    moderator = UserFactory()
    item = published(campaign, moderator, values={"siecle": "XVIIIe"})
    assert MapCell.objects.get(campaign=campaign, category=0, commune=0, century=18, level=2).count
    contribution_decide(item=item, moderator=moderator, status=Contribution.Status.ARCHIVED)
    assert_cells_agree(campaign)
    assert not MapCell.objects.filter(campaign=campaign, century=18, count__gt=0).exists()
    contribution_decide(item=item, moderator=moderator, status=Contribution.Status.VALIDATED)
    assert_cells_agree(campaign)
    item.refresh_from_db()
    item.longitude, item.latitude = 2.35, 48.85  # to Paris: out of its commune too
    item.commune = None
    item.save()
    assert_cells_agree(campaign)
    assert keys_at_finest_level(campaign) == {
        (0, 0, 0),
        (item.category_id, 0, 0),
        (0, 0, 18),
        (item.category_id, 0, 18),
    }
    item.delete()
    assert_cells_agree(campaign)
    assert not MapCell.objects.filter(campaign=campaign, count__gt=0).exists()


def test_cells_follow_bulk_and_raw_changes_of_the_century(campaign):
    nimes = campaign.communes.get()
    add_items(campaign, 60, century=19, commune=nimes)
    add_items(campaign, 40, century=None, lon=4.5)
    add_items(campaign, 30, century=17, status="submitted", lon=4.6)
    items = Contribution.objects.filter(campaign=campaign)
    assert_cells_agree(campaign)
    items.filter(century=19, latitude__gt=43.85).update(century=16)
    assert_cells_agree(campaign)
    items.filter(century__isnull=True).update(century=20)
    assert_cells_agree(campaign)
    items.filter(status="submitted").update(status="validated", century=None)
    assert_cells_agree(campaign)
    other = Campaign.objects.create(project=campaign.project, title="Autre", slug="autre")
    other.categories.create(name="Lavoir", slug="lavoir")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE inventories_contribution SET century = 21, campaign_id = %s, "
            "category_id = (SELECT id FROM inventories_category WHERE campaign_id = %s) "
            "WHERE campaign_id = %s AND century = 16",
            [other.pk, other.pk, campaign.pk],
        )
    assert_cells_agree(campaign)
    assert_cells_agree(other)
    assert MapCell.objects.filter(campaign=other, century=21, count__gt=0).exists()
    items.filter(century=20).delete()
    assert_cells_agree(campaign)


# --- The map reads them ---------------------------------------------------------------


def test_the_map_filtered_by_period_from_cells_equals_the_items_grouped_on_the_fly(
    client, campaign, monkeypatch
):
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 20)
    nimes = campaign.communes.get()
    uzes = CommuneFactory(insee_code="30334", geometry=_square(4.6, 44.0, size=0.2))
    add_items(campaign, 500, century=19)
    add_items(campaign, 300, century=17, lon=4.1, lat=43.6)
    add_items(campaign, 40, category="croix", century=19, lon=4.05, lat=44.1, obscure_location=True)
    add_items(campaign, 60, category="croix", century=19, lon=4.35, lat=43.83, commune=nimes)
    add_items(campaign, 70, century=19, lon=4.2, lat=44.2, commune=uzes)
    add_items(campaign, 25, century=None, lon=4.2, lat=44.2, commune=uzes)
    filters = [
        {"period": "XIXe"},
        {"period": "17e siècle"},
        {"period": "1850", "category": "croix"},
        {"period": "19e", "commune": "30334"},
        {"period": "19e", "commune": "30189", "category": "croix"},
    ]
    expected_totals = [670, 300, 100, 70, 60]
    requests = [(zoom, f) for zoom in ("8", "10", "12") for f in filters]
    stored = [get_map(client, campaign, zoom=zoom, **f).json() for zoom, f in requests]
    monkeypatch.setattr(mapdata, "MAX_LEVEL", -1)  # never the stored cells
    live = [get_map(client, campaign, zoom=zoom, **f).json() for zoom, f in requests]
    for (zoom, f), from_cells, on_the_fly in zip(requests, stored, live, strict=True):
        assert from_cells["kind"] == on_the_fly["kind"] == "clusters", (zoom, f)
        assert from_cells["total"] == on_the_fly["total"] == expected_totals[filters.index(f)]
        assert_same_features(from_cells, on_the_fly)
    # Few items under the filters: the points themselves, strictly in view, either way.
    monkeypatch.setattr(mapdata, "MAX_LEVEL", mapcells.MAX_LEVEL)
    monkeypatch.setattr(mapdata, "POINT_LIMIT", 400)
    points = get_map(client, campaign, zoom="8", period="19e", commune="30334").json()
    assert (points["kind"], points["total"]) == ("points", 70)


def test_the_period_filter_reads_the_stored_cells_in_the_same_queries_whatever_the_items(
    client, campaign, django_assert_num_queries
):
    # The campaign, its cells; and the points when the cells hold few items.
    for count, queries in ((10, 3), (1000, 2)):
        Contribution.objects.filter(campaign=campaign).delete()
        add_items(campaign, count, century=19)
        with django_assert_num_queries(queries):
            data = get_map(client, campaign, zoom="8", period="XIXe").json()
        assert (data["total"], data["kind"]) == (count, "clusters" if count > 400 else "points")
    # Proof that it is the cells that answer: made wrong on purpose, the map shows them.
    MapCell.objects.filter(campaign=campaign, century=19).update(count=5000)
    wrong = get_map(client, campaign, zoom="8", period="XIXe").json()["total"]
    assert wrong >= 5000 and wrong % 5000 == 0
    assert get_map(client, campaign, zoom="8").json()["total"] == 1000


def test_a_period_that_names_no_century_is_matched_in_the_answers_on_the_fly(client, campaign):
    moderator = UserFactory()
    published(campaign, moderator, values={"siecle": "époque romane"})
    published(campaign, moderator, values={"siecle": "XIXe siècle"})
    MapCell.objects.filter(campaign=campaign).update(count=1000)  # would be wrong
    assert get_map(client, campaign, period="romane").json()["total"] == 1
    assert get_map(client, campaign, period="siècle").json()["total"] == 1


def test_items_whose_century_is_unknown_are_on_the_map_but_under_no_century(client, campaign):
    add_items(campaign, 3, century=None)
    add_items(campaign, 2, century=19, lon=4.5)
    assert get_map(client, campaign, zoom="8").json()["total"] == 5
    assert get_map(client, campaign, zoom="8", period="19e").json()["total"] == 2
    for century in range(1, 22):
        total = get_map(client, campaign, zoom="8", period=f"{century}e").json()["total"]
        assert total == (2 if century == 19 else 0), century
    assert set(MapCell.objects.filter(campaign=campaign).values_list("century", flat=True)) == {
        ANY,
        19,
    }


def test_published_items_count_still_counts_each_item_once(campaign):
    nimes = campaign.communes.get()
    add_items(campaign, 7, century=19, commune=nimes)
    add_items(campaign, 5, century=None)
    add_items(campaign, 4, century=17, status="submitted")
    found = Campaign.objects.annotate(n=published_items_count(OuterRef("pk"))).get(pk=campaign.pk)
    assert found.n == 12
    # The home page's counter and its campaigns' sizes read the same cells.
    part = home_part()
    assert [counter.value for counter in part.counters] == [12]
    assert [c.published_items for c in part.context["open_campaigns"]] == [12]


# --- The triggers and this code agree --------------------------------------------------


def test_the_cells_migration_uses_the_levels_and_lock_of_cells_py():
    assert list(CELLS_MIGRATION.LEVELS) == list(range(mapcells.MIN_LEVEL, mapcells.MAX_LEVEL + 1))
    assert CELLS_MIGRATION.LOCK_CLASS == mapcells.LOCK_CLASS
    # Eight groups: each key (category, commune, century) given or any.
    groups = CELLS_MIGRATION._groups("r")
    assert {(category, commune, century) for category, commune, century, _ in groups} == {
        (category, commune, century)
        for category in ("0", "r.category_id")
        for commune in ("0", "r.commune_id")
        for century in ("0", "r.century")
    }
    assert mapcells.cell_groups(5, 7, 19) == [
        (0, 0, 0),
        (0, 0, 19),
        (0, 7, 0),
        (0, 7, 19),
        (5, 0, 0),
        (5, 0, 19),
        (5, 7, 0),
        (5, 7, 19),
    ]


def test_the_database_runs_the_triggers_of_the_latest_cells_migration():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'inventories_mapcells_%' ORDER BY name"
            )
            installed = [row[0] for row in cursor.fetchall()]
            assert installed == sorted(CELLS_MIGRATION.SQLITE_CREATE)
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgrelid = 'inventories_contribution'::regclass "
                "AND tgname LIKE 'inventories_mapcells_%' ORDER BY tgname"
            )
            names = [row[0] for row in cursor.fetchall()]
            assert names == [f"inventories_mapcells_{e}" for e in ("delete", "insert", "update")]
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'inventories_mapcells_%'"
            )
            bodies = {name.removeprefix("inventories_mapcells_"): src for name, src in cursor}
            assert bodies == CELLS_MIGRATION.POSTGRES_BODIES
