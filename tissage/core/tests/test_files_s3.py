"""Files on an S3-compatible object store, against a real S3 API server (moto_server in its
own process, tissage/core/tests/s3.py): uploads through the site read back over HTTP,
private files never public, signed addresses, deletions, and a store that cannot be
reached."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from http.client import HTTPMessage
from urllib.error import HTTPError
from urllib.parse import parse_qsl, quote, urlsplit
from urllib.request import urlopen

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from tissage.actions.models import ActionReport, ReportPhoto
from tissage.actions.tests.attendance.test_report import photo_upload
from tissage.actions.tests.helpers import past_action, staff_client
from tissage.collectives.models import Attachment, Collective, Message, Thread
from tissage.collectives.tests.factories import CollectiveFactory, client_for_role
from tissage.core.files import StorageUnavailable, public_name, storage_check
from tissage.core.tests.factories import NewsPostFactory, UserFactory
from tissage.core.tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, use_s3
from tissage.core.tests.smtp import free_port
from tissage.inventories.tests.helpers import jpeg_bytes
from tissage.organisations.models import Organisation
from tissage.organisations.services import organisation_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fetch(url: str) -> tuple[int, bytes, HTTPMessage]:
    """GET over HTTP as a browser would, without any key."""
    try:
        with urlopen(url, timeout=10) as answer:  # noqa: S310 - the test's own server
            return answer.status, answer.read(), answer.headers
    except HTTPError as error:
        return error.code, error.read(), error.headers


def post_thread(client, collective, files):
    return client.post(
        reverse("collectives:thread_create", args=[collective.slug]),
        {"subject": "Jardins", "body": "On plante samedi.", "attachments": list(files)},
    )


def post_logo(client, organisation, upload):
    return client.post(
        f"/structures/{organisation.slug}/modifier/",
        {
            "name": organisation.name,
            "kind": Organisation.Kind.ASSOCIATION,
            "description": "",
            "website": "",
            "contact_email": "",
            "logo": upload,
        },
    )


@pytest.fixture
def organisation_admin(client):
    user = UserFactory()
    organisation = organisation_create(name="Asso", kind="association", admins=[user])
    client.force_login(user)
    return client, organisation


# Public files --------------------------------------------------------------------------


def test_a_logo_uploaded_through_the_site_is_public_on_the_store(s3_media, organisation_admin):
    client, organisation = organisation_admin

    response = post_logo(client, organisation, SimpleUploadedFile("logo.jpg", jpeg_bytes()))

    assert response.status_code == 302
    organisation.refresh_from_db()
    name = organisation.logo.name
    assert s3_media.key(name) in s3_media.objects()
    assert s3_media.key(name).startswith("site/public/")
    url = organisation.logo.url
    assert url.startswith(f"{s3_media.endpoint}/{s3_media.bucket}/site/public/")
    assert "Signature" not in url
    status, body, _headers = fetch(url)
    assert status == 200
    with organisation.logo.open("rb") as stored:
        assert body == stored.read()
    assert body[:2] == b"\xff\xd8"  # the re-encoded JPEG
    assert public_name(url) == name
    # The page shows it from the store (whose origin the settings add to the
    # Content-Security-Policy: test_an_object_store_in_the_settings).
    assert url in client.get(f"/structures/{organisation.slug}/").text


def test_report_photos_go_to_the_store_and_removed_ones_leave_it(
    s3_media, client, django_capture_on_commit_callbacks
):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "text": "Bien.",
                "photos": [photo_upload(size=(40, 30)) for _ in range(2)],
                "credit": "A",
            },
        )
    assert response.status_code == 302
    first, second = ReportPhoto.objects.order_by("pk")
    keys = {s3_media.key(f.name) for p in (first, second) for f in (p.image, p.thumbnail)}
    assert keys <= s3_media.objects()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"text": "Bien.", "credit": "A", "remove": [first.pk]})

    assert list(ReportPhoto.objects.all()) == [second]
    left = s3_media.objects()
    assert s3_media.key(first.image.name) not in left
    assert s3_media.key(first.thumbnail.name) not in left
    assert s3_media.key(second.image.name) in left


# Private files -------------------------------------------------------------------------


@pytest.fixture
def attachment(s3_media, client):
    collective = CollectiveFactory(archive_visibility=Collective.ArchiveVisibility.MEMBERS)
    member, _user = client_for_role("member", collective)
    response = post_thread(
        member, collective, [SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf")]
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    url = reverse(
        "collectives:attachment", args=[collective.slug, attachment.pk, attachment.filename]
    )
    return member, attachment, url


def test_a_private_file_is_never_readable_without_a_signature(s3_media, attachment):
    _member, stored, _url = attachment

    key = s3_media.key(stored.file.name)
    assert key.startswith("site/private/")
    assert key in s3_media.objects()
    status, body, _headers = fetch(f"{s3_media.endpoint}/{s3_media.bucket}/{quote(key)}")
    assert status == 403
    assert PDF not in body
    with pytest.raises(ValueError, match="private file"):
        stored.file.url  # noqa: B018


def test_a_private_file_is_a_redirect_to_a_signed_address_after_the_access_check(
    s3_media, attachment, client
):
    member, _stored, url = attachment

    response = member.get(url)

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    signed = response["Location"]
    assert signed.startswith(f"{s3_media.endpoint}/{s3_media.bucket}/site/private/")
    status, body, headers = fetch(signed)
    assert status == 200
    assert body == PDF
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert "compte-rendu.pdf" in headers["Content-Disposition"]
    # Someone who may not read the message gets no address at all.
    outsider = client_for_role("outsider", _stored.message.thread.collective)[0]
    assert outsider.get(url).status_code == 404


def test_a_private_file_can_be_streamed_by_the_app_instead(s3_media, attachment, settings):
    member, _stored, url = attachment
    settings.PRIVATE_MEDIA_SERVER = "app"

    response = member.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def _sigv4_signature(url: str, secret: str) -> str:
    """The SigV4 query signature of a presigned GET, computed here from the URL's own
    parameters (what Amazon S3 checks): any parameter it covers, X-Amz-Expires among
    them, changed, and the signature no longer matches."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "X-Amz-Signature"]
    canonical_query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query)
    )
    params = dict(query)
    canonical = "\n".join(
        ["GET", parts.path, canonical_query, f"host:{parts.netloc}", "", "host", "UNSIGNED-PAYLOAD"]
    )
    stamp = params["X-Amz-Date"]
    scope = params["X-Amz-Credential"].split("/", 1)[1]
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_a_signed_address_lives_as_long_as_the_setting_says(s3_media, attachment, settings):
    # moto serves a signed address after it expired: what is checked here is that the
    # address says the configured lifetime and that its signature covers it, which is
    # what a real store enforces.
    member, _stored, url = attachment
    settings.MEDIA_S3_SIGNED_URL_SECONDS = 1
    before = time.gmtime()

    signed = member.get(url)["Location"]

    params = dict(parse_qsl(urlsplit(signed).query))
    assert params["X-Amz-Expires"] == "1"
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert params["X-Amz-Credential"].startswith(f"{ACCESS_KEY}/")
    assert f"/{REGION}/s3/aws4_request" in params["X-Amz-Credential"]
    assert params["X-Amz-Date"] >= time.strftime("%Y%m%dT%H%M%S", before)
    assert params["X-Amz-Signature"] == _sigv4_signature(signed, SECRET_KEY)
    longer = signed.replace("X-Amz-Expires=1&", "X-Amz-Expires=3600&")
    assert longer != signed
    assert _sigv4_signature(longer, SECRET_KEY) != params["X-Amz-Signature"]
    settings.MEDIA_S3_SIGNED_URL_SECONDS = 300
    assert "X-Amz-Expires=300" in member.get(url)["Location"]


