"""The photos ZIP: the originals of validated items, with their credits."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.http import StreamingHttpResponse
from PIL import Image

from tissage.inventories.models import Photo
from tissage.inventories.tests.opendata.helpers import body

pytestmark = pytest.mark.django_db


def test_photos_zip_has_the_originals_of_validated_items_and_a_credits_file(
    client, campaign, items
):
    response = client.get(f"/inventaires/{campaign.slug}/photos.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    shown = items["shown"]
    photos = list(shown.photos.order_by("position"))
    expected = [
        f"{shown.pk}-1-lavoir-de-la-fontaine.jpg",
        f"{shown.pk}-2-lavoir-de-la-fontaine.jpg",
    ]
    hidden = items["hidden"]
    assert names == ["CREDITS.txt", *expected, f"{hidden.pk}-1-croix-de-chemin.jpg"]
    for name, photo in zip(expected, photos, strict=True):
        with photo.image.open("rb") as stored:
            assert archive.read(name) == stored.read()
        assert not Image.open(io.BytesIO(archive.read(name))).getexif()
    credits = archive.read("CREDITS.txt").decode()
    assert "Licence Ouverte / Etalab 2.0" in credits
    assert f"{expected[1]}\r\n  Fiche : Lavoir de la Fontaine\r\n  Auteur : Paul M." in credits
    assert f"http://testserver/inventaires/{campaign.slug}/fiches/{shown.pk}/" in credits
    # Photos of items not published stay out.
    assert Photo.objects.filter(contribution=items["waiting"]).exists()
    assert "attente" not in credits


def test_a_photo_lost_from_the_media_folder_is_left_out(client, campaign, items):
    photo = items["shown"].photos.order_by("position").first()
    photo.image.storage.delete(photo.image.name)
    archive = zipfile.ZipFile(
        io.BytesIO(body(client.get(f"/inventaires/{campaign.slug}/photos.zip")))
    )
    assert len(archive.namelist()) == 3  # CREDITS.txt, the other lavoir photo, the croix
    assert archive.testzip() is None


def test_photos_zip_is_sent_while_it_is_made(client, campaign, items):
    response = client.get(f"/inventaires/{campaign.slug}/photos.zip")
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04")
    # A photo changed once the first chunk is out goes into the archive as it is now:
    # the photos are read after the archive started, not all before it.
    photo = items["shown"].photos.order_by("position").first()
    with photo.image.storage.open(photo.image.name, "wb") as stored:
        stored.write(b"changed")
    archive = zipfile.ZipFile(io.BytesIO(first + b"".join(chunks)))
    assert archive.testzip() is None
    assert archive.read(f"{items['shown'].pk}-1-lavoir-de-la-fontaine.jpg") == b"changed"
