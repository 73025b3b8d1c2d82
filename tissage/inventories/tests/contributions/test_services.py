"""Contributions through the services: submit (as a member, a guest, an assisted entry),
refusals, duplicates, the public point, the person's data export; forgetting what guests
never confirmed."""

import datetime
import io
import os

import pytest
from django.utils import timezone, translation

from tissage.core.tests.factories import UserFactory
from tissage.inventories.contributions.services import (
    ContributionRefused,
    possible_duplicates,
    unconfirmed_contributions_purge,
)
from tissage.inventories.models import Contribution
from tissage.inventories.tests import helpers
from tissage.inventories.tests.helpers import LAT, LON, a_photo, lavoir
from tissage.territories.geography import distance_metres

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(campaign):
    return campaign.communes.get()


def submit(campaign, **changes):
    """A lavoir at (LON, LAT) with one photo, as `helpers.submit`, but nobody is named
    unless `changes` says who contributes."""
    return helpers.submit(campaign, **{"guest_name": "", "guest_email": "", **changes})


def test_member_contribution_is_submitted_with_photos_and_history(campaign, commune):
    user = UserFactory(display_name="Jeanne")
    item = submit(
        campaign,
        title="Lavoir du Cadereau",
        photos=[a_photo(), a_photo()],
        values={"siecle": "XIXe siècle"},
        contributor=user,
    )
    assert item.status == Contribution.Status.SUBMITTED
    assert item.commune == commune
    assert item.licence == campaign.licence
    assert [p.credit for p in item.photos.all()] == ["Jeanne D.", "Jeanne D."]
    event = item.events.get()
    assert (event.kind, event.actor, event.to_status) == ("submitted", user, "submitted")


def test_guest_contribution_waits_for_email_confirmation(campaign):
    item = submit(campaign, title="Puits", guest_name="Marcel", guest_email="Marcel@Example.org")
    assert item.status == Contribution.Status.AWAITING_EMAIL
    assert item.contributor_email == "marcel@example.org"
    assert item.public_contributor == "Marcel"


def test_assisted_entry_without_a_name_is_credited_to_the_facilitator(campaign):
    facilitator = UserFactory(display_name="Mehdi")
    item = submit(campaign, entered_by=facilitator)
    assert item.public_contributor == "Mehdi"
    assert [p.credit for p in item.photos.all()] == ["Jeanne D."]


def test_assisted_entry_is_recorded_as_such(campaign):
    facilitator = UserFactory(display_name="Mehdi")
    item = submit(campaign, title="Croix", guest_name="Mme Roux", entered_by=facilitator)
    assert item.status == Contribution.Status.SUBMITTED
    assert item.entered_by == facilitator
    assert item.public_contributor == "Mme Roux"
    assert item.events.get().message


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"photos": []}, "photo"),
        ({"photos": [a_photo() for _ in range(6)]}, "photo"),
        ({"lon": 3.0, "lat": 45.0}, "outside"),
        ({"guest_email": ""}, "email"),
    ],
)
def test_refused_contributions_leave_nothing_behind(campaign, changes, expected):
    guest = {"guest_name": "Marcel", "guest_email": "marcel@example.org"}
    with translation.override("en"), pytest.raises(ContributionRefused, match=expected):
        submit(campaign, **{**guest, **changes})
    assert not Contribution.objects.exists()


def test_account_required_campaign_refuses_guests(campaign):
    campaign.requires_account = True
    campaign.save()
    with pytest.raises(ContributionRefused):
        submit(campaign, guest_name="Marcel", guest_email="marcel@example.org")


