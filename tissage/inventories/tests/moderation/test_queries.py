"""The moderation queue through HTTP: what waits, filters, order, pages, possible
duplicates, and its query count."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import CommuneFactory, UserFactory, _square
from tissage.inventories.models import Contribution
from tissage.inventories.tests.helpers import LON, a_photo, submit
from tissage.inventories.tests.moderation.helpers import (
    THIRTY_METRES,
    TWO_HUNDRED_METRES,
    Status,
    item,
    queue_url,
    titles,
)

pytestmark = pytest.mark.django_db


# --- The queue ------------------------------------------------------------------------


def test_queue_shows_what_waits_oldest_first(signed_in, campaign, moderator):
    item(campaign, "Recent", days_ago=1)
    item(campaign, "Oldest", days_ago=9)
    item(campaign, "Needs info", days_ago=5, status=Status.NEEDS_INFO)
    item(campaign, "Published", days_ago=8, status=Status.VALIDATED, moderator=moderator)
    item(campaign, "Rejected", days_ago=7, status=Status.REJECTED)
    submit(campaign, title="Guest not confirmed")  # awaiting the email confirmation
    keep = item(campaign, "Kept")
    duplicate = item(campaign, "Merged away", days_ago=20)
    Contribution.objects.filter(pk=duplicate.pk).update(merged_into=keep)

    response = signed_in.get(queue_url(campaign))

    assert response.status_code == 200
    assert titles(response) == ["Oldest", "Needs info", "Recent", "Kept"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=validated", ["Published"]),
        ("?status=rejected", ["Rejected"]),
        ("?status=all", ["Rejected", "Published", "Fountain", "Approximate", "Pont du moulin"]),
        ("?category=fontaine", ["Fountain"]),
        ("?commune=30555", ["Approximate"]),
        ("?approximate=1", ["Approximate"]),
        ("?q=MOULIN", ["Pont du moulin"]),
        ("?status=all&q=moulin&category=lavoir", ["Pont du moulin"]),
    ],
)
def test_queue_filters(signed_in, campaign, moderator, query, expected):
    other = CommuneFactory(insee_code="30555", name="Uzès", geometry=_square(4.40, 43.83, 0.03))
    campaign.communes.add(other)
    item(campaign, "Rejected", days_ago=9, status=Status.REJECTED)
    item(campaign, "Published", days_ago=8, status=Status.VALIDATED, moderator=moderator)
    item(
        campaign,
        "Fountain",
        days_ago=7,
        category=campaign.categories.get(slug="fontaine"),
    )
    approximate = item(campaign, "Approximate", days_ago=6, lon=4.41, lat=43.84)
    Contribution.objects.filter(pk=approximate.pk).update(location_approximate=True)
    item(campaign, "Pont du moulin", days_ago=5)

    response = signed_in.get(queue_url(campaign, query))

    assert response.status_code == 200
    assert titles(response) == expected


def test_a_wrong_filter_is_explained_and_the_default_list_shown(signed_in, campaign):
    item(campaign, "Lavoir du bas")

    response = signed_in.get(queue_url(campaign, "?status=nonsense&category=nowhere"))

    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"status", "category"}
    assert titles(response) == ["Lavoir du bas"]


def test_queue_is_paginated_by_fifty_and_pages_keep_the_filters(signed_in, campaign):
    for number in range(51):
        item(campaign, f"Item {number:02d}", days_ago=100 - number)

    first = signed_in.get(queue_url(campaign, "?q=item"))
    second = signed_in.get(queue_url(campaign, "?q=item&page=2"))

    assert len(first.context["rows"]) == 50
    assert titles(first)[0] == "Item 00"
    assert titles(second) == ["Item 50"]
    assert 'href="?q=item&amp;page=2"' in first.content.decode()


def test_possible_duplicates_are_marked_within_fifty_metres_only(signed_in, campaign):
    near_a = item(campaign, "Lavoir A", days_ago=3)
    near_b = item(campaign, "Lavoir B", days_ago=2, lon=LON + THIRTY_METRES)
    far = item(campaign, "Lavoir far", days_ago=1, lon=LON + 2 * TWO_HUNDRED_METRES)
    other_kind = item(
        campaign,
        "Fountain far",
        lon=LON + 2 * TWO_HUNDRED_METRES,
        category=campaign.categories.get(slug="fontaine"),
    )

    rows = {row.item.pk: row for row in signed_in.get(queue_url(campaign)).context["rows"]}

    assert rows[near_a.pk].possible_duplicate and rows[near_b.pk].possible_duplicate
    assert not rows[far.pk].possible_duplicate
    assert not rows[other_kind.pk].possible_duplicate


def test_a_duplicate_two_hundred_metres_away_is_not_marked(signed_in, campaign):
    item(campaign, "Lavoir A")
    item(campaign, "Lavoir B", lon=LON + TWO_HUNDRED_METRES)

    rows = signed_in.get(queue_url(campaign)).context["rows"]

    assert [row.possible_duplicate for row in rows] == [False, False]


def test_queue_row_shows_contributor_name_and_email_and_assisted_entry(signed_in, campaign):
    contributor = UserFactory(display_name="Jeanne Habitante", email="jeanne@example.org")
    item(campaign, "Lavoir", contributor=contributor)
    facilitator = UserFactory(display_name="Marie Animatrice")
    submit(
        campaign,
        title="Croix",
        contributor=None,
        entered_by=facilitator,
        guest_name="Louis Sans Internet",
        guest_email="",
    )

    page = signed_in.get(queue_url(campaign)).content.decode()

    assert "Jeanne Habitante" in page and "jeanne@example.org" in page
    assert "Louis Sans Internet" in page and "entered by Marie Animatrice" in page
    assert "?pour=autrui" in page


# --- Queries ----------------------------------------------------------------------------

# Campaign, session, user, rights (2); then filter choices (2), count, page, photos,
# duplicates; the header's count of unread notifications.
QUEUE_QUERIES = 12


def test_queue_queries_do_not_grow_with_items(signed_in, campaign, django_assert_max_num_queries):
    def populate(count):
        for number in range(count):
            item(
                campaign,
                f"Lavoir {number}",
                contributor=UserFactory(),
                lon=LON + (number % 5) * THIRTY_METRES,
                photos=[a_photo(), a_photo()],
            )
        assisted = submit(campaign, contributor=None, entered_by=UserFactory(), guest_email="")
        assert assisted.status == Status.SUBMITTED

    populate(3)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        small = signed_in.get(queue_url(campaign))
    populate(40)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        large = signed_in.get(queue_url(campaign))
    assert len(small.context["rows"]) == 4 and len(large.context["rows"]) == 45
