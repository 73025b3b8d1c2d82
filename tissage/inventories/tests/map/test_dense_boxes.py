"""A box that holds most of a campaign's items is read in id order (a list's page stops
early) rather than through the map index (the whole box read, then sorted): decided
from the stored cells (`box_is_dense`), with the same box rule either way."""

import pytest
from django.db import connection

from tissage.core.tests.factories import ProjectFactory
from tissage.core.tests.plans import query_plan
from tissage.inventories.map.cells import box_is_dense
from tissage.inventories.models import Campaign, Category, Contribution
from tissage.inventories.opendata.exports import published_items
from tissage.territories.geography import Box

from .test_data import add_items

pytestmark = pytest.mark.django_db

# 100 items around Nîmes (0.05° × 0.002°), 10 around Alès.
NIMES = Box(4.35, 43.83, 4.42, 43.85)
ALES = Box(4.05, 44.1, 4.12, 44.14)
EMPTY = Box(3.3, 43.4, 3.4, 43.45)
SORTS_THE_BOX = "USE TEMP B-TREE FOR ORDER BY"


@pytest.fixture
def campaign():
    project = ProjectFactory(status="published")
    campaign = Campaign.objects.create(project=project, title="Patrimoine", slug="patrimoine")
    Category.objects.create(campaign=campaign, name="Lavoir", slug="lavoir")
    Category.objects.create(campaign=campaign, name="Croix", slug="croix")
    add_items(campaign, 95, lon=4.36, lat=43.84)
    add_items(campaign, 5, category="croix", lon=4.4, lat=43.845)
    add_items(campaign, 10, lon=4.06, lat=44.12)
    add_items(campaign, 30, status="submitted", lon=4.06, lat=44.12)  # never counted
    return campaign


def test_a_box_holding_most_items_is_dense_one_holding_few_is_not(campaign):
    assert box_is_dense(campaign, NIMES, page=50)
    assert not box_is_dense(campaign, ALES, page=50)
    assert not box_is_dense(campaign, EMPTY, page=50)
    assert box_is_dense(campaign, Box(-180, -90, 180, 90), page=50)


def test_a_rare_category_in_a_dense_box_is_still_read_in_id_order(campaign):
    # 5 of the 100 items of the box: reading the box would read the 100 and sort them;
    # in id order, at most the campaign's 110.
    assert box_is_dense(campaign, NIMES, page=50, category="croix")
    # None of them in the box, or no such category or commune: read the box, which the
    # index finds empty at once… or full of others, which cost less than all the items.
    assert not box_is_dense(campaign, ALES, page=50, category="croix")
    assert not box_is_dense(campaign, EMPTY, page=50, category="nowhere")
    assert not box_is_dense(campaign, ALES, page=50, commune="99999")


def test_a_campaign_without_published_items_has_no_dense_box(campaign):
    other = Campaign.objects.create(project=campaign.project, title="Vide", slug="vide")

    assert not box_is_dense(other, NIMES, page=50)


@pytest.mark.parametrize("dense", [False, True])
def test_the_box_rule_is_the_same_either_way(campaign, dense):
    """Decided on the public point: an obscured item shows rounded to 0.01°."""
    category = campaign.categories.get(slug="lavoir")
    made = {
        name: Contribution.objects.create(
            campaign=campaign,
            category=category,
            title=name,
            status=Contribution.Status.VALIDATED,
            longitude=lon,
            latitude=43.8649,  # north of the fixture's items
            obscure_location=obscured,
            licence=campaign.licence,
            consent_at=campaign.created_at,
        )
        for name, lon, obscured in [
            ("shown inside", 4.3651, True),  # public 4.37
            ("exactly inside, shown outside", 4.364, True),  # public 4.36
            ("inside", 4.368, False),
            ("outside", 4.3601, False),
        ]
    }
    box = Box(4.362, 43.855, 4.37, 43.87)

    found = published_items(campaign).public_in_box(box, dense=dense).order_by("pk")

    assert list(found) == [made["shown inside"], made["inside"]]


def _query_plan(queryset) -> str:
    return query_plan(*queryset.query.sql_with_params())


def test_a_dense_box_is_walked_in_id_order_without_sorting_it(campaign):
    """A page of a dense box must stop after its rows, not read the whole box and sort
    it (bench/api.py: 324 ms p95 at 100,000 items on SQLite before, a few ms after)."""

    def page(dense: bool):
        rows = published_items(campaign).filter(category__slug="lavoir")
        return rows.public_in_box(NIMES, dense=dense).order_by("pk")[:51]

    assert list(page(dense=True)) == list(page(dense=False))
    if connection.vendor == "sqlite":
        sparse, dense = _query_plan(page(dense=False)), _query_plan(page(dense=True))
        assert "contribution_map_idx" in sparse and SORTS_THE_BOX in sparse
        assert "contribution_map_idx" not in dense, dense
        assert SORTS_THE_BOX not in dense, dense
    else:
        # PostgreSQL's planner has statistics on ranges and walks the primary key for a
        # dense box by itself (EXPLAIN in docs/performance.md): the query is unchanged.
        assert str(page(dense=True).query) == str(page(dense=False).query)


def test_a_dense_box_of_a_category_is_walked_in_id_order_with_statistics(campaign):
    """With statistics (the nightly ANALYZE), SQLite read every item of the category
    through its index and sorted them, even in a dense box (bench/api.py, the lavoirs of
    half the Gard at 100,000 items: 45 ms p95): the category is then written so that it
    walks the items in id order and stops at the page."""
    for n in range(10):  # a category among a dozen, as in a heritage inventory
        Category.objects.create(campaign=campaign, name=f"Sorte {n}", slug=f"sorte-{n}")
        add_items(campaign, 150, category=f"sorte-{n}", lon=4.37, lat=43.84)
    add_items(campaign, 150, lon=4.38, lat=43.84)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def page(in_id_order: bool):
        rows = published_items(campaign).filtered(
            campaign, category="lavoir", in_id_order=in_id_order
        )
        return rows.public_in_box(NIMES, dense=True).order_by("pk")[:51]

    assert list(page(in_id_order=True)) == list(page(in_id_order=True))
    assert all(item.category.slug == "lavoir" for item in page(in_id_order=True))
    if connection.vendor == "sqlite":
        plan = _query_plan(page(in_id_order=True))
        assert "contribution_category" not in plan, plan
        assert SORTS_THE_BOX not in plan, plan
    else:
        assert str(page(in_id_order=True).query) == str(page(in_id_order=False).query)
