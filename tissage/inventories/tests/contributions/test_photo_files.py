"""The photos of an item not published are private files (core/files.py): no public
address; the app serves them to the item's moderators and contributor only. Once the item
is published they move to the public folder, and back when it is withdrawn."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from tissage.core.files import PRIVATE
from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution, Photo
from tissage.inventories.tests.helpers import submit

pytestmark = pytest.mark.django_db


def _paths(photo: Photo) -> list[Path]:
    return [Path(photo.image.path), Path(photo.thumbnail.path)]


def test_a_waiting_item_s_photos_are_private_and_served_only_to_who_may_see_it(
    client, campaign, facilitator, settings
):
    contributor = UserFactory()
    item = submit(campaign, contributor=contributor)
    photo = item.photos.get()

    assert photo.image.name.startswith(PRIVATE) and photo.thumbnail.name.startswith(PRIVATE)
    assert all(path.is_relative_to(settings.PRIVATE_MEDIA_ROOT) for path in _paths(photo))
    # No address under /media/ reaches it, whatever is tried.
    for name in (photo.image.name, photo.image.name.removeprefix(PRIVATE)):
        assert client.get(f"/media/{name}").status_code == 404
    url = f"/inventaires/photos/{photo.pk}/image/"
    assert photo.image_url == url
    assert client.get(url).status_code == 404  # anonymous: the item is hidden
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # another person: hidden too

    for allowed in (contributor, facilitator):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == Path(photo.image.path).read_bytes()
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "private" in response["Cache-Control"]
        # The moderation page shows the photo through the app.
    page = client.get(f"/inventaires/{campaign.slug}/moderation/{item.pk}/").content.decode()
    assert f"/inventaires/photos/{photo.pk}/thumbnail/" in page
    assert "/media/" not in page


def test_publishing_moves_the_photos_to_the_public_folder_and_withdrawing_back(
    client, campaign, facilitator, django_capture_on_commit_callbacks
):
    item = submit(campaign, contributor=UserFactory())
    private = Photo.objects.get(contribution=item)
    client.force_login(facilitator)
    decision = f"/inventaires/{campaign.slug}/moderation/{item.pk}/decision/"

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(decision, {"status": "validated"}).status_code == 302

    public = Photo.objects.get(pk=private.pk)
    assert public.image.name == private.image.name.removeprefix(PRIVATE)
    assert not any(path.exists() for path in _paths(private))
    client.logout()
    assert client.get(public.image_url).status_code == 200
    assert public.image_url.startswith("/media/")
    page = client.get(f"/inventaires/{campaign.slug}/fiches/{item.pk}/").content.decode()
    assert public.thumbnail_url in page

    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decision, {"status": "archived", "message": "Doublon."})
    assert response.status_code == 302
    again = Photo.objects.get(pk=private.pk)
    assert again.image.name.startswith(PRIVATE)
    client.logout()
    assert client.get(public.image_url).status_code == 404


def test_the_daily_purge_places_photos_whose_item_changed_status_elsewhere(campaign):
    item = submit(campaign, contributor=UserFactory())
    # Published in the admin, say: no decision, no move.
    Contribution.objects.filter(pk=item.pk).update(status=Contribution.Status.VALIDATED)
    photo = Photo.objects.get(contribution=item)
    assert photo.image.name.startswith(PRIVATE)

    call_command("purge", verbosity=0)

    photo.refresh_from_db()
    assert not photo.image.name.startswith(PRIVATE)
    assert not photo.thumbnail.name.startswith(PRIVATE)
    assert all(path.exists() for path in _paths(photo))
    assert Photo.objects.all().files_place() == 0  # nothing left to move
