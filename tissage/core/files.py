"""Uploaded files: public ones served by the web server, private ones only by the app.

Every file people send or the platform keeps is stored under one of two roots:

- **public** (`MEDIA_ROOT`, at `MEDIA_URL`): what anyone may see once it is on a page —
  project covers, news pictures, organisation logos, action report photos and the photos
  of published inventory items. The web server (or the demo's `/media/` view) serves
  them as they are. Their names are random, so none can be guessed.
- **private** (`PRIVATE_MEDIA_ROOT`, never under a URL): list attachments, inventory
  imports, the photos of items not (or no longer) published. Only a view of the app
  serves them, after its access check, through `private_file_response`: the file itself
  (the demo and small installations), or a header that hands it to the reverse proxy
  (`X-Accel-Redirect` for nginx, `X-Sendfile` for Apache), set by
  `TISSAGE_PRIVATE_MEDIA_SERVER`.

One storage (`MediaStorage`, Django's default) holds both: a stored name that starts
with `private/` lives under the private root, any other under the public root. A file
changes side by being moved to the other name (`file_move`), as an inventory photo does
when its item is published or withdrawn. The rules per kind of file are in
docs/architecture.md, "Files".

With `TISSAGE_MEDIA_URL=s3://bucket/prefix`, the two sides are two S3 storages instead
of the two folders: public names under `<prefix>/public/` (which the bucket's policy lets
anyone read, `object_store.public_read_policy`), private ones under `<prefix>/private/` (never
public: the app streams them, or answers with a redirect to a short-lived signed address,
`TISSAGE_PRIVATE_MEDIA_SERVER=signed`). A store that cannot be reached raises
`StorageUnavailable`, which `middleware.StorageUnavailableMiddleware` answers with a page
that says so; the calls fail within seconds (short timeouts, few retries).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.deconstruct import deconstructible
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

PRIVATE = "private/"

# How `private_file_response` hands a file over (TISSAGE_PRIVATE_MEDIA_SERVER).
SERVE_APP = "app"
SERVE_NGINX = "nginx"
SERVE_APACHE = "apache"
SERVE_SIGNED = "signed"


class StorageUnavailable(Exception):
    """The file storage cannot be reached (an object store down, a refused key): the
    request that needed it gets a page saying so (503), the rest of the site works."""


def is_private(name: str) -> bool:
    return name.startswith(PRIVATE)


@deconstructible(path="tissage.core.files.MediaStorage")
class MediaStorage(Storage):
    """The default storage: public names in a FileSystemStorage at MEDIA_ROOT, `private/…`
    names in one at PRIVATE_MEDIA_ROOT, which has no URL; with TISSAGE_MEDIA_URL, two S3
    storages under `<prefix>/public/` and `<prefix>/private/`. Each call goes to the
    storage its name belongs to."""

    def _side(self, name: str) -> tuple[Storage, str, str]:
        private = is_private(name)
        inner = name[len(PRIVATE) :] if private else name
        if settings.MEDIA_S3_BUCKET:
            from tissage.core import object_store

            storage = object_store.s3_storage(private, object_store.s3_options())
            return storage, inner, PRIVATE if private else ""
        if private:
            return _private_storage(str(settings.PRIVATE_MEDIA_ROOT)), inner, PRIVATE
        return _public_storage(str(settings.MEDIA_ROOT), settings.MEDIA_URL), inner, ""

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        storage, inner, _prefix = self._side(name)
        with _reaching():
            file = storage.open(inner, mode)
            if "r" in mode and settings.MEDIA_S3_BUCKET:
                # An S3 file is fetched on first read: fetch it here, where a store that
                # cannot be reached is recognised, not in the middle of a response.
                file.file  # noqa: B018
            return file

    def _save(self, name: str, content: File[Any]) -> str:
        storage, inner, prefix = self._side(name)
        with _reaching():
            return prefix + storage.save(inner, content)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        storage, inner, prefix = self._side(name)
        if max_length is not None:
            max_length -= len(prefix)
        with _reaching():
            return prefix + storage.get_available_name(inner, max_length=max_length)

    def delete(self, name: str) -> None:
        storage, inner, _prefix = self._side(name)
        with _reaching():
            storage.delete(inner)

    def exists(self, name: str) -> bool:
        storage, inner, _prefix = self._side(name)
        with _reaching():
            return storage.exists(inner)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        storage, inner, _prefix = self._side(path)
        with _reaching():
            return storage.listdir(inner)

    def size(self, name: str) -> int:
        storage, inner, _prefix = self._side(name)
        with _reaching():
            return storage.size(inner)

    def path(self, name: str) -> str:
        storage, inner, _prefix = self._side(name)
        return storage.path(inner)

    def get_modified_time(self, name: str) -> datetime:
        storage, inner, _prefix = self._side(name)
        with _reaching():
            return storage.get_modified_time(inner)

    def url(self, name: str | None) -> str:
        if name and is_private(name):
            # A template that shows a private file must link to the app's view of it.
            raise ValueError(f"{name} is a private file: it has no public address.")
        storage, inner, _prefix = self._side(name or "")
        return storage.url(inner)

    def signed_url(self, name: str, *, disposition: str, content_type: str) -> str:
        """A short-lived address of the object store for a file (TISSAGE_S3_SIGNED_URL_SECONDS),
        whose answer carries these Content-Disposition and Content-Type headers."""
        if not settings.MEDIA_S3_BUCKET:
            raise ValueError("Signed addresses need an object store (TISSAGE_MEDIA_URL).")
        from tissage.core import object_store

        storage, inner, _prefix = self._side(name)
        return object_store.signed_url(
            storage,  # type: ignore[arg-type]
            inner,
            disposition=disposition,
            content_type=content_type,
        )


def _reaching() -> AbstractContextManager[None]:
    """With an object store, its failures become StorageUnavailable (object_store.reaching);
    local folders answer as they do."""
    if settings.MEDIA_S3_BUCKET:
        from tissage.core import object_store

        return object_store.reaching()
    return nullcontext()


def storage_check() -> None:
    """Raise StorageUnavailable unless files can be stored: the bucket answers (a HEAD),
    or the two local folders exist or can be made and are writable. For readiness checks."""
    if settings.MEDIA_S3_BUCKET:
        from tissage.core import object_store

        object_store.storage_check_bucket(object_store.s3_options())
        return
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)):
        # A file written, read back and deleted, as an upload would.
        probe = folder / f".readyz-{uuid.uuid4().hex}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"ok")
            if probe.read_bytes() != b"ok":
                raise StorageUnavailable(f"{folder} does not give back what was written")
        except OSError as error:
            raise StorageUnavailable(f"{folder}: {error.strerror}") from error
        finally:
            probe.unlink(missing_ok=True)


def public_name(url: str) -> str | None:
    """The stored name of a public file from its address (`MediaStorage.url`), or None."""
    base = MediaStorage().url("")
    if not url.startswith(base) or is_private(url[len(base) :]):
        return None
    return unquote(url[len(base) :].split("?", 1)[0]) or None


@functools.cache
def _public_storage(location: str, base_url: str) -> FileSystemStorage:
    return FileSystemStorage(location=location, base_url=base_url)


@functools.cache
def _private_storage(location: str) -> FileSystemStorage:
    # No URL of its own: FileSystemStorage would fall back to MEDIA_URL.
    return _NoUrlStorage(location=location)


class _NoUrlStorage(FileSystemStorage):
    def url(self, name: str | None) -> str:
        raise ValueError(f"{name} is a private file: it has no public address.")


@deconstructible(path="tissage.core.files.RandomName")
class RandomName:
    """`upload_to` for a field: `folder/YYYY/MM/<random>.<ext>`, under `private/` when
    asked. The uploader's file name is never kept in the stored name (it can hold a
    person's name or a date); the model keeps it in a field of its own where it is
    needed. `private=None` asks the instance: `instance.file_is_private()`."""

    def __init__(self, folder: str, *, private: bool | None = False) -> None:
        self.folder = folder
        self.private = private

    def __call__(self, instance: Any, filename: str) -> str:
        private = instance.file_is_private() if self.private is None else self.private
        return stored_name(self.folder, filename, private=private)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and (self.folder, self.private) == (
            other.folder,
            other.private,
        )

    def __hash__(self) -> int:
        return hash((self.folder, self.private))


def stored_name(folder: str, filename: str, *, private: bool) -> str:
    """A fresh random name in `folder` keeping only the extension of `filename`."""
    suffix = PurePosixPath(filename).suffix.lower()
    if not (1 < len(suffix) <= 10 and suffix[1:].isalnum() and suffix[1:].isascii()):
        suffix = ""
    today = date.today()
    name = f"{folder}/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"
    return PRIVATE + name if private else name


def export_name(file: FieldFile) -> str:
    """The file's name in a person's data export: its folder without `private/`, and the
    name the person gave it when the row keeps one (`export_filename`), after the random
    stem so that two files of the same name do not collide."""
    path = PurePosixPath((file.name or "").removeprefix(PRIVATE))
    given = getattr(file.instance, "export_filename", "")
    if given:
        return str(path.with_name(f"{path.stem}-{PurePosixPath(given).name}"))
    return str(path)


def file_move(file: FieldFile, *, private: bool) -> bool:
    """Move a stored file to the private or the public side; True if it moved.

    The field's new name is set on the instance; the caller saves the row (after the
    move: a row must never name a file that is not there yet). The old file is removed
    once the copy is written.
    """
    name = file.name or ""
    if not name or is_private(name) == private:
        return False
    file_rename(file, PRIVATE + name if private else name.removeprefix(PRIVATE))
    return True


def file_rename(file: FieldFile, target: str) -> None:
    """Store the file under `target` (or a free name beside it) and remove the old one;
    the field's new name is set on the instance, for the caller to save."""
    storage = file.storage
    name = file.name or ""
    with storage.open(name, "rb") as source:
        saved = storage.save(target, source)
    storage.delete(name)
    file.name = saved


