"""Files on an S3-compatible object store (TISSAGE_MEDIA_URL=s3://bucket/prefix): the two
S3 storages `files.MediaStorage` uses for its public and private sides, the client's
settings (short timeouts, one retry), the bucket policy that lets anyone read public
files only, and `reaching()`, which turns the store's failures into
`files.StorageUnavailable`.

Imported only when a store is configured (or by `media-move`): boto3 takes a noticeable
time to load, which every `tissage` command (and `mail-in`, once per email) would pay.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)
from botocore.exceptions import ConnectionError as StoreConnectionError
from django.conf import settings
from storages.backends.s3 import S3Storage

from tissage.core.files import StorageUnavailable

logger = logging.getLogger(__name__)

# Under the prefix of TISSAGE_MEDIA_URL.
PUBLIC = "public"
PRIVATE = "private"


@dataclass(frozen=True)
class S3Options:
    """The object store's settings, in one hashable value (storages are kept per value)."""

    bucket: str
    prefix: str
    endpoint_url: str
    region: str
    access_key: str
    secret_key: str = field(repr=False)  # never in a log line or a traceback's locals
    public_url: str = ""
    signed_seconds: int = 300
    connect_timeout: int = 3
    read_timeout: int = 5

    def key(self, side: str, inner: str = "") -> str:
        """The object's key for a name of one side (without `private/`)."""
        return "/".join(part for part in (self.prefix, side, inner) if part)


def s3_options(url: str | None = None) -> S3Options:
    """The object store of the settings, or of `url` (s3://bucket/prefix) with the same
    endpoint, region and keys (`media-move --to`)."""
    bucket, prefix = settings.MEDIA_S3_BUCKET, settings.MEDIA_S3_PREFIX
    if url is not None:
        parts = urlsplit(url)
        bucket, prefix = parts.netloc, parts.path.strip("/")
    return S3Options(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=settings.MEDIA_S3_ENDPOINT_URL,
        region=settings.MEDIA_S3_REGION,
        access_key=settings.MEDIA_S3_ACCESS_KEY_ID,
        secret_key=settings.MEDIA_S3_SECRET_ACCESS_KEY,
        public_url=settings.MEDIA_S3_PUBLIC_URL,
        signed_seconds=settings.MEDIA_S3_SIGNED_URL_SECONDS,
        connect_timeout=settings.MEDIA_S3_CONNECT_TIMEOUT,
        read_timeout=settings.MEDIA_S3_READ_TIMEOUT,
    )


def s3_client_config(options: S3Options) -> Config:
    """Short timeouts and one retry: a store that cannot be reached fails a request in
    seconds instead of holding a web worker (a closed port: at once; a store that takes
    the connection and never answers: 2 × TISSAGE_S3_READ_TIMEOUT and a backoff, 12 s
    with the defaults)."""
    return Config(
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        retries={"total_max_attempts": 2, "mode": "standard"},
        signature_version="s3v4",
        # Checksums only where S3 requires them: many S3-compatible stores refuse the
        # CRC headers boto3 adds by default since 1.36.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        s3={"addressing_style": "path" if options.endpoint_url else "virtual"},
    )


def s3_client(options: S3Options) -> Any:
    """A boto3 client for the store (the storages' own, for what they do not offer)."""
    return s3_storage(False, options).connection.meta.client


@functools.cache
def s3_storage(private: bool, options: S3Options) -> S3Storage:
    public_base: dict[str, str] = {}
    if options.public_url and not private:
        parts = urlsplit(options.public_url)
        public_base = {
            "custom_domain": parts.netloc + parts.path.rstrip("/"),
            "url_protocol": parts.scheme + ":",
        }
    return S3Storage(
        bucket_name=options.bucket,
        location=options.key(PRIVATE if private else PUBLIC),
        endpoint_url=options.endpoint_url or None,
        region_name=options.region or None,
        access_key=options.access_key or None,
        secret_key=options.secret_key or None,
        client_config=s3_client_config(options),
        # Who may read is the bucket's policy (public_read_policy), not per-object ACLs,
        # which Amazon S3 turns off on new buckets and MinIO and Garage ignore.
        default_acl=None,
        querystring_auth=private,
        querystring_expire=options.signed_seconds,
        # Names are random (RandomName, the photo pipeline): no need to ask the store
        # whether one is taken before each upload.
        file_overwrite=True,
        **public_base,
    )


def public_read_policy(bucket: str, prefix: str) -> str:
    """The bucket policy that lets anyone read public files and nothing else (JSON), for
    the operator (README) and the tests' store."""
    key = "/".join(part for part in (prefix, PUBLIC, "*") if part)
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "TissagePublicFiles",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket}/{key}"],
                }
            ],
        }
    )


def _is_missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in {"404", "NoSuchKey", "NotFound"}


@contextmanager
def reaching() -> Iterator[None]:
    """Turn the object store's failures to answer into StorageUnavailable, and a missing
    object into FileNotFoundError."""
    try:
        yield
    except (
        StoreConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
        NoRegionError,
    ) as error:
        logger.warning("File storage unreachable: %s", type(error).__name__)
        raise StorageUnavailable(type(error).__name__) from error
    except ClientError as error:
        if _is_missing(error):
            # As on a disk: callers that leave out a lost file catch OSError.
            raise FileNotFoundError(str(error)) from error
        code = str(error.response.get("Error", {}).get("Code", ""))
        logger.error("File storage refused a request: %s", code)
        raise StorageUnavailable(code) from error


def storage_check_bucket(options: S3Options) -> None:
    """Raise StorageUnavailable unless the bucket answers (a HEAD with the keys given)."""
    try:
        with reaching():
            s3_client(options).head_bucket(Bucket=options.bucket)
    except FileNotFoundError as error:  # no such bucket
        raise StorageUnavailable(f"{options.bucket}: {error}") from error


def signed_url(storage: S3Storage, inner: str, *, disposition: str, content_type: str) -> str:
    """A short-lived address of an object (TISSAGE_S3_SIGNED_URL_SECONDS), whose answer
    carries these Content-Disposition and Content-Type headers."""
    parameters = {"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
    with reaching():
        return str(storage.url(inner, parameters=parameters, expire=s3_options().signed_seconds))
