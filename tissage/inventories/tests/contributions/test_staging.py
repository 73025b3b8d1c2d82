"""Photos kept for a contribution form (`staging`): a form that comes back with an error
keeps its photos (without JavaScript), photos sent as they are chosen (with it), the
limits, taking one off, and forgetting those of forms never sent."""

import datetime
import re
import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tissage.inventories.models import Contribution, Photo, StagedPhoto
from tissage.inventories.tests.helpers import heritage_campaign

from .test_views import contribute_url, form_data, photo

pytestmark = pytest.mark.django_db

KEY = "6f1c2a4e-8d3b-4f5a-9e7c-0b1d2e3f4a5b"


def stage_url(campaign):
    return reverse("inventories:photos_stage", kwargs={"slug": campaign.slug})


def kept_names(page: str) -> list[str]:
    return re.findall(r'class="staged-name"[^>]*>([^<]*)<', page)


def test_a_form_sent_back_for_a_correction_keeps_its_photos(
    client, campaign, django_capture_on_commit_callbacks
):
    # The first sending lacks the name of the item: the photos arrived all the same.
    data = form_data(
        campaign, title="", submission_key=KEY, photos=[photo("IMG_2041.jpg"), photo("b.jpg")]
    )
    first = client.post(contribute_url(campaign), data)

    assert first.status_code == 200
    page = first.content.decode()
    assert "Give the item a name." in page or "Donnez un nom" in page
    assert kept_names(page) == ["IMG_2041.jpg", "b.jpg"]
    assert StagedPhoto.objects.filter(key=KEY).count() == 2
    # Nothing is half-saved: no item yet.
    assert not Contribution.objects.exists()
    # The photo input is not required any more: the kept photos are enough.
    assert re.search(r'<input type="file" name="photos"[^>]*\brequired\b', page) is None
    staged_files = [p.image.name for p in StagedPhoto.objects.all()]
    assert all(name.startswith("private/") for name in staged_files)

    # The second sending, corrected, carries no file: the item gets the kept photos.
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            contribute_url(campaign), form_data(campaign, submission_key=KEY, photos=None)
        )

    assert second.status_code == 302
    item = Contribution.objects.get()
    assert item.photos.count() == 2
    assert not StagedPhoto.objects.exists()
    # The kept files are gone, the item's are there.
    assert not any(default_storage.exists(name) for name in staged_files)
    assert all(default_storage.exists(p.image.name) for p in Photo.objects.all())


def test_kept_photos_and_new_ones_together_and_one_taken_off(client, campaign):
    client.post(
        contribute_url(campaign),
        form_data(campaign, title="", submission_key=KEY, photos=[photo("a.jpg"), photo("b.jpg")]),
    )
    a = StagedPhoto.objects.get(name="a.jpg")

    # Still an error (no name); "a" taken off, "c" added.
    response = client.post(
        contribute_url(campaign),
        form_data(
            campaign,
            title="",
            submission_key=KEY,
            remove_photos=[a.pk],
            photos=[photo("c.jpg")],
        ),
    )

    assert response.status_code == 200
    assert kept_names(response.content.decode()) == ["b.jpg", "c.jpg"]
    assert sorted(StagedPhoto.objects.values_list("name", flat=True)) == ["b.jpg", "c.jpg"]


def test_taking_every_kept_photo_off_asks_for_a_photo_again(client, campaign):
    client.post(contribute_url(campaign), form_data(campaign, title="", submission_key=KEY))
    kept = StagedPhoto.objects.get()

    response = client.post(
        contribute_url(campaign),
        form_data(campaign, submission_key=KEY, remove_photos=[kept.pk], photos=None),
    )

    assert response.status_code == 200
    assert not Contribution.objects.exists()
    assert not StagedPhoto.objects.exists()
    assert (
        "Add at least one photo." in response.content.decode()
        or "Ajoutez au moins une photo" in (response.content.decode())
    )


def test_no_more_than_five_photos_with_those_kept(client, campaign):
    client.cookies["django_language"] = "en"
    client.post(
        contribute_url(campaign),
        form_data(
            campaign, title="", submission_key=KEY, photos=[photo(f"{n}.jpg") for n in range(4)]
        ),
    )

    response = client.post(
        contribute_url(campaign),
        form_data(campaign, submission_key=KEY, photos=[photo("5.jpg"), photo("6.jpg")]),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "4 photos are kept above and an item has at most 5: add at most 1 more" in page
    assert StagedPhoto.objects.count() == 4
    assert not Contribution.objects.exists()


def test_a_refused_file_is_named_and_the_good_ones_are_kept(client, campaign):
    client.cookies["django_language"] = "en"
    bad = photo("notes.jpg", data=b"not a picture at all", content_type="image/jpeg")

    response = client.post(
        contribute_url(campaign),
        form_data(campaign, submission_key=KEY, photos=[photo("good.jpg"), bad]),
    )

    page = response.content.decode()
    assert "notes.jpg : This file is not a photo we can use." in page
    assert kept_names(page) == ["good.jpg"]
    assert not Contribution.objects.exists()


def test_a_lost_key_still_keeps_the_photos_under_a_new_one(client, campaign):
    response = client.post(
        contribute_url(campaign), form_data(campaign, title="", submission_key="garbage")
    )

    page = response.content.decode()
    assert response.status_code == 200
    new_key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page)
    assert new_key is not None
    assert StagedPhoto.objects.get().key == uuid.UUID(new_key.group(1))


