"""A contribution with a photo when files are on an object store (a real S3 API server,
tissage/core/tests/s3.py): private until the item is published, then public; and refused
with a clear page, nothing saved, when the store cannot be reached."""

from __future__ import annotations

from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
from django.utils.html import escape
from django.utils.translation import gettext

from tissage.core.tests.factories import UserFactory
from tissage.core.tests.s3 import use_s3
from tissage.core.tests.smtp import free_port
from tissage.inventories.models import Contribution, Photo, StagedPhoto
from tissage.inventories.moderation.services import contribution_decide, photo_files_place
from tissage.inventories.tests.contributions.test_views import contribute_url, form_data


def status_of(url: str) -> int:
    try:
        with urlopen(url, timeout=10) as answer:  # noqa: S310 - the test's own server
            return answer.status
    except HTTPError as error:
        return error.code


@pytest.mark.django_db
def test_a_photo_is_private_until_the_item_is_published(
    s3_media, client, campaign, facilitator, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contribute_url(campaign), form_data(campaign))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert s3_media.key(photo.image.name).startswith("site/private/")
    assert s3_media.key(photo.image.name) in s3_media.objects()
    private_key = s3_media.key(photo.image.name)
    assert status_of(f"{s3_media.endpoint}/{s3_media.bucket}/{private_key}") == 403

    item = Contribution.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        contribution_decide(item=item, moderator=facilitator, status=Contribution.Status.VALIDATED)

    photo.refresh_from_db()
    assert s3_media.key(photo.image.name).startswith("site/public/")
    assert private_key not in s3_media.objects()
    assert status_of(photo.image_url) == 200


@pytest.mark.django_db(transaction=True)
def test_store_down_a_contribution_with_a_photo_is_refused_and_nothing_is_kept(
    settings, client, campaign
):
    use_s3(settings, f"http://127.0.0.1:{free_port()}", "tissage-down")

    response = client.post(contribute_url(campaign), form_data(campaign))

    assert response.status_code == 503
    assert escape(gettext("File storage is unreachable for the moment")) in response.text
    assert not Contribution.objects.exists()
    assert not Photo.objects.exists()
    assert not StagedPhoto.objects.exists()


@pytest.mark.django_db
def test_store_down_a_decision_is_made_and_the_next_purge_places_the_photos(
    s3_media, settings, client, campaign, facilitator, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    client.post(contribute_url(campaign), form_data(campaign))
    photo = Photo.objects.get()
    private_names = (photo.image.name, photo.thumbnail.name)
    working_endpoint = settings.MEDIA_S3_ENDPOINT_URL
    settings.MEDIA_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"

    with django_capture_on_commit_callbacks(execute=True):
        contribution_decide(
            item=Contribution.objects.get(),
            moderator=facilitator,
            status=Contribution.Status.VALIDATED,
        )

    assert Contribution.objects.get().status == Contribution.Status.VALIDATED
    photo.refresh_from_db()
    assert (photo.image.name, photo.thumbnail.name) == private_names
    assert {s3_media.key(name) for name in private_names} <= s3_media.objects()

    settings.MEDIA_S3_ENDPOINT_URL = working_endpoint
    assert photo_files_place() == 1

    photo.refresh_from_db()
    assert not photo.image.name.startswith("private/")
    assert not photo.thumbnail.name.startswith("private/")
    assert status_of(photo.image_url) == 200
    assert not {s3_media.key(name) for name in private_names} & s3_media.objects()
