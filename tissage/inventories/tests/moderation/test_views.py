"""Moderation through HTTP: the queue (filters, order, pages, duplicates, bulk decisions),
an item's page (decision, edit with its history, merge of duplicates) and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectMembershipFactory,
    UserFactory,
    _square,
)
from tissage.inventories.contributions.services import contribution_answer
from tissage.inventories.models import Contribution, ContributionEvent, Photo
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import (
    LAT,
    LON,
    a_photo,
    heritage_campaign,
    submit,
)
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

Status = Contribution.Status
# About 30 m and 200 m east of LON at this latitude.
THIRTY_METRES = 30 / (111_320 * 0.7213)
TWO_HUNDRED_METRES = 200 / (111_320 * 0.7213)


@pytest.fixture
def client(client):
    # Assertions read English messages whatever the French catalogue says.
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def campaign():
    return heritage_campaign()


@pytest.fixture
def moderator(campaign):
    return ProjectMembershipFactory(
        project=campaign.project,
        role=ProjectMembership.Role.FACILITATOR,
        user=UserFactory(display_name="Paul Animateur"),
    ).user


@pytest.fixture
def signed_in(client, moderator):
    client.force_login(moderator)
    return client


def item(campaign, title="Lavoir", *, days_ago=0, status=None, moderator=None, **changes):
    """A submitted item (signed-in contributor), `days_ago` old, then moved to `status`."""
    changes.setdefault("contributor", UserFactory())
    found = submit(campaign, title=title, **changes)
    if days_ago:
        Contribution.objects.filter(pk=found.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    if status == Status.VALIDATED:
        contribution_decide(item=found, moderator=moderator, status=status)
    elif status is not None:
        Contribution.objects.filter(pk=found.pk).update(status=status)
    found.refresh_from_db()
    return found


def another_campaign(campaign):
    """A second campaign on the same commune."""
    return heritage_campaign(commune=campaign.communes.get(), title="Ailleurs")


def queue_url(campaign, query=""):
    return f"/inventaires/{campaign.slug}/moderation/{query}"


def item_url(campaign, found, action=""):
    return f"/inventaires/{campaign.slug}/moderation/{found.pk}/{action}"


def titles(response):
    return [row.item.title for row in response.context["rows"]]


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


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


# --- Bulk decisions ---------------------------------------------------------------------


def test_bulk_validate(signed_in, campaign, moderator):
    first, second = item(campaign, "Lavoir 1"), item(campaign, "Lavoir 2")

    response = signed_in.post(
        queue_url(campaign), {"items": [first.pk, second.pk], "action": "validate"}
    )

    assert response.status_code == 302
    assert response["Location"] == queue_url(campaign)
    assert set(Contribution.objects.values_list("status", flat=True)) == {Status.VALIDATED}
    events = ContributionEvent.objects.filter(kind=ContributionEvent.Kind.DECIDED)
    assert {e.contribution_id for e in events} == {first.pk, second.pk}
    assert {e.actor_id for e in events} == {moderator.pk}
    assert message_texts(response) == ["2 items validated."]
    # Each contributor is told of the decision about their item.
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == sorted(
        [first.contributor.email, second.contributor.email]
    )


def test_bulk_does_what_it_can_and_names_what_it_could_not(signed_in, campaign, moderator):
    waiting = item(campaign, "Lavoir 1")
    also = item(campaign, "Lavoir 2", status=Status.NEEDS_INFO)
    rejected = item(campaign, "Croix refusée", status=Status.REJECTED)

    response = signed_in.post(
        queue_url(campaign, "?status=all&q=l"),
        {"items": [waiting.pk, also.pk, rejected.pk], "action": "validate"},
    )

    assert response["Location"] == queue_url(campaign, "?status=all&q=l")
    statuses = dict(Contribution.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: Status.VALIDATED,
        also.pk: Status.VALIDATED,
        rejected.pk: Status.REJECTED,
    }
    [text] = message_texts(response)
    assert text.startswith("2 items validated, 1 skipped: “Croix refusée” (rejected).")
    assert "Each item is decided on its own" in text


@pytest.mark.parametrize("action", ["reject", "needs_info"])
def test_bulk_reject_or_ask_needs_a_message(signed_in, campaign, action):
    waiting = item(campaign)

    response = signed_in.post(queue_url(campaign), {"items": [waiting.pk], "action": action})

    assert response.status_code == 200
    assert "message" in response.context["bulk"].errors
    assert "Write a message to the contributor" in response.content.decode()
    assert response.context["rows"][0].checked  # ticked again, nothing to redo
    waiting.refresh_from_db()
    assert waiting.status == Status.SUBMITTED


def test_bulk_reject_with_a_message_keeps_it_in_each_history(signed_in, campaign):
    first, second = item(campaign, "A"), item(campaign, "B")

    signed_in.post(
        queue_url(campaign),
        {"items": [first.pk, second.pk], "action": "reject", "message": "Hors sujet."},
    )

    events = ContributionEvent.objects.filter(kind=ContributionEvent.Kind.DECIDED)
    assert [(e.to_status, e.message) for e in events] == [(Status.REJECTED, "Hors sujet.")] * 2


def test_bulk_needs_an_item_ticked_and_only_takes_this_campaigns(signed_in, campaign, moderator):
    elsewhere = item(another_campaign(campaign), "Lavoir d'ailleurs")

    nothing = signed_in.post(queue_url(campaign), {"action": "validate"})
    foreign = signed_in.post(queue_url(campaign), {"items": [elsewhere.pk], "action": "validate"})

    assert "items" in nothing.context["bulk"].errors
    assert "items" in foreign.context["bulk"].errors
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.SUBMITTED


def test_bulk_redirect_is_rebuilt_from_known_filters_only(signed_in, campaign):
    waiting = item(campaign)

    response = signed_in.post(
        queue_url(campaign, "?next=https://evil.example/&status=all&page=3&commune=x"),
        {"items": [waiting.pk], "action": "archive"},
    )

    # "commune=x" is not a commune of the campaign: dropped like the unknown "next".
    assert response["Location"] == queue_url(campaign, "?status=all&page=3")


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


# --- Decision ---------------------------------------------------------------------------


def test_decision_offers_only_allowed_statuses(signed_in, campaign):
    found = item(campaign, status=Status.REJECTED)

    form = signed_in.get(item_url(campaign, found)).context["decision"]

    assert [value for value, _label in form.fields["status"].choices] == [Status.SUBMITTED]


def test_decision_validates(signed_in, campaign, moderator):
    found = item(campaign)

    response = signed_in.post(item_url(campaign, found, "decision/"), {"status": "validated"})

    assert response["Location"] == item_url(campaign, found)
    found.refresh_from_db()
    assert found.status == Status.VALIDATED and found.validated_at is not None
    assert found.events.last().actor == moderator
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [found.contributor.email]


def test_decision_to_reject_needs_a_message(signed_in, campaign):
    found = item(campaign)

    response = signed_in.post(item_url(campaign, found, "decision/"), {"status": "rejected"})

    assert response.status_code == 200
    assert "message" in response.context["decision"].errors
    found.refresh_from_db()
    assert found.status == Status.SUBMITTED


def test_decision_not_allowed_from_the_status_is_refused(signed_in, campaign):
    found = item(campaign, status=Status.REJECTED)

    response = signed_in.post(item_url(campaign, found, "decision/"), {"status": "validated"})

    assert response.status_code == 200
    assert "status" in response.context["decision"].errors
    found.refresh_from_db()
    assert found.status == Status.REJECTED


# --- Edit -------------------------------------------------------------------------------


def edit_data(found, **changes):
    """The edit form as the page fills it in, with `changes` on top."""
    data = {
        "item-title": found.title,
        "item-description": found.description,
        "item-category": found.category_id,
        "item-address": found.address,
        "location-longitude": found.longitude,
        "location-latitude": found.latitude,
    }
    if found.location_approximate:
        data["location-location_approximate"] = "on"
    if found.obscure_location:
        data["location-obscure_location"] = "on"
    for key, value in found.values.items():
        data[f"values-{key}"] = value
    for photo in found.photos.all():
        data[f"photos-credit_{photo.pk}"] = photo.credit
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_edit_records_exactly_what_changed(signed_in, campaign, moderator):
    found = item(campaign, "Lavoir", values={"siecle": "XIXe", "etat": "bon état"})

    response = signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(found, **{"item-title": "Lavoir du Cadereau", "values-siecle": "XVIIIe"}),
    )

    assert response.status_code == 302
    [event] = found.events.filter(kind=ContributionEvent.Kind.EDITED)
    assert event.changes == {
        "title": ["Lavoir", "Lavoir du Cadereau"],
        "values.siecle": ["XIXe", "XVIIIe"],
    }
    assert event.actor == moderator
    found.refresh_from_db()
    assert found.title == "Lavoir du Cadereau"
    assert found.values == {"siecle": "XVIIIe", "etat": "bon état"}
    page = signed_in.get(item_url(campaign, found)).content.decode()
    assert "Title: Lavoir → Lavoir du Cadereau" in page
    assert "Siècle ou époque: XIXe → XVIIIe" in page
    assert "completed by Paul Animateur (team)" in page


def test_edit_without_change_records_nothing(signed_in, campaign):
    found = item(campaign, values={"materiaux": ["galets", "calcaire"], "etat": "bon état"})

    response = signed_in.post(item_url(campaign, found, "modifier/"), edit_data(found))

    assert response.status_code == 302
    assert not found.events.filter(kind=ContributionEvent.Kind.EDITED).exists()
    assert message_texts(response) == ["Nothing was changed: the item is as it was."]


def test_edit_clears_an_answer_and_changes_the_category(signed_in, campaign):
    found = item(campaign, values={"siecle": "XIXe"})
    fountain = campaign.categories.get(slug="fontaine")

    signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(found, **{"values-siecle": "", "item-category": fountain.pk}),
    )

    event = found.events.get(kind=ContributionEvent.Kind.EDITED)
    assert event.changes == {
        "category": ["Lavoir", "Fontaine"],
        "values.siecle": ["XIXe", None],
    }
    found.refresh_from_db()
    assert found.category == fountain and found.values == {}


def test_moving_the_point_finds_the_commune_and_places_the_location(signed_in, campaign):
    uzes = CommuneFactory(insee_code="30334", name="Uzès", geometry=_square(4.40, 43.83, 0.03))
    campaign.communes.add(uzes)
    found = item(campaign)
    Contribution.objects.filter(pk=found.pk).update(location_approximate=True)
    found.refresh_from_db()

    signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(found, **{"location-longitude": "4.41", "location-latitude": "43.84"}),
    )

    found.refresh_from_db()
    assert (found.longitude, found.latitude, found.commune) == (4.41, 43.84, uzes)
    assert not found.location_approximate
    event = found.events.get(kind=ContributionEvent.Kind.EDITED)
    assert event.changes == {
        "longitude": [LON, 4.41],
        "latitude": [LAT, 43.84],
        "commune": ["Nîmes", "Uzès"],
        "location_approximate": [True, False],
    }


def test_a_point_outside_the_campaigns_communes_is_refused(signed_in, campaign):
    found = item(campaign)

    response = signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(
            found,
            **{"item-title": "Changed", "location-longitude": "2.35", "location-latitude": "48.85"},
        ),
    )

    assert response.status_code == 200
    assert "outside the communes of the campaign" in response.content.decode()
    found.refresh_from_db()
    assert (found.title, found.longitude, found.latitude) == ("Lavoir", LON, LAT)
    assert not found.events.filter(kind=ContributionEvent.Kind.EDITED).exists()


def test_bad_coordinates_are_explained(signed_in, campaign):
    found = item(campaign)

    response = signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(found, **{"location-latitude": "123", "item-title": ""}),
    )

    assert response.status_code == 200
    assert "latitude" in response.context["edit"].location.errors
    assert "title" in response.context["edit"].item.errors
    found.refresh_from_db()
    assert found.title == "Lavoir"


def test_edit_photo_credits_and_remove_a_photo(
    signed_in, campaign, media, django_capture_on_commit_callbacks
):
    found = item(campaign, photos=[a_photo("Jeanne"), a_photo("Paul")])
    first, second = found.photos.order_by("position")
    removed_file, kept_file = media / second.image.name, media / first.image.name
    assert removed_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            item_url(campaign, found, "modifier/"),
            edit_data(
                found,
                **{
                    f"photos-credit_{first.pk}": "Jeanne Dupont",
                    f"photos-delete_{second.pk}": "on",
                },
            ),
        )

    assert response.status_code == 302
    assert list(found.photos.values_list("credit", flat=True)) == ["Jeanne Dupont"]
    assert not removed_file.exists() and kept_file.exists()
    event = found.events.get(kind=ContributionEvent.Kind.EDITED)
    assert event.changes == {
        f"photo.{second.pk}.removed": ["Paul", None],
        f"photo.{first.pk}.credit": ["Jeanne", "Jeanne Dupont"],
    }


def test_the_last_photo_cannot_be_removed(signed_in, campaign):
    found = item(campaign)
    photo = found.photos.get()

    response = signed_in.post(
        item_url(campaign, found, "modifier/"),
        edit_data(found, **{f"photos-delete_{photo.pk}": "on", "item-title": "Autre"}),
    )

    assert response.status_code == 200
    assert "Keep at least one photo" in response.content.decode()
    assert found.photos.count() == 1
    found.refresh_from_db()
    assert found.title == "Lavoir"


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


# --- Queries ----------------------------------------------------------------------------

# Campaign, session, user, rights (2); then for the queue: filter choices (2), count, page,
# photos, duplicates; for the item page: item, photos, questions, events, nearby
# duplicates, items merged into it, the edit form's categories.
QUEUE_QUERIES = 11
ITEM_QUERIES = 12


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