# With JavaScript: each photo sent as soon as it is chosen ------------------------------------


def test_photos_sent_as_they_are_chosen_are_kept_for_the_form(
    client, campaign, django_capture_on_commit_callbacks
):
    response = client.post(
        stage_url(campaign), {"submission_key": KEY, "photos": [photo("IMG_1.jpg")]}
    )

    assert response.status_code == 200
    assert kept_names(response.content.decode()) == ["IMG_1.jpg"]
    kept = StagedPhoto.objects.get()
    thumbnail = client.get(reverse("inventories:staged_photo", args=[campaign.slug, KEY, kept.pk]))
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/webp"

    # The form is then sent without any file.
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            contribute_url(campaign), form_data(campaign, submission_key=KEY, photos=None)
        )
    assert sent.status_code == 302
    assert Contribution.objects.get().photos.count() == 1


def test_sending_photos_as_chosen_respects_the_limit_and_names_refusals(client, campaign):
    client.cookies["django_language"] = "en"
    client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo() for _ in range(5)]})

    sixth = client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo("6.jpg")]})
    bad = client.post(
        stage_url(campaign),
        {"submission_key": str(uuid.uuid4()), "photos": [photo("x.jpg", data=b"GIF89a....")]},
    )

    assert "add at most 0 more" in sixth.content.decode()
    assert StagedPhoto.objects.filter(key=KEY).count() == 5
    assert "x.jpg : This file is not a photo we can use." in bad.content.decode()
    assert StagedPhoto.objects.count() == 5


def test_a_kept_photo_taken_off_with_javascript(
    client, campaign, django_capture_on_commit_callbacks
):
    client.post(
        stage_url(campaign), {"submission_key": KEY, "photos": [photo("a.jpg"), photo("b.jpg")]}
    )
    a = StagedPhoto.objects.get(name="a.jpg")
    name = a.image.name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(stage_url(campaign), {"submission_key": KEY, "remove_photos": a.pk})

    assert kept_names(response.content.decode()) == ["b.jpg"]
    assert not default_storage.exists(name)


def test_staging_without_a_key_says_to_reload(client, campaign):
    client.cookies["django_language"] = "en"

    response = client.post(stage_url(campaign), {"photos": [photo()]})

    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert not StagedPhoto.objects.exists()
    assert client.get(stage_url(campaign)).status_code == 405


def test_a_kept_photo_is_seen_only_with_its_form_key(client, campaign):
    client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo()]})
    kept = StagedPhoto.objects.get()

    other_key = client.get(
        reverse("inventories:staged_photo", args=[campaign.slug, uuid.uuid4(), kept.pk])
    )

    assert other_key.status_code == 404


def test_a_closed_campaign_keeps_no_photo(client):
    campaign = heritage_campaign(
        starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 12, 31)
    )

    response = client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo()]})

    assert response.status_code == 403
    assert not StagedPhoto.objects.exists()


def test_photos_of_forms_never_sent_are_forgotten_after_a_day(
    client, campaign, django_capture_on_commit_callbacks
):
    client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo("old.jpg")]})
    other = str(uuid.uuid4())
    client.post(stage_url(campaign), {"submission_key": other, "photos": [photo("new.jpg")]})
    old = StagedPhoto.objects.get(name="old.jpg")
    StagedPhoto.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge", verbosity=0)

    assert list(StagedPhoto.objects.values_list("name", flat=True)) == ["new.jpg"]
    assert not default_storage.exists(old.image.name)
    assert not default_storage.exists(old.thumbnail.name)


def test_the_form_sent_again_after_its_photos_were_used_leads_to_its_item(
    client, campaign, django_capture_on_commit_callbacks
):
    client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo()]})
    data = form_data(campaign, submission_key=KEY, photos=None)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(contribute_url(campaign), data)

    # "Back" then "Send" again: the photos are used up, the item is found by its key.
    again = client.post(contribute_url(campaign), data)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Contribution.objects.count() == 1


def test_a_kept_photo_whose_file_is_gone_is_asked_again(client, campaign):
    client.cookies["django_language"] = "en"
    client.post(stage_url(campaign), {"submission_key": KEY, "photos": [photo()]})
    kept = StagedPhoto.objects.get()
    default_storage.delete(kept.image.name)

    response = client.post(
        contribute_url(campaign), form_data(campaign, submission_key=KEY, photos=None)
    )

    assert response.status_code == 200
    assert "A photo kept for this form is no longer there: add it again." in (
        response.content.decode()
    )
    assert not Contribution.objects.exists()