def test_the_data_export_reads_the_person_s_files_from_the_store(s3_media, client):
    user = UserFactory()
    NewsPostFactory(
        author=user, image=SimpleUploadedFile("recolte.png", b"png-bytes", content_type="image/png")
    )
    client.force_login(user)

    response = client.get("/compte/mes-donnees/")

    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        files = [name for name in archive.namelist() if name.startswith("files/")]
        assert [archive.read(name) for name in files] == [b"png-bytes"]


def test_a_deleted_account_leaves_its_published_files_and_the_site_works(s3_media, attachment):
    # What a person published stays, without their name (accounts.services.account_delete):
    # the files of their messages stay readable by the members.
    member, stored, _url = attachment
    author = stored.message.author
    assert member.post("/compte/supprimer/", {"confirm": "on"}).status_code == 302

    assert not type(author).objects.filter(pk=author.pk).exists()
    assert s3_media.key(stored.file.name) in s3_media.objects()


# Files moved between sides, and the storage's own operations ---------------------------


def test_a_file_moved_to_the_public_side_moves_on_the_store(s3_media):
    from tissage.core.files import file_move

    stored = Attachment(filename="x.pdf", content_type="application/pdf", size=len(PDF))
    stored.file.save("x.pdf", ContentFile(PDF), save=False)
    private_key = s3_media.key(stored.file.name)
    assert private_key in s3_media.objects()

    assert file_move(stored.file, private=False)

    assert s3_media.key(stored.file.name).startswith("site/public/")
    assert s3_media.objects() >= {s3_media.key(stored.file.name)}
    assert private_key not in s3_media.objects()
    assert fetch(stored.file.url)[1] == PDF
    assert default_storage.size(stored.file.name) == len(PDF)
    with pytest.raises(NotImplementedError):
        default_storage.path(stored.file.name)
    # A lost object is a missing file, as on a disk (callers leave it out on OSError).
    with pytest.raises(FileNotFoundError):
        default_storage.open("private/nothing/here.pdf")
    assert not default_storage.exists("private/nothing/here.pdf")


