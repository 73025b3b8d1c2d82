"""`tissage media-move --to s3://bucket/prefix [--dry-run]`: copy the local media folders
to an object store, under the keys the app uses once TISSAGE_MEDIA_URL points there.

MEDIA_ROOT goes under `<prefix>/public/`, TISSAGE_PRIVATE_MEDIA_ROOT under
`<prefix>/private/` (core.object_store: S3Options.key). Each object carries the file's SHA-256
in its metadata (`x-amz-meta-sha256`) and is sent with its Content-MD5, which the store
checks on arrival; after each upload the object's size and SHA-256 are read back. A
file already there with the same SHA-256 is skipped, so an interrupted run is finished
by running the command again. The local files are left as they are.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tissage.core.files import StorageUnavailable
from tissage.core.object_store import (
    PRIVATE,
    PUBLIC,
    s3_client,
    s3_options,
    storage_check_bucket,
)
from tissage.settings import ConfigurationError, media_store_from_url

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class LocalFile:
    path: Path
    key: str
    name: str  # what the command prints: the side and the path inside the folder


def local_files(root: Path, side: str, key: Any) -> Iterator[LocalFile]:
    """Every file under `root` (sorted, so that runs go in the same order)."""
    if not root.is_dir():
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            inner = path.relative_to(root).as_posix()
            yield LocalFile(path=path, key=key(side, inner), name=f"{side}/{inner}")


def digests(path: Path) -> tuple[str, str, int]:
    """(SHA-256 hex, MD5 base64, size) of a file, read once."""
    sha256, md5, size = hashlib.sha256(), hashlib.md5(usedforsecurity=False), 0
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
            size += len(chunk)
    return sha256.hexdigest(), base64.b64encode(md5.digest()).decode(), size


def stored_sha256(client: Any, bucket: str, key: str) -> tuple[str, int] | None:
    """The SHA-256 in an object's metadata and its size; None if there is no object."""
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if str(error.response.get("Error", {}).get("Code")) in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return head.get("Metadata", {}).get("sha256", ""), int(head.get("ContentLength", -1))


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Copy the local media folders (MEDIA_ROOT and TISSAGE_PRIVATE_MEDIA_ROOT) to an "
        "S3-compatible object store, under the names the app uses once TISSAGE_MEDIA_URL "
        "points there: public files under <prefix>/public/, private ones under "
        "<prefix>/private/. The store's address, region and keys come from "
        "TISSAGE_S3_ENDPOINT_URL, TISSAGE_S3_REGION, AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY. Each file is checked by its SHA-256 (kept in the object's "
        "metadata); files already there with the same checksum are skipped, so an "
        "interrupted run is finished by running it again. Prints how many files were "
        "copied, already there, or failed; exits with status 1 if any failed. The local "
        "files are not removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to",
            required=True,
            metavar="s3://BUCKET/PREFIX",
            help="The store and prefix, as TISSAGE_MEDIA_URL will say.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be copied; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            bucket, prefix = media_store_from_url(options["to"], name="--to")
        except ConfigurationError as error:
            raise CommandError(str(error)) from None
        store = s3_options(f"s3://{bucket}/{prefix}")
        try:
            storage_check_bucket(store)
        except StorageUnavailable as error:
            raise CommandError(
                f"Le stockage s3://{bucket} ne répond pas ({error}) : vérifiez "
                "TISSAGE_S3_ENDPOINT_URL, TISSAGE_S3_REGION et les clés AWS_*. / "
                f"The store s3://{bucket} does not answer ({error}): check "
                "TISSAGE_S3_ENDPOINT_URL, TISSAGE_S3_REGION and the AWS_* keys."
            ) from None
        client = s3_client(store)
        verbose = options["verbosity"] > 1
        dry_run = options["dry_run"]
        copied = already = failed = 0
        files = [
            *local_files(Path(settings.MEDIA_ROOT), PUBLIC, store.key),
            *local_files(Path(settings.PRIVATE_MEDIA_ROOT), PRIVATE, store.key),
        ]
        for file in files:
            try:
                sha256, md5, size = digests(file.path)
                if stored_sha256(client, bucket, file.key) == (sha256, size):
                    already += 1
                    continue
                if not dry_run:
                    self._upload(client, bucket, file, sha256=sha256, md5=md5, size=size)
                copied += 1
                if verbose:
                    self.stdout.write(f"{'to copy' if dry_run else 'copied'}: {file.name}")
                    self.stdout.flush()
            except (OSError, BotoCoreError, ClientError, ValueError) as error:
                failed += 1
                self.stderr.write(f"failed: {file.name} ({type(error).__name__}: {error})")
        verb = "to copy" if dry_run else "copied"
        self.stdout.write(f"{copied} {verb}, {already} already there, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} file(s) not copied: run the command again.")

    def _upload(
        self, client: Any, bucket: str, file: LocalFile, *, sha256: str, md5: str, size: int
    ) -> None:
        content_type = mimetypes.guess_type(file.path.name)[0] or "application/octet-stream"
        with file.path.open("rb") as body:
            client.put_object(
                Bucket=bucket,
                Key=file.key,
                Body=body,
                ContentMD5=md5,
                ContentType=content_type,
                Metadata={"sha256": sha256},
            )
        if stored_sha256(client, bucket, file.key) != (sha256, size):
            raise ValueError("the stored object does not match the file")
