"""`tissage backup` and `tissage restore`, on whole installations (core/backups.py).

Each engine's installation is filled once per module (the demo and the factories, in a
process of its own), backed up by the real command, restored into another installation
by the real command, and compared: every table's rows and every file's bytes.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, Storage

from tissage.core import backups
from tissage.core.tests.installations import (
    Installation,
    Installations,
    filled,
    table_rows,
)

ENGINES = ["sqlite", "postgresql"]


class ObjectStore(Storage):
    """Files with no path on this machine, as on an object store (S3Storage has none):
    Django's in-memory storage behind the Storage API, `path()` left unimplemented."""

    def __init__(self) -> None:
        self.inner = InMemoryStorage()

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self.inner.open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return self.inner.save(name, content)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        return self.inner.size(name)

    def delete(self, name: str) -> None:
        self.inner.delete(name)


@pytest.fixture(scope="module")
def sources(installations: Installations) -> dict[str, Installation]:
    return {engine: filled(installations, engine) for engine in ENGINES}


def _backup(source: Installation, dest: Path) -> Path:
    result = source.run("backup", str(dest))
    archive = dest if dest.suffix == ".tar" else next(dest.glob("tissage-*.tar"))
    assert str(archive) in result.stdout
    return archive


def _one_line_error(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_restored_installation_is_identical_table_by_table_and_file_by_file(
    engine, sources, installations, tmp_path
):
    source = sources[engine]
    archive = _backup(source, tmp_path)
    target = installations.new(engine)
    # A freshly migrated database counts as empty.
    target.run("migrate", "--no-input", "-v", "0")

    result = target.run("restore", str(archive))

    assert "Restauré / restored" in result.stdout
    expected = table_rows(installations.connect(source))
    restored = table_rows(installations.connect(target))
    assert sorted(restored) == sorted(expected)
    for table, rows in expected.items():
        assert restored[table] == rows, table
    # The data that matters is there, so the comparison compared something.
    for table in (
        "accounts_user",
        "actions_registration",
        "inventories_photo",
        "collectives_message",
        "collectives_attachment",
        "consultations_proposal",
        "django_tasks_database_dbtaskresult",
        "django_migrations",
    ):
        assert expected[table], table
    files = source.files()
    assert target.files() == files
    assert any(name.startswith("public/inventories/photos/") for name in files)
    assert any(name.startswith("private/inventories/photos/") for name in files)
    assert any(name.startswith("private/collectives/attachments/") for name in files)
    assert any(name.startswith("private/inventories/imports/") for name in files)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_archive_holds_a_manifest_with_every_checksum(engine, sources, installations, tmp_path):
    source = sources[engine]
    archive = _backup(source, tmp_path / "nightly.tar")

    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names[-1] == "manifest.json"
    assert manifest["format_version"] == backups.FORMAT_VERSION
    assert manifest["database"]["engine"] == engine
    assert set(manifest["members"]) == set(names) - {"manifest.json"}
    assert manifest["database"]["member"] in names
    assert "0001_initial" in manifest["migrations"]["accounts"]
    rows = table_rows(installations.connect(source))
    assert manifest["tables"] == {table: len(found) for table, found in rows.items()}
    files = source.files()
    assert manifest["media"] == {
        "kind": "files",
        "files": len(files),
        "bytes": sum(len(data) for data in files.values()),
    }


def test_a_damaged_archive_is_refused_and_nothing_is_touched(sources, installations, tmp_path):
    archive = _backup(sources["sqlite"], tmp_path)
    with tarfile.open(archive) as tar:
        photo = next(m for m in tar.getmembers() if m.name.startswith("media/private/"))
    damaged = tmp_path / "damaged.tar"
    data = bytearray(archive.read_bytes())
    data[photo.offset_data + photo.size // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: len(data) // 2])
    target = installations.new("sqlite")

    for broken, says in ((damaged, photo.name), (truncated, "")):
        result = target.run("restore", str(broken), check=False)

        _one_line_error(result, "endommagée", "damaged", says)
        assert not (target.data_dir / "tissage.sqlite3").exists()
        assert target.files() == {}


def test_a_non_empty_installation_is_refused_unless_forced(sources, installations, tmp_path):
    source = sources["postgresql"]
    archive = _backup(source, tmp_path)
    target = installations.new("postgresql")
    target.run("restore", str(archive))
    connection = installations.connect(target)
    from tissage.accounts.models import User

    User.objects.using(connection.alias).create(email="new@example.org", display_name="New")
    stray = target.media / "stray.jpg"
    stray.write_bytes(b"not from the archive")
    before = table_rows(connection)

    refused = target.run("restore", str(archive), check=False)

    _one_line_error(refused, "n'est pas vide", "not empty", "--force")
    assert table_rows(connection) == before
    assert stray.exists()

    forced = target.run("restore", "--force", str(archive))

    assert "data replaced" in forced.stdout
    connection.close()
    assert table_rows(connection) == table_rows(installations.connect(source))
    assert target.files() == source.files()


def test_an_archive_of_the_other_engine_is_refused(sources, installations, tmp_path):
    archive = _backup(sources["sqlite"], tmp_path)
    target = installations.new("postgresql")

    result = target.run("restore", str(archive), check=False)

    _one_line_error(result, "sqlite", "move-to-postgres")
    assert target.files() == {}


def test_an_existing_file_is_not_overwritten(sources, tmp_path):
    dest = tmp_path / "kept.tar"
    dest.write_bytes(b"an older archive")

    result = sources["sqlite"].run("backup", str(dest), check=False)

    _one_line_error(result, "existe déjà", "exists already")
    assert dest.read_bytes() == b"an older archive"


@pytest.mark.django_db
def test_media_on_an_object_store_are_listed_by_key(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.ObjectStore"},
    }
    from django.core.files.storage import default_storage

    public = default_storage.save("projects/covers/a.jpg", ContentFile(b"cover"))
    private = default_storage.save("private/collectives/attachments/b.pdf", ContentFile(b"pdf!"))

    result = backups.backup(tmp_path)

    with tarfile.open(result.path) as tar:
        names = tar.getnames()
        keys = json.loads(tar.extractfile(backups.STORE_KEYS).read())  # type: ignore[union-attr]
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert not any(name.startswith(("media/public/", "media/private/")) for name in names)

    assert {key["key"]: key for key in keys} == {
        public: {"key": public, "size": 5, "sha256": hashlib.sha256(b"cover").hexdigest()},
        private: {"key": private, "size": 4, "sha256": hashlib.sha256(b"pdf!").hexdigest()},
    }
    assert manifest["media"]["kind"] == "object-store"
    assert manifest["media"]["keys"] == 2


WRITER = """
import sys, time, uuid
url, engine = sys.argv[1], sys.argv[2]
if engine == "sqlite":
    import sqlite3
    db = sqlite3.connect(url, isolation_level=None, timeout=20)
    mark = "?"
else:
    import psycopg
    db = psycopg.connect(url, autocommit=True)
    mark = "%s"
while True:
    db.execute(
        f"INSERT INTO django_session (session_key, session_data, expire_date) "
        f"VALUES ({mark}, 'x', '2030-01-01 00:00:00')",
        (uuid.uuid4().hex,),
    )
    time.sleep(0.002)
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_taken_while_the_app_writes_is_consistent(
    engine, sources, installations, tmp_path
):
    source = sources[engine]
    connection = installations.connect(source)
    target = (
        source.database_url.removeprefix("sqlite:///")
        if engine == "sqlite"
        else source.database_url
    )

    def sessions() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM django_session")
            return cursor.fetchone()[0]

    def wait_for_more_than(count: int) -> int:
        deadline = time.monotonic() + 60
        while (found := sessions()) <= count:
            assert writer.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer wrote nothing for a minute"
            time.sleep(0.05)
        return found

    writer = subprocess.Popen([sys.executable, "-c", WRITER, target, engine])  # noqa: S603
    try:
        start = sessions()
        wait_for_more_than(start + 20)  # the writer is writing
        archive = _backup(source, tmp_path)
        with tarfile.open(archive) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        end = wait_for_more_than(manifest["tables"]["django_session"])
    finally:
        writer.kill()
        writer.wait()
        connection.close()
    restored = installations.new(engine)
    restored.run("restore", str(archive))

    rows = table_rows(installations.connect(restored))
    # The writer wrote before the snapshot (its rows are in the archive) and after it
    # (`end` is more than the snapshot counted): the archive holds exactly the rows its
    # manifest counted, in every table, taken at one instant.
    assert len(rows["django_session"]) > start + 20
    assert {table: len(found) for table, found in rows.items()} == manifest["tables"]
    assert end > manifest["tables"]["django_session"]


def test_migrations_this_code_does_not_know_are_named():
    manifest = {
        "migrations": {
            "accounts": ["0001_initial", "9999_from_a_newer_release"],
            "contenttypes": ["0001_initial"],
        }
    }

    assert backups.unknown_migrations(manifest) == ["accounts.9999_from_a_newer_release"]
