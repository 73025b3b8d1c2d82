"""Moderators' decisions and edits: the workflow and its history through the services;
bulk decisions from the queue, one item's decision and its edit through HTTP."""

from pathlib import Path

import pytest

from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import CommuneFactory, UserFactory, _square
from tissage.inventories.contributions.services import ContributionRefused
from tissage.inventories.models import Contribution, ContributionEvent
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import LAT, LON, a_photo, submit
from tissage.inventories.tests.moderation.helpers import (
    Status,
    another_campaign,
    edit_data,
    item,
    item_url,
    message_texts,
    queue_url,
)

pytestmark = pytest.mark.django_db


def test_decisions_follow_the_workflow_and_are_kept(campaign):
    moderator = UserFactory(display_name="Camille")
    item = submit(campaign, contributor=UserFactory())
    with pytest.raises(ContributionRefused):
        contribution_decide(item=item, moderator=moderator, status="needs_info")  # no message
    contribution_decide(
        item=item, moderator=moderator, status="needs_info", message="Une photo de face ?"
    )
    contribution_decide(item=item, moderator=moderator, status="validated")
    item.refresh_from_db()
    assert item.status == "validated"
    assert item.validated_at is not None
    with pytest.raises(ContributionRefused):
        contribution_decide(item=item, moderator=moderator, status="submitted")
    history = list(item.events.values_list("kind", "from_status", "to_status", "message"))
    assert history == [
        ("submitted", "", "submitted", ""),
        ("decided", "submitted", "needs_info", "Une photo de face ?"),
        ("decided", "needs_info", "validated", ""),
    ]
    assert ContributionEvent.objects.filter(actor=moderator).count() == 2


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
    removed_file, kept_file = Path(second.image.path), Path(first.image.path)
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


@pytest.mark.parametrize("bad", ["1" * 400, "-1", "²", "1e3", str(2**63)])
def test_bulk_with_an_id_no_row_can_have_is_a_form_error(signed_in, campaign, bad):
    """A forged id (400 digits made SQLite overflow: a 500) is refused like a stale one."""
    waiting = item(campaign, "Lavoir 1")

    response = signed_in.post(
        queue_url(campaign), {"items": [waiting.pk, bad], "action": "validate"}
    )

    assert response.status_code == 200
    assert response.context["bulk"].errors["items"]
    waiting.refresh_from_db()
    assert waiting.status != Status.VALIDATED
