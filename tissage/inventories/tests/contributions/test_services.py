"""Campaigns and contributions through the services: submit, duplicates, decisions."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import translation
from PIL import Image

from tissage.core.tests.factories import CommuneFactory, ProjectFactory, UserFactory, _square
from tissage.inventories.campaigns import heritage
from tissage.inventories.campaigns.services import campaign_create
from tissage.inventories.contributions.services import (
    ContributionRefused,
    PhotoInput,
    contribution_submit,
    possible_duplicates,
)
from tissage.inventories.models import Campaign, Contribution, ContributionEvent
from tissage.inventories.models.contributions import distance_metres
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.photos import PreparedPhoto

pytestmark = pytest.mark.django_db

# A point inside the test commune below (a 0.03° square from 4.35, 43.83).
LON, LAT = 4.365, 43.845


def a_photo() -> PhotoInput:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "grey").save(buffer, format="JPEG")
    data = buffer.getvalue()
    prepared = PreparedPhoto(
        image=ContentFile(data, name="photo.jpg"),
        thumbnail=ContentFile(data, name="thumb.jpg"),
        width=40,
        height=30,
    )
    return PhotoInput(photo=prepared, credit="Jeanne D.")


@pytest.fixture
def commune():
    return CommuneFactory(
        insee_code="30189", name="Nîmes", geometry=_square(4.35, 43.83, size=0.03)
    )


@pytest.fixture
def campaign(commune, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return campaign_create(
        project=ProjectFactory(),
        title="Petit patrimoine des Garrigues",
        template=Campaign.Template.HERITAGE,
        communes=[commune],
    )


def lavoir(campaign):
    return campaign.categories.get(merimee_denomination="lavoir")


def submit(campaign, **changes):
    """Submit a lavoir at (LON, LAT) with one photo; `changes` override any argument."""
    arguments = {
        "campaign": campaign,
        "category": lavoir(campaign),
        "title": "Lavoir",
        "lon": LON,
        "lat": LAT,
        "photos": [a_photo()],
    }
    return contribution_submit(**{**arguments, **changes})


def test_heritage_template_brings_mapped_categories_and_fields(campaign):
    assert campaign.categories.count() == len(heritage.CATEGORIES)
    assert lavoir(campaign).name == "Lavoir"
    codes = dict(campaign.fields.values_list("key", "merimee_field"))
    assert codes["siecle"] == "SCLE"
    assert codes["etat"] == "ETAT"
    assert codes["materiaux"] == "MURS"
    assert codes["propriete"] == "STAT"
    assert codes["lieu_dit"] == "LIEU"


def test_campaign_field_asks_its_question_with_a_form_field(campaign):
    etat = campaign.fields.get(key="etat")
    form_field = etat.form_field()
    assert "mauvais état" in [value for value, _label in form_field.choices]
    assert form_field.clean("mauvais état") == "mauvais état"
    materiaux = campaign.fields.get(key="materiaux").form_field()
    assert materiaux.clean(["calcaire", "brique"]) == ["calcaire", "brique"]


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


def test_campaign_dates():
    today = datetime.date(2026, 6, 1)
    campaign = Campaign(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 5, 31))
    assert not campaign.is_open(today)
    assert Campaign(starts_on=datetime.date(2026, 1, 1)).is_open(today)


def test_contributions_and_photos_are_in_the_person_s_data_export(campaign, client):
    import json
    import zipfile

    user = UserFactory()
    submit(campaign, title="Lavoir de la Fontaine", contributor=user)
    client.force_login(user)
    response = client.get("/compte/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("data.json"))
        photo_files = [n for n in archive.namelist() if n.startswith("files/inventories/")]
    assert [c["title"] for c in data["inventory_contributions"]] == ["Lavoir de la Fontaine"]
    assert len(photo_files) == 1