def files_delete_on_commit(files: Iterable[tuple[Storage, str]]) -> None:
    """Delete stored files (storage, name) once the transaction that removed their rows
    commits (a rollback must not lose them). A store that cannot be reached then leaves
    them where they are, logged: what was saved stays saved, and a file no row names
    costs only space."""
    pending = [(storage, name) for storage, name in files if name]

    def delete() -> None:
        for storage, name in pending:
            try:
                storage.delete(name)
            except StorageUnavailable:
                logger.warning("Stored files not deleted (file storage unreachable).")
                return

    if pending:
        transaction.on_commit(delete)


def files_make_private(rows: QuerySet[Any], field: str, folder: str) -> int:
    """Move the public files of `field` in `rows` to random private names (the data
    migrations that made attachments, imports and unpublished photos private). A file
    missing from the disk is left as it is named. Returns the files moved."""
    moved = 0
    for row in rows.exclude(**{f"{field}__startswith": PRIVATE}).exclude(**{field: ""}):
        file = getattr(row, field)
        if not file.storage.exists(file.name):
            continue
        file_rename(file, stored_name(folder, file.name, private=True))
        rows.model.objects.filter(pk=row.pk).update(**{field: file.name})
        moved += 1
    return moved


def private_file_response(
    file: FieldFile,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    cache: str = "private, max-age=0, must-revalidate",
) -> HttpResponseBase:
    """Send a stored file after the caller has checked who may have it.

    `Content-Disposition: attachment` unless `inline` (only for pictures the photo
    pipeline re-encoded), `nosniff`, and not shared by caches unless the caller says so.
    With TISSAGE_PRIVATE_MEDIA_SERVER set, the reverse proxy sends the bytes: nginx reads
    `X-Accel-Redirect` (an internal location, TISSAGE_PRIVATE_MEDIA_INTERNAL_URL, mapped
    to the private folder), Apache's mod_xsendfile reads `X-Sendfile` (the file's path);
    with an object store, `signed` answers with a redirect to a short-lived signed address
    whose answer carries the same Content-Disposition and Content-Type.
    """
    name = file.name or ""
    server = settings.PRIVATE_MEDIA_SERVER
    response: HttpResponseBase
    disposition = content_disposition_header(as_attachment=not inline, filename=filename)
    if server == SERVE_SIGNED and settings.MEDIA_S3_BUCKET:
        # The store sends the bytes, with the headers the signed address asks for; the
        # redirect itself is kept by nobody, since the address soon stops working.
        storage = file.storage
        if not isinstance(storage, MediaStorage):
            raise ValueError(f"{name} is not in the media storage.")
        url = storage.signed_url(name, disposition=disposition or "", content_type=content_type)
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
    if server in {SERVE_APP, SERVE_SIGNED}:
        response = FileResponse(file.open("rb"), content_type=content_type)
    else:
        response = HttpResponse(content_type=content_type)
        if server == SERVE_NGINX:
            inner = name.removeprefix(PRIVATE) if is_private(name) else name
            prefix = settings.PRIVATE_MEDIA_INTERNAL_URL if is_private(name) else settings.MEDIA_URL
            response["X-Accel-Redirect"] = prefix + quote(inner)
        else:
            response["X-Sendfile"] = file.storage.path(name)
    if disposition:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
