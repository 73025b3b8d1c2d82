"""`tissage backup` with the media on an object store (a real S3 API server, moto): the
archive lists every key of the store, public and private, with its size and checksum."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tissage.core.backups import local_media_roots, store_keys


def test_the_store_s_keys_are_listed_with_their_size_and_checksum(s3_media):
    public = default_storage.save("covers/2026/12/a.jpg", ContentFile(b"a public picture"))
    private = default_storage.save("private/attachments/2026/12/b.pdf", ContentFile(b"%PDF"))

    assert local_media_roots() is None  # no folder to copy: the archive lists keys
    listed = {entry["key"]: entry for entry in store_keys()}

    assert set(listed) == {public, private}
    for name, content in ((public, b"a public picture"), (private, b"%PDF")):
        assert listed[name]["size"] == len(content)
        assert listed[name]["sha256"] == hashlib.sha256(content).hexdigest()
    # The same objects as the bucket holds, under the installation's prefix.
    assert {s3_media.key(name) for name in listed} == s3_media.objects()
