"""Public and private files (core/files.py): where each is stored, who may fetch it, and
how the reverse proxy is handed a private one."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from tissage.core.files import PRIVATE, export_name, file_move, files_make_private, stored_name
from tissage.inventories.models import InventoryImport, Photo
from tissage.inventories.tests.helpers import heritage_campaign, submit


def test_private_names_are_stored_outside_the_public_folder(settings):
    public = default_storage.save("covers/a.txt", ContentFile(b"public"))
    private = default_storage.save(PRIVATE + "imports/a.txt", ContentFile(b"secret"))

    assert Path(default_storage.path(public)).is_relative_to(settings.MEDIA_ROOT)
    assert Path(default_storage.path(private)).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not Path(settings.PRIVATE_MEDIA_ROOT).is_relative_to(settings.MEDIA_ROOT)
    assert default_storage.open(private).read() == b"secret"
    assert default_storage.url(public) == "/media/covers/a.txt"
    with pytest.raises(ValueError, match="no public address"):
        default_storage.url(private)
    # A name cannot climb out of the private folder.
    with pytest.raises(Exception, match="outside"):
        default_storage.path(PRIVATE + "../media/covers/a.txt")


def test_public_media_view_never_reaches_private_files(client):
    public = default_storage.save("covers/a.txt", ContentFile(b"public"))
    private = default_storage.save(PRIVATE + "imports/b.txt", ContentFile(b"secret"))

    assert client.get(f"/media/{public}").status_code == 200
    for guess in (private, private.removeprefix(PRIVATE)):
        assert client.get(f"/media/{guess}").status_code == 404
    # Climbing out of the public folder is refused (400) before anything is read.
    quiet = Client(raise_request_exception=False)
    assert quiet.get(f"/media/../private/{private.removeprefix(PRIVATE)}").status_code in {400, 404}
    assert quiet.get(f"/media/%2e%2e/private/{private.removeprefix(PRIVATE)}").status_code == 400


def test_stored_names_are_random_and_keep_only_a_plain_extension():
    first = stored_name("collectives/attachments", "compte-rendu Mme Dupont.PDF", private=True)
    second = stored_name("collectives/attachments", "compte-rendu Mme Dupont.PDF", private=True)

    assert first.startswith(PRIVATE + "collectives/attachments/") and first.endswith(".pdf")
    assert first != second and "Dupont" not in first
    assert stored_name("x", "a.tar.<script>", private=False).rsplit("/", 1)[1].count(".") == 0


def test_a_moved_file_changes_side_and_leaves_nothing_behind(settings):
    name = default_storage.save("inventories/photos/p.jpg", ContentFile(b"jpeg"))

    class Row:
        pass

    field = Photo._meta.get_field("image")
    file = field.attr_class(Row(), field, name)
    assert file_move(file, private=True)
    assert file.name.startswith(PRIVATE) and default_storage.exists(file.name)
    assert not default_storage.exists(name)
    assert not file_move(file, private=True)  # already there
    assert file_move(file, private=False) and file.name == name


@pytest.mark.django_db
def test_existing_public_files_are_made_private_by_the_migration_helper(settings):
    campaign = heritage_campaign()
    imported = InventoryImport.objects.create(
        campaign=campaign,
        file="inventories/imports/2026/11/liste-mme-dupont.csv",
        original_name="liste.csv",
        format="csv",
    )
    default_storage.save(imported.file.name, ContentFile(b"a,b\n"))
    missing = InventoryImport.objects.create(
        campaign=campaign, file="inventories/imports/gone.csv", original_name="x", format="csv"
    )

    assert files_make_private(InventoryImport.objects.all(), "file", "inventories/imports") == 1

    imported.refresh_from_db()
    assert imported.file.name.startswith(PRIVATE) and "dupont" not in imported.file.name
    assert imported.file.read() == b"a,b\n"
    assert not (Path(settings.MEDIA_ROOT) / "inventories/imports/2026/11").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "inventories/imports/2026/11").iterdir()
    )
    missing.refresh_from_db()
    assert missing.file.name == "inventories/imports/gone.csv"
    # Run again: nothing left to move.
    assert files_make_private(InventoryImport.objects.all(), "file", "inventories/imports") == 0


@pytest.mark.django_db
def test_export_names_drop_the_private_prefix_and_keep_the_given_name():
    item = submit(heritage_campaign())
    photo = item.photos.get()

    assert photo.image.name.startswith(PRIVATE)
    assert export_name(photo.image) == photo.image.name.removeprefix(PRIVATE)


def _private_file() -> str:
    return default_storage.save(PRIVATE + "imports/c.csv", ContentFile(b"x,y\n"))


@pytest.mark.parametrize(
    ("server", "header", "value"),
    [
        ("nginx", "X-Accel-Redirect", "/_private/imports/{stem}"),
        ("apache", "X-Sendfile", "{root}/imports/{stem}"),
    ],
)
def test_the_reverse_proxy_is_handed_private_files_by_a_header(settings, server, header, value):
    from tissage.core.files import private_file_response

    settings.PRIVATE_MEDIA_SERVER = server
    field = InventoryImport._meta.get_field("file")
    name = _private_file()
    file = field.attr_class(object(), field, name)

    response = private_file_response(file, filename="liste été.csv", content_type="text/csv")

    stem = name.rsplit("/", 1)[1]
    assert response[header] == value.format(stem=stem, root=settings.PRIVATE_MEDIA_ROOT)
    assert response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''liste%20%C3%A9t%C3%A9.csv" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
