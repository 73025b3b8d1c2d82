"""The inventories in the Django admin: an item's photos are shown, never taken as files."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import SuperuserFactory, UserFactory
from tissage.inventories.tests.helpers import submit

pytestmark = pytest.mark.django_db


def test_an_item_s_photos_are_shown_and_credited_but_no_file_is_taken(client, campaign):
    """A file sent through the admin would skip the photo pipeline (its GPS position, its
    full size) and sit beside the thumbnail of another picture (issue #11, point 6)."""
    item = submit(campaign, contributor=UserFactory())
    photo = item.photos.get()
    client.force_login(SuperuserFactory())
    url = f"/admin/inventories/contribution/{item.pk}/change/"

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="file"' not in html
    assert photo.image_url in html and photo.thumbnail_url in html
    [photos] = [
        inline
        for inline in page.context["inline_admin_formsets"]
        if inline.opts.model is type(photo)
    ]
    assert not photos.has_add_permission
    fields = set(photos.formset.forms[0].fields)
    assert {"credit", "position"} <= fields
    assert not {"image", "thumbnail"} & fields
