"""Text answers compressed as the client accepts (core/compression.py): every kind of text
the platform sends, negotiated from `Accept-Encoding`; nothing compressed twice or that
should not be; `304` kept, with the validators of the compressed answer; static files
precompressed in brotli and gzip and sent as such (issue #20)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import brotli
import pytest
from backports import zstd
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from tissage.api.tests.builders import a_campaign, an_action, an_item
from tissage.core.compression import MIN_LENGTH, CompressionMiddleware
from tissage.core.tests.factories import ProjectFactory
from tissage.inventories.models import Photo
from tissage.inventories.tests.helpers import jpeg_bytes

pytestmark = pytest.mark.django_db

DECODE: dict[str, Callable[[bytes], bytes]] = {
    "br": brotli.decompress,
    "gzip": gzip.decompress,
    "zstd": zstd.decompress,
}
# What browsers send (Chromium, Firefox), then the cases of the negotiation.
NEGOTIATION = [
    ("gzip, deflate, br, zstd", "zstd"),
    ("gzip, deflate, br", "br"),
    ("br", "br"),
    ("gzip", "gzip"),
    ("br;q=0, gzip", "gzip"),
    ("gzip;q=0.5, br;q=0.9", "br"),
    ("identity", None),
    ("br;q=0", None),
    ("", None),
]


@pytest.fixture
def texts(client: Client) -> dict[str, tuple[str, str]]:
    """One address of each kind of text, by name: (path, media type)."""
    project = ProjectFactory()
    action = an_action(project, title="Plantation de haies champêtres")
    for days in range(11, 15):
        an_action(project, days=days, title=f"Plantation de haies, jour {days}")
    campaign = a_campaign(project)
    for number in range(30):
        an_item(campaign, title=f"Lavoir des Lavandières n° {number}", lon=4.36 + number / 1000)
    slug = campaign.slug
    return {
        "HTML": (reverse("actions:detail", kwargs={"slug": action.slug}), "text/html"),
        "JSON": ("/api/v1/actions", "application/json"),
        "GeoJSON": (
            reverse("inventories:map_data", kwargs={"slug": slug})
            + "?bbox=4.0,43.5,4.8,44.0&zoom=16",
            "application/geo+json",
        ),
        "iCal": (reverse("actions:feed"), "text/calendar"),
        "Atom": (reverse("inventories:items_feed", kwargs={"slug": slug}), "application/atom+xml"),
        "CSV": (reverse("inventories:export", kwargs={"slug": slug, "fmt": "csv"}), "text/csv"),
        "GeoJSON export": (
            reverse("inventories:export", kwargs={"slug": slug, "fmt": "geojson"}),
            "application/geo+json",
        ),
    }


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("accepted", "coding"), NEGOTIATION)
def test_every_kind_of_text_is_compressed_as_the_client_accepts(client, texts, accepted, coding):
    for name, (path, media_type) in texts.items():
        plain = client.get(path)
        assert plain.status_code == 200, name
        assert plain["Content-Type"].startswith(media_type), name
        expected = body(plain)
        assert len(expected) >= MIN_LENGTH, name

        response = client.get(path, headers={"accept-encoding": accepted})
        assert response.status_code == 200, name
        assert response.get("Content-Encoding") == coding, (name, accepted)
        sent = body(response)
        if coding is None:
            # The plain body (HTML's CSRF token, iCal's DTSTAMP, an export's time change
            # from one request to the next: compare their beginning).
            assert sent[:60] == expected[:60], name
            assert "X-Noise" not in response
            continue
        assert "accept-encoding" in response["Vary"].lower(), name
        decoded = DECODE[coding](sent)
        assert len(sent) < len(decoded) / 2, (name, coding)
        if name == "JSON":
            assert json.loads(decoded) == json.loads(expected)
        else:
            # HTML holds a fresh CSRF token, exports the time they were made: compare
            # what does not change from one request to the next.
            assert decoded[:60] == expected[:60], name
        if not response.streaming:
            assert int(response["Content-Length"]) == len(sent)
        # Heal the Breach: a header of random length beside every compressed answer.
        assert "X-Noise" in response


def test_the_negotiated_answers_say_vary_even_when_sent_plain(client, texts):
    path, _ = texts["JSON"]
    response = client.get(path, headers={"accept-encoding": "identity"})
    assert response.get("Content-Encoding") is None
    compressed = client.get(path, headers={"accept-encoding": "gzip"})
    # A shared cache keeps both, apart.
    assert "accept-encoding" in compressed["Vary"].lower()


def test_pictures_and_archives_are_sent_as_they_are(client):
    campaign = a_campaign()
    item = an_item(campaign)
    photo = Photo.objects.create(
        contribution=item,
        image=ContentFile(jpeg_bytes((400, 300)), name="photo.jpg"),
        thumbnail=ContentFile(jpeg_bytes(), name="thumb.jpg"),
        width=400,
        height=300,
        credit="Jeanne D.",
    )
    everything = {"accept-encoding": "gzip, deflate, br, zstd"}
    picture = client.get(
        reverse("inventories:photo", kwargs={"pk": photo.pk, "size": "image"}), headers=everything
    )
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/jpeg"
    assert "Content-Encoding" not in picture
    assert body(picture) == photo.image.open("rb").read()

    archive = client.get(
        reverse("inventories:export_photos", kwargs={"slug": campaign.slug}), headers=everything
    )
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    assert "Content-Encoding" not in archive
    assert body(archive)[:2] == b"PK"


def test_a_tiny_answer_is_sent_as_it_is(client):
    response = client.get("/healthz/", headers={"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert len(response.content) < MIN_LENGTH
    assert "Content-Encoding" not in response


def test_an_answer_already_encoded_or_partial_is_left_alone():
    payload = b"<p>" + b"Lavoir des Lavandieres " * 200 + b"</p>"

    def answer(status: int, **headers: str) -> Callable[[HttpRequest], HttpResponse]:
        def view(request: HttpRequest) -> HttpResponse:
            response = HttpResponse(payload, content_type="text/html", status=status)
            for name, value in headers.items():
                response[name.replace("_", "-")] = value
            return response

        return view

    request = RequestFactory().get("/", headers={"accept-encoding": "br, gzip"})
    plain = CompressionMiddleware(answer(200))(request)
    assert plain["Content-Encoding"] == "br"
    for status, headers in (
        (200, {"Content_Encoding": "gzip"}),
        (206, {"Content_Range": "bytes 0-4599/9000"}),
    ):
        response = CompressionMiddleware(answer(status, **headers))(request)
        assert response.content == payload
        assert response.get("Content-Encoding") == headers.get("Content_Encoding")


@pytest.mark.parametrize("kind", ["iCal", "Atom", "JSON"])
def test_a_conditional_request_still_gets_304_from_the_compressed_answer_s_etag(
    client, texts, kind
):
    path, _ = texts[kind]
    accepted = {"accept-encoding": "gzip, deflate, br, zstd"}
    first = client.get(path, headers=accepted)
    assert first.status_code == 200 and first["Content-Encoding"] == "zstd"
    etag = first["ETag"]
    assert etag.startswith('W/"')  # another representation than the plain bytes

    again = client.get(path, headers={**accepted, "if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert "Content-Encoding" not in again
    assert again["ETag"] == etag
    assert "accept-encoding" in again["Vary"].lower()

    # The plain answer's strong ETag matches too (weak comparison, RFC 9110 §13.1.2).
    plain = client.get(path)
    assert plain["ETag"] == etag.removeprefix("W/")
    assert client.get(path, headers={"if-none-match": plain["ETag"]}).status_code == 304


def test_static_files_are_precompressed_in_brotli_and_gzip_and_sent_so(tmp_path: Path, settings):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    style = "".join(f".card-{n} {{ margin: {n}px; color: #1d5b3a; }}\n" for n in range(300))
    (source / "css" / "site.css").write_text(style)
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    for suffix in ("", ".br", ".gz"):
        assert (settings.STATIC_ROOT / (hashed + suffix)).exists(), suffix

    with override_settings(DEBUG=False):
        browser = Client()  # its WhiteNoise reads this STATIC_ROOT
        url = settings.STATIC_URL + hashed
        for accepted, coding in (("gzip, deflate, br, zstd", "br"), ("gzip", "gzip"), ("", None)):
            response = browser.get(url, headers={"accept-encoding": accepted})
            assert response.status_code == 200
            assert response.get("Content-Encoding") == coding, accepted
            sent = body(response)
            assert (DECODE[coding](sent) if coding else sent).decode() == style
            assert "accept-encoding" in response["Vary"].lower()
            assert "X-Noise" not in response  # WhiteNoise's own file, not compressed again