def test_duplicate_warning_at_30_metres_not_at_200(campaign):
    existing = submit(campaign, contributor=UserFactory())
    metres_per_degree_lon = 111_320 * 0.7216  # cos(43.845°)
    near = possible_duplicates(
        campaign=campaign,
        category=lavoir(campaign),
        lon=LON + 30 / metres_per_degree_lon,
        lat=LAT,
    )
    far = possible_duplicates(
        campaign=campaign,
        category=lavoir(campaign),
        lon=LON + 200 / metres_per_degree_lon,
        lat=LAT,
    )
    other_category = possible_duplicates(
        campaign=campaign,
        category=campaign.categories.get(merimee_denomination="puits"),
        lon=LON,
        lat=LAT,
    )
    assert [(item, round(distance)) for item, distance in near] == [(existing, 30)]
    assert far == []
    assert other_category == []


def test_distance_is_right_at_village_scale():
    # One hundredth of a degree of latitude is about 1,112 m anywhere.
    assert round(distance_metres(4.36, 43.84, 4.36, 43.85)) == 1112


def test_obscured_location_is_rounded_to_about_a_kilometre(campaign):
    item = submit(
        campaign,
        title="Capitelle",
        lon=4.36789,
        lat=43.84567,
        contributor=UserFactory(),
        obscure_location=True,
    )
    assert item.public_point() == (4.37, 43.85)
    assert (item.longitude, item.latitude) == (4.36789, 43.84567)


def test_contributions_and_photos_are_in_the_person_s_data_export(campaign, client):
    import json
    import zipfile

    user = UserFactory()
    submit(campaign, title="Lavoir de la Fontaine", contributor=user)
    client.force_login(user)
    response = client.get("/compte/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        data = json.loads(archive.read("data.json"))
        photo_files = [n for n in archive.namelist() if n.startswith("files/inventories/")]
    assert [c["title"] for c in data["inventory_contributions"]] == ["Lavoir de la Fontaine"]
    assert len(photo_files) == 1


def test_unconfirmed_guest_contributions_are_forgotten_after_a_week(campaign, on_commit):
    old = helpers.submit(campaign, guest_email="lost@example.org")
    photo_path = old.photos.get().image.path
    Contribution.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    recent = helpers.submit(campaign, guest_email="recent@example.org")
    # A guest's submission does not purge: that is the scheduled `tissage purge`.
    assert Contribution.objects.filter(pk=old.pk).exists()

    assert on_commit(unconfirmed_contributions_purge) == 1

    assert not Contribution.objects.filter(pk=old.pk).exists()
    assert Contribution.objects.filter(pk=recent.pk).exists()
    assert not os.path.exists(photo_path)
    assert on_commit(unconfirmed_contributions_purge) == 0  # nothing left to forget
    assert Contribution.objects.filter(pk=recent.pk).exists()


def test_two_sendings_at_the_same_instant_meet_the_unique_key(campaign):
    """The second of two simultaneous sendings finds no item yet, then hits the key's
    unique constraint: the view answers with the first one's item."""
    import uuid

    from django.db import IntegrityError, transaction

    from tissage.inventories.contributions.services import contribution_of_submission
    from tissage.inventories.tests import helpers

    key = uuid.uuid4()
    first = helpers.submit(campaign, submission_key=key)
    item = Contribution(
        **{
            f.name: getattr(first, f.name)
            for f in Contribution._meta.concrete_fields
            if f.name not in {"id", "century"}
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()
    assert contribution_of_submission(key) == first


def test_a_sending_second_by_a_hair_meets_the_database_not_a_refusal(campaign, monkeypatch):
    """Two sendings of one form at once: the second may look for the first's item before
    it is committed and find nothing. It must then fail on the key's unique index
    (IntegrityError: the view answers with the first's item), not be refused as a
    duplicate key by validation, which showed the form again (seen on PostgreSQL)."""
    import uuid

    from django.db import IntegrityError

    from tissage.inventories.contributions import services

    key = uuid.UUID("6f1c2a4e-8d3b-4f5a-9e7c-0b1d2e3f4a5b")
    helpers.submit(campaign, submission_key=key)
    monkeypatch.setattr(services, "contribution_of_submission", lambda _key: None)

    with pytest.raises(IntegrityError):
        helpers.submit(campaign, submission_key=key)
    assert Contribution.objects.filter(submission_key=key).count() == 1
