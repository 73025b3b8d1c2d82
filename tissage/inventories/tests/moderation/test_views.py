"""Moderation of one item through HTTP: its page (everything about the item, nearby
duplicates, the history in plain words) and its query count."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import UserFactory
from tissage.inventories.contributions.services import contribution_answer
from tissage.inventories.models import Contribution, ContributionEvent
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import LON, a_photo, submit
from tissage.inventories.tests.moderation.helpers import (
    THIRTY_METRES,
    TWO_HUNDRED_METRES,
    Status,
    item,
    item_url,
)

pytestmark = pytest.mark.django_db


# --- One item: what the moderator sees ---------------------------------------------


def test_item_page_shows_everything_about_the_item(signed_in, campaign):
    contributor = UserFactory(display_name="Jeanne Habitante", email="jeanne@example.org")
    found = item(
        campaign,
        "Lavoir du Cadereau",
        contributor=contributor,
        obscure_location=True,
        show_contributor=False,
        photos=[a_photo("Jeanne H."), a_photo("Archives municipales")],
        values={"siecle": "XIXe siècle", "materiaux": ["calcaire", "galets"]},
        address="Chemin du Cadereau",
        lon=4.361234,
        lat=43.841234,
    )

    response = signed_in.get(item_url(campaign, found))

    page = response.content.decode()
    assert response.status_code == 200
    assert "4.361234, 43.841234" in page  # exact, although obscured publicly
    assert "Rounded to about 1 km" in page
    assert "jeanne@example.org" in page and "Jeanne Habitante" in page
    assert "shown publicly as “anonymous”" in page
    assert "© Jeanne H." in page and "© Archives municipales" in page
    assert "Siècle ou époque" in page and "XIXe siècle" in page
    assert "calcaire, galets" in page
    assert "Chemin du Cadereau" in page
    assert "Spotted by Jeanne Habitante (inhabitant)" in page


def test_item_page_shows_an_assisted_entry_and_who_typed_it(signed_in, campaign):
    facilitator = UserFactory(display_name="Marie Animatrice")
    found = submit(
        campaign,
        contributor=None,
        entered_by=facilitator,
        guest_name="Louis Sans Internet",
        guest_email="",
    )

    page = signed_in.get(item_url(campaign, found)).content.decode()

    assert "Marie Animatrice, on behalf of the contributor (assisted entry)" in page
    assert (
        "Spotted by Louis Sans Internet (inhabitant) → entered by Marie Animatrice (team)" in page
    )


def test_item_page_lists_nearby_duplicates_with_merge_links(signed_in, campaign):
    found = item(campaign, "Lavoir A")
    near = item(campaign, "Lavoir B", lon=LON + THIRTY_METRES)
    item(campaign, "Lavoir far", lon=LON + TWO_HUNDRED_METRES)

    response = signed_in.get(item_url(campaign, found))

    assert [other.pk for other, _distance in response.context["nearby"]] == [near.pk]
    assert f"fusionner/?other={near.pk}&amp;direction=into_this" in response.content.decode()


def test_history_reads_in_plain_words(signed_in, campaign, moderator):
    contributor = UserFactory(display_name="Jeanne Habitante")
    found = item(campaign, contributor=contributor)
    contribution_decide(
        item=found, moderator=moderator, status=Status.NEEDS_INFO, message="De quel siècle ?"
    )
    contribution_answer(
        item=found,
        message="Je crois du XIXe.",
        changes={"values": {"siecle": "XIXe"}},
        actor=contributor,
    )

    page = signed_in.get(item_url(campaign, found)).content.decode()

    assert "Submitted → needs more information" in page
    assert "De quel siècle ?" in page and "Je crois du XIXe." in page
    assert "Siècle ou époque: — → XIXe" in page
    assert "completed by Jeanne Habitante (contributor)" in page


# Campaign, session, user, rights (2); then the item, photos, questions, events, nearby
# duplicates, items merged into it, the edit form's categories; the header's count of
# unread notifications.
ITEM_QUERIES = 13


def test_item_page_queries_do_not_grow_with_history(
    signed_in, campaign, moderator, django_assert_max_num_queries
):
    found = item(campaign, photos=[a_photo()] * 5, values={"siecle": "XIXe"})

    def grow(count):
        for number in range(count):
            item(campaign, f"Near {number}")  # nearby duplicates
            ContributionEvent.objects.create(
                contribution=found,
                kind=ContributionEvent.Kind.EDITED,
                actor=moderator,
                actor_name="Paul",
                changes={"title": ["a", "b"], "values.siecle": ["XIX", "XX"]},
            )
            merged = item(campaign, f"Merged {number}")
            Contribution.objects.filter(pk=merged.pk).update(merged_into=found)

    grow(2)
    with django_assert_max_num_queries(ITEM_QUERIES):
        small = signed_in.get(item_url(campaign, found))
    grow(20)
    with django_assert_max_num_queries(ITEM_QUERIES):
        large = signed_in.get(item_url(campaign, found))
    assert len(large.context["history"]) > len(small.context["history"])
    assert len(large.context["nearby"]) == 22
