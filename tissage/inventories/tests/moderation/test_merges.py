"""Merging duplicates through HTTP: the preview, the merge, its refusals."""

from __future__ import annotations

import pytest

from tissage.inventories.models import Contribution, ContributionEvent, Photo
from tissage.inventories.tests.helpers import LON, a_photo
from tissage.inventories.tests.moderation.helpers import (
    THIRTY_METRES,
    Status,
    another_campaign,
    edit_data,
    item,
    item_url,
    message_texts,
)

pytestmark = pytest.mark.django_db


# --- Merge ------------------------------------------------------------------------------


def test_merge_preview_says_what_will_happen_and_changes_nothing(signed_in, campaign):
    keep = item(campaign, "Lavoir", values={"siecle": "XIXe"})
    duplicate = item(
        campaign,
        "Lavoir bis",
        values={"siecle": "XVIIIe", "etat": "menacé"},
        description="Au bord du chemin.",
        photos=[a_photo("Paul"), a_photo("Luc")],
    )

    response = signed_in.get(
        item_url(campaign, keep, "fusionner/"), {"other": duplicate.pk, "direction": "into_this"}
    )

    plan = response.context["plan"]
    assert (plan.keep, plan.duplicate, plan.photos_moved, plan.photos_after) == (
        keep,
        duplicate,
        2,
        3,
    )
    page = response.content.decode()
    assert "État de conservation: — → menacé" in page
    assert "Description: — → Au bord du chemin." in page
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.photos.count() == 2


def test_merge_gathers_everything_on_the_item_kept(signed_in, campaign, moderator):
    keep = item(campaign, "Lavoir", values={"siecle": "XIXe"}, photos=[a_photo("Jeanne")])
    duplicate = item(
        campaign,
        "Lavoir bis",
        values={"siecle": "XVIIIe", "etat": "menacé"},
        description="Au bord du chemin.",
        address="Chemin du lavoir",
        photos=[a_photo("Paul"), a_photo("Luc")],
    )
    earlier = item(campaign, "Lavoir ter")
    Contribution.objects.filter(pk=earlier.pk).update(merged_into=duplicate)

    response = signed_in.post(
        item_url(campaign, duplicate, "fusionner/"),
        {"other": keep.pk, "direction": "into_other"},
    )

    assert response["Location"] == item_url(campaign, keep)
    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert keep.title == "Lavoir"
    assert keep.description == "Au bord du chemin." and keep.address == "Chemin du lavoir"
    assert keep.values == {"siecle": "XIXe", "etat": "menacé"}  # the kept answer wins
    assert list(keep.photos.values_list("credit", "position")) == [
        ("Jeanne", 0),
        ("Paul", 1),
        ("Luc", 2),
    ]
    assert (duplicate.status, duplicate.merged_into) == (Status.ARCHIVED, keep)
    assert duplicate.photos.count() == 0
    earlier.refresh_from_db()
    assert earlier.merged_into == keep  # no chain of redirections
    kept_event = keep.events.get(kind=ContributionEvent.Kind.MERGED)
    assert kept_event.actor == moderator
    assert kept_event.changes["merged_from"] == [None, {"pk": duplicate.pk, "title": "Lavoir bis"}]
    assert kept_event.changes["photos"] == [1, 3]
    assert kept_event.changes["values.etat"] == [None, "menacé"]
    assert "values.siecle" not in kept_event.changes
    duplicate_event = duplicate.events.get(kind=ContributionEvent.Kind.MERGED)
    assert (duplicate_event.from_status, duplicate_event.to_status) == (
        Status.SUBMITTED,
        Status.ARCHIVED,
    )
    assert duplicate_event.changes == {"merged_into": [None, {"pk": keep.pk, "title": "Lavoir"}]}
    [text] = message_texts(response)
    assert "2 photos moved: the item now has 3." in text
    # The duplicate's page says where it went, and offers no decision or edit any more.
    page = signed_in.get(item_url(campaign, duplicate)).content.decode()
    assert f"no. {keep.pk} “Lavoir”" in page
    assert "Record the decision" not in page


def test_merge_takes_the_duplicates_point_when_the_kept_one_was_to_be_placed(signed_in, campaign):
    keep = item(campaign, "Lavoir")
    Contribution.objects.filter(pk=keep.pk).update(location_approximate=True)
    duplicate = item(campaign, "Lavoir bis", lon=LON + THIRTY_METRES, obscure_location=True)

    signed_in.post(
        item_url(campaign, keep, "fusionner/"), {"other": duplicate.pk, "direction": "into_this"}
    )

    keep.refresh_from_db()
    assert keep.longitude == pytest.approx(LON + THIRTY_METRES)
    assert not keep.location_approximate
    assert keep.obscure_location  # as the duplicate's contributor asked for this point


@pytest.mark.parametrize("case", ["itself", "other_campaign", "already_merged", "into_merged"])
def test_merge_refusals(signed_in, campaign, case):
    found = item(campaign, "Lavoir")
    other = item(campaign, "Lavoir bis")
    if case == "itself":
        other = found
    elif case == "other_campaign":
        other = item(another_campaign(campaign), "Lavoir d'ailleurs")
    elif case == "already_merged":
        Contribution.objects.filter(pk=other.pk).update(merged_into=item(campaign, "Third"))
    elif case == "into_merged":
        Contribution.objects.filter(pk=found.pk).update(merged_into=item(campaign, "Third"))
    expected = {
        "itself": "cannot be merged with itself",
        "other_campaign": f"There is no item no. {other.pk} in this campaign",
        "already_merged": "is already merged into another item",
        "into_merged": "was merged into another item: merge into that one instead",
    }[case]

    response = signed_in.post(
        item_url(campaign, found, "fusionner/"), {"other": other.pk, "direction": "into_this"}
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ContributionEvent.objects.filter(kind=ContributionEvent.Kind.MERGED).exists()
    assert Photo.objects.filter(contribution=found).count() == 1


def test_a_merged_item_is_neither_decided_nor_edited(signed_in, campaign):
    keep = item(campaign, "Lavoir")
    duplicate = item(campaign, "Lavoir bis", status=Status.ARCHIVED)
    Contribution.objects.filter(pk=duplicate.pk).update(merged_into=keep)

    decided = signed_in.post(item_url(campaign, duplicate, "decision/"), {"status": "validated"})
    edited = signed_in.post(
        item_url(campaign, duplicate, "modifier/"),
        edit_data(duplicate, **{"item-title": "Changed"}),
    )

    assert decided.status_code == edited.status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.title) == (Status.ARCHIVED, "Lavoir bis")
    assert "merged into no." in message_texts(edited)[-1]