def test_storage_check(s3_media, settings):
    storage_check()  # the bucket answers

    settings.MEDIA_S3_BUCKET = "no-such-bucket-here"
    with pytest.raises(StorageUnavailable):
        storage_check()


def test_storage_check_of_the_local_folders(settings, tmp_path):
    storage_check()
    assert settings.MEDIA_ROOT.is_dir() and settings.PRIVATE_MEDIA_ROOT.is_dir()

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker / "media"
    with pytest.raises(StorageUnavailable):
        storage_check()


# A store that cannot be reached --------------------------------------------------------


# A real commit per request: a failed upload inside a model's save marks the enclosing
# transaction for rollback, as in production; the test's own transaction would not end.
STORE_DOWN = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store_down(settings):
    """The settings name a store on a port where nothing listens."""
    use_s3(settings, f"http://127.0.0.1:{free_port()}", "tissage-down")


def assert_storage_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    # In French once the catalogue has the translation (/work/tr-storage.json).
    assert escape(gettext("File storage is unreachable for the moment")) in response.text
    assert "Traceback" not in response.text


@STORE_DOWN
def test_store_down_an_upload_says_so_and_saves_no_row(store_down, client):
    collective = CollectiveFactory()
    member, _user = client_for_role("member", collective)
    started = time.monotonic()

    response = post_thread(
        member, collective, [SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf")]
    )

    assert_storage_page(response)
    assert time.monotonic() - started < 15
    assert not Thread.objects.exists()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()


@pytest.fixture
def silent_store(settings):
    """A store that takes connections and never answers (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    taken: list[socket.socket] = []

    def take() -> None:
        with contextlib.suppress(OSError):
            while True:
                taken.append(server.accept()[0])

    threading.Thread(target=take, daemon=True).start()
    use_s3(settings, f"http://127.0.0.1:{server.getsockname()[1]}", "tissage-silent")
    settings.MEDIA_S3_READ_TIMEOUT = 1
    yield
    server.close()
    for connection in taken:
        connection.close()


@STORE_DOWN
def test_a_store_that_never_answers_fails_the_upload_within_seconds(silent_store, client):
    collective = CollectiveFactory()
    member, _user = client_for_role("member", collective)
    started = time.monotonic()

    response = post_thread(
        member, collective, [SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf")]
    )

    assert_storage_page(response)
    # Two tries of one second each (TISSAGE_S3_READ_TIMEOUT) and a short backoff.
    assert time.monotonic() - started < 10
    assert not Attachment.objects.exists()


@STORE_DOWN
def test_store_down_a_logo_is_refused_and_the_organisation_unchanged(
    store_down, organisation_admin
):
    client, organisation = organisation_admin

    response = post_logo(client, organisation, SimpleUploadedFile("logo.jpg", jpeg_bytes()))

    assert_storage_page(response)
    organisation.refresh_from_db()
    assert not organisation.logo


@STORE_DOWN
def test_store_down_report_photos_are_refused_and_no_report_is_saved(store_down, client):
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})

    response = staff_client(client, action.project).post(
        url, {"text": "Bien.", "photos": [photo_upload(size=(40, 30))], "credit": "A"}
    )

    assert_storage_page(response)
    assert not ReportPhoto.objects.exists()
    assert not ActionReport.objects.filter(action=action).exists()


@STORE_DOWN
def test_store_down_pages_without_files_to_write_still_work(store_down, client):
    collective = CollectiveFactory()
    member, _user = client_for_role("member", collective)

    assert client.get("/").status_code == 200
    assert member.get(reverse("collectives:thread_create", args=[collective.slug])).status_code == (
        200
    )
    # Without a file, a message is posted as usual.
    assert post_thread(member, collective, []).status_code == 302
    assert Message.objects.count() == 1


# Configuration -------------------------------------------------------------------------


def _settings_with(**environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TISSAGE_", "AWS_", "DJANGO_"))
    }
    env.update({"SECRET_KEY": "x", **environ})
    code = (
        "import tissage.settings as s; "
        "print(s.MEDIA_S3_BUCKET, s.MEDIA_S3_PREFIX, s.PRIVATE_MEDIA_SERVER, "
        "' '.join(map(str, s.SECURE_CSP['img-src'])))"
    )
    return subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_an_object_store_in_the_settings():
    result = _settings_with(
        TISSAGE_MEDIA_URL="s3://tissage-media/site",
        TISSAGE_S3_ENDPOINT_URL="https://s3.example.org",
        TISSAGE_S3_PUBLIC_URL="https://media.example.org/",
    )

    assert result.returncode == 0, result.stderr
    bucket, prefix, server, *img_src = result.stdout.split()
    assert (bucket, prefix, server) == ("tissage-media", "site", "signed")
    assert "https://s3.example.org" in img_src
    assert "https://media.example.org" in img_src
    default = _settings_with().stdout.split()
    assert default[:1] == ["app"]  # no bucket: the local folders, served by the app
    assert "s3" not in " ".join(default)


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"TISSAGE_MEDIA_URL": "https://tissage-media/site"}, "TISSAGE_MEDIA_URL"),
        ({"TISSAGE_MEDIA_URL": "s3://Bad_Bucket"}, "TISSAGE_MEDIA_URL"),
        (
            {"TISSAGE_MEDIA_URL": "s3://tissage-media", "TISSAGE_PRIVATE_MEDIA_SERVER": "nginx"},
            "TISSAGE_PRIVATE_MEDIA_SERVER",
        ),
        ({"TISSAGE_PRIVATE_MEDIA_SERVER": "signed"}, "TISSAGE_PRIVATE_MEDIA_SERVER"),
        (
            {"TISSAGE_MEDIA_URL": "s3://tissage-media", "TISSAGE_S3_ENDPOINT_URL": "host:9000"},
            "TISSAGE_S3_ENDPOINT_URL",
        ),
        (
            {"TISSAGE_MEDIA_URL": "s3://tissage-media", "TISSAGE_S3_SIGNED_URL_SECONDS": "0"},
            "TISSAGE_S3_SIGNED_URL_SECONDS",
        ),
    ],
)
def test_a_wrong_object_store_setting_is_one_clear_error(environ, says):
    result = _settings_with(**environ)

    assert result.returncode != 0
    line = result.stderr.strip().splitlines()[-1]
    assert "Erreur de configuration" in line and "Configuration error" in line
    assert says in line


def test_public_files_can_be_read_from_a_public_address_of_their_own(s3_media, settings):
    default_storage.save("organisations/logos/x.jpg", ContentFile(b"\xff\xd8"))
    settings.MEDIA_S3_PUBLIC_URL = "https://media.example.org/tissage"

    url = default_storage.url("organisations/logos/x.jpg")

    assert url == "https://media.example.org/tissage/site/public/organisations/logos/x.jpg"
    assert public_name(url) == "organisations/logos/x.jpg"
    assert public_name("https://media.example.org/tissage/site/public/private/x") is None
    assert public_name("https://elsewhere.example.org/x.jpg") is None


def test_a_pdf_takes_public_pictures_from_the_store_and_never_private_ones(s3_media):
    from tissage.core.pdf import local_fetcher

    public = default_storage.save("organisations/logos/x.png", ContentFile(b"png-bytes"))
    private = default_storage.save("private/collectives/attachments/x.png", ContentFile(b"no"))
    fetcher = local_fetcher()

    answer = fetcher.fetch(default_storage.url(public))

    assert answer.read() == b"png-bytes"
    assert answer.headers["Content-Type"] == "image/png"
    signed = default_storage.signed_url(private, disposition="inline", content_type="image/png")
    with pytest.raises(ValueError, match="no network"):
        fetcher.fetch(signed)


def test_store_down_removing_photos_is_saved_and_their_files_wait(
    s3_media, settings, client, django_capture_on_commit_callbacks
):
    # The rows go with the commit; the files, deleted after it, stay on a store that
    # cannot be reached (a file no row names costs only space): no error page for a
    # change that was saved.
    action = past_action()
    url = reverse("actions:report", kwargs={"slug": action.slug})
    client = staff_client(client, action.project)
    client.post(url, {"text": "Bien.", "photos": [photo_upload(size=(40, 30))], "credit": "A"})
    photo = ReportPhoto.objects.get()
    settings.MEDIA_S3_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": "Bien.", "credit": "A", "remove": [photo.pk]})

    assert response.status_code == 302
    assert not ReportPhoto.objects.exists()
    assert s3_media.key(photo.image.name) in s3_media.objects()
