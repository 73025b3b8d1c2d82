"""A real S3 API server for tests: `moto_server` (moto in server mode) in its own process
on a free 127.0.0.1 port, spoken to over HTTP by boto3 as a real store would be.

- `moto_server()` starts one and yields its endpoint (http://127.0.0.1:<port>); the
  backup tests and scripts may use it on their own.
- The `s3_server` fixture (session scope: one server per xdist worker) and
  `s3_media(settings)` (in `tissage/pytest_plugin.py`, so every test may ask for them):
  a fresh bucket with Tissage's public-read policy, and the storage settings pointing at
  it for one test (TISSAGE_MEDIA_URL=s3://<bucket>/site, signed private files).

moto does not check signatures' expiry (a signed address is served after it expired):
the tests check that the address says the configured lifetime and that the signature
covers it (tissage/core/tests/test_files_s3.py).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen

import boto3
from botocore.config import Config

from tissage.core.object_store import public_read_policy
from tissage.core.tests.smtp import free_port

# Any keys do for moto; they are what the app sends, as a real store would check them.
ACCESS_KEY = "tissage-tests"
SECRET_KEY = "tissage-tests-secret"
REGION = "eu-west-3"
PREFIX = "site"


def _moto_command() -> list[str]:
    beside = Path(sys.executable).with_name("moto_server")
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if not found:
        raise RuntimeError(
            'moto_server is not installed: run "uv sync" (moto[server] is a dev dependency).'
        )
    return [found]


@contextmanager
def moto_server(timeout: float = 20) -> Iterator[str]:
    """Start moto_server on a free 127.0.0.1 port; yield its endpoint; stop it after."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*_moto_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                raise RuntimeError(f"moto_server stopped at start: {error[-500:]}")
            try:
                with urlopen(f"{endpoint}/moto-api/", timeout=1):  # noqa: S310 - our own server
                    break
            except (URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer on {endpoint}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def client(endpoint: str) -> Any:
    """A boto3 client of the test store, as an operator's tool would be."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


def bucket_create(endpoint: str, *, prefix: str = PREFIX) -> str:
    """A fresh bucket with Tissage's policy: public files readable by anyone, nothing else."""
    name = f"tissage-{uuid.uuid4().hex[:20]}"
    s3 = client(endpoint)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket=name, Policy=public_read_policy(name, prefix))
    return name


def bucket_keys(endpoint: str, bucket: str) -> set[str]:
    pages = client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def use_s3(settings: Any, endpoint: str, bucket: str, *, prefix: str = PREFIX) -> None:
    """Point the storage settings at a bucket, as TISSAGE_MEDIA_URL and its companions do."""
    settings.MEDIA_S3_BUCKET = bucket
    settings.MEDIA_S3_PREFIX = prefix
    settings.MEDIA_S3_ENDPOINT_URL = endpoint
    settings.MEDIA_S3_REGION = REGION
    settings.MEDIA_S3_ACCESS_KEY_ID = ACCESS_KEY
    settings.MEDIA_S3_SECRET_ACCESS_KEY = SECRET_KEY
    settings.MEDIA_S3_PUBLIC_URL = ""
    settings.MEDIA_S3_SIGNED_URL_SECONDS = 300
    settings.MEDIA_S3_CONNECT_TIMEOUT = 2
    settings.MEDIA_S3_READ_TIMEOUT = 5
    settings.PRIVATE_MEDIA_SERVER = "signed"
    # What settings.py adds to the Content-Security-Policy for the store.
    csp = {**settings.SECURE_CSP}
    csp["img-src"] = [*csp["img-src"], endpoint]
    settings.SECURE_CSP = csp


@dataclass
class S3Media:
    """The store a test's files go to."""

    endpoint: str
    bucket: str
    prefix: str = PREFIX

    @property
    def client(self) -> Any:
        return client(self.endpoint)

    def objects(self) -> set[str]:
        return bucket_keys(self.endpoint, self.bucket)

    def key(self, name: str) -> str:
        """The object's key for a stored name (`private/…` or public)."""
        if name.startswith("private/"):
            return f"{self.prefix}/private/{name.removeprefix('private/')}"
        return f"{self.prefix}/public/{name}"
