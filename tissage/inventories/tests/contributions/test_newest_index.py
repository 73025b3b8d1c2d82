"""The latest published items (the campaign page, the item list, the feed) are read by
walking `contribution_newest_idx` in order and stopping at the page: never a sort of
every published item of the campaign (134–146 ms p95 at 20,000 items before, issue #20).
Checked on the queries the pages really send, with the database's own plan."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.utils import timezone

from tissage.core.tests.factories import CommuneFactory
from tissage.core.tests.plans import page_reads, query_plan, sorts_everything
from tissage.inventories.models import Campaign, Contribution, Photo
from tissage.inventories.tests.helpers import heritage_campaign, lavoir, photo_row

pytestmark = pytest.mark.django_db

INDEX = "contribution_newest_idx"


@pytest.fixture
def campaign() -> Campaign:
    """2,000 published items (some imported without a date), others waiting, and a
    second campaign: enough rows for PostgreSQL's planner to prefer an index. One item
    in three has two photos, so that the cards' first-photo subqueries are planned on a
    table with rows, as on a real campaign, rather than on an empty one."""
    campaign = heritage_campaign()
    other = heritage_campaign(commune=CommuneFactory(), title="Autre inventaire")
    now = timezone.now()
    rows = []
    for owner in (campaign, other):
        category = lavoir(owner)
        for i in range(2_000):
            rows.append(
                Contribution(
                    campaign=owner,
                    category=category,
                    title=f"Item {i}",
                    status="validated" if i % 4 else "submitted",
                    validated_at=None if i % 10 == 1 else now - datetime.timedelta(hours=i),
                    longitude=4.36 + (i % 50) * 0.001,
                    latitude=43.84 + (i // 50) * 0.001,
                    licence=owner.licence,
                    consent_at=now,
                )
            )
    Contribution.objects.bulk_create(rows)
    Photo.objects.bulk_create(
        photo_row(item, position)
        for item in Contribution.objects.filter(id__gt=0).order_by("pk")[::3]
        for position in (1, 0)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign


def _latest_items_query(client, url: str) -> str:
    """The SQL of the page's query for its latest published items."""
    _response, found = page_reads(
        client, url, 'FROM "inventories_contribution"', '"validated_at" DESC'
    )
    assert len(found) == 1, found
    return found[0]


def test_the_latest_items_are_walked_in_the_index_without_sorting_them(client, campaign):
    sorted_all = "TEMP B-TREE" if connection.vendor == "sqlite" else "Sort"
    for page in ("", "fiches/", "fiches/?page=3", "fiches.atom"):
        plan = query_plan(_latest_items_query(client, f"/inventaires/{campaign.slug}/{page}"))

        assert INDEX in plan, (page, plan)
        assert sorted_all not in plan, (page, plan)
        if page != "fiches.atom":  # the cards' first photo, read in order
            assert "photo_contribution_order_idx" in plan, (page, plan)


def test_the_century_index_is_not_taken_for_the_whole_list_with_older_statistics(client, campaign):
    """An installation that ran ANALYZE before the century's index came (its statistics
    know the other indexes only): SQLite still walks the newest items' index for the
    unfiltered list, rather than the century's one and a sort of every item."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = 'contribution_century_new_idx'")
            cursor.execute("ANALYZE sqlite_schema")  # the planner reads them again
    plan = query_plan(_latest_items_query(client, f"/inventaires/{campaign.slug}/fiches/"))

    assert INDEX in plan, plan
    assert not sorts_everything(plan), plan


def test_the_latest_items_of_a_century_are_walked_in_their_own_index(client, campaign):
    Contribution.objects.filter(campaign=campaign, id__gt=0).update(century=19)
    Contribution.objects.filter(campaign=campaign, title__endswith="7").update(century=18)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    url = f"/inventaires/{campaign.slug}/fiches/"
    plan = query_plan(_latest_items_query(client, f"{url}?period=19e"))

    assert "contribution_century_new_idx" in plan, plan
    assert not sorts_everything(plan), plan
    shown = list(client.get(url, {"period": "18e"}).context["page"].object_list)
    assert shown and {item.century for item in shown} == {18}
    dates = [item.validated_at for item in shown if item.validated_at]
    assert dates == sorted(dates, reverse=True)


def test_items_without_a_date_still_come_last(client, campaign):
    url = f"/inventaires/{campaign.slug}/fiches/"
    last = client.get(url).context["page"].paginator.num_pages

    items = list(client.get(url, {"page": last}).context["page"].object_list)

    assert items and all(item.validated_at is None for item in items)


@pytest.mark.parametrize(
    ("chosen", "index"),
    [
        ({"category": "lavoir"}, "contribution_category_new_idx"),
        ({"commune": "30189"}, "contribution_commune_new_idx"),
    ],
)
def test_the_latest_items_of_a_category_or_a_commune_are_walked_in_their_own_index(
    client, campaign, chosen, index
):
    """The list of a category, or of a commune (the progress table's links), walks an
    index of its items in order: never a sort of every item of the category (7 ms for
    6,000 on SQLite) or the commune. The items are spread over the campaign's categories
    and two communes, as they are in a real inventory."""
    categories = list(campaign.categories.order_by("pk"))
    nimes = campaign.communes.get()
    other = CommuneFactory()
    items = list(Contribution.objects.filter(campaign=campaign).order_by("pk"))
    for n, item in enumerate(items):
        item.category = categories[(n // 4) % len(categories)]
        item.commune = nimes if n % 3 else other
    Contribution.objects.bulk_update(items, ["category", "commune"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    url = f"/inventaires/{campaign.slug}/fiches/"
    plan = query_plan(_latest_items_query(client, f"{url}?{urlencode(chosen)}"))

    assert index in plan, plan
    assert not sorts_everything(plan), plan
    shown = list(client.get(url, chosen).context["page"].object_list)
    assert len(shown) == 24
    if "category" in chosen:
        assert {item.category.slug for item in shown} == {"lavoir"}
    else:
        assert {item.commune_id for item in shown} == {nimes.pk}
    dates = [item.validated_at for item in shown]
    assert None not in dates and dates == sorted(dates, reverse=True)


def test_a_category_s_items_have_one_index_the_one_in_order():
    """The list of a category's items has one index to walk: with another index on the
    category alone, PostgreSQL's planner took it on the bench's data and sorted the
    category's 2,700 items (6 ms; its estimate for a category read by a subquery is the
    average, 59 items). Every lookup by category can use the ordered one."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Contribution._meta.db_table)
    by_category = [
        name
        for name, constraint in constraints.items()
        if constraint["index"] and (constraint["columns"] or [None])[0] == "category_id"
    ]
    assert by_category == ["contribution_category_new_idx"]
