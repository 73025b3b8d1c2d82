"""Backup and restore of a whole installation: `tissage backup` and `tissage restore`.

One archive (an uncompressed tar: the database dump is compressed already, photos too)
holds:

- the database: `database.pgdump` (PostgreSQL, `pg_dump --format=custom`, taken in an
  exported snapshot so that the row counts of the manifest are those of the dump) or
  `database.sqlite3` (SQLite's online backup API: consistent while the app writes);
- the media: `media/public/…` and `media/private/…`, the files of MEDIA_ROOT and
  PRIVATE_MEDIA_ROOT; or, when the media live on an object store (the storage has no
  local path), `media/store-keys.json`, a list of the store's keys with their size and
  checksum, not the files: an object store is backed up by its own means (versioning,
  replication), the list says what the database expects to find there;
- `manifest.json`, written last: format version, Tissage version, date, database engine,
  the migrations applied per app, the rows per table, and every member's sha256 and size.

The database is read first and the media after: a file uploaded in between is in the
archive without a row naming it (harmless), never the other way round, since stored
names are random and files are never rewritten in place.

`restore` checks every member against the manifest before it touches anything, refuses
an archive of the other engine (`tissage move-to-postgres` moves SQLite to PostgreSQL)
and an installation that holds data unless told to replace it (`force`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT = "tissage-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
PUBLIC_PREFIX = "media/public/"
PRIVATE_PREFIX = "media/private/"
STORE_KEYS = "media/store-keys.json"
CHUNK = 1024 * 1024
# Rows that a freshly migrated database holds already, or that say nothing about the
# installation's data: they do not make it "not empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
BOOKKEEPING_MODELS = {"sessions.session"}


class BackupError(Exception):
    """What stops a backup, a restore or a move, in one line: French, then English.

    The commands print it alone on stderr and exit with `code` (never a traceback)."""

    def __init__(self, french: str, english: str, code: int = 1) -> None:
        super().__init__(f"Erreur : {french} / Error: {english}")
        self.code = code


# --- Databases -------------------------------------------------------------------------


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMP_MEMBERS:
        raise BackupError(
            f"la base « {connection.vendor} » n'est pas prise en charge : PostgreSQL ou SQLite.",
            f'the "{connection.vendor}" database is not supported: PostgreSQL or SQLite.',
        )
    return connection.vendor


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never on a command
    line, where any user of the machine could read it."""
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            env[variable] = str(value)
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def where(settings_dict: dict[str, Any]) -> str:
    """A database named for a message: host, port and name, never a password."""
    if "sqlite" in settings_dict.get("ENGINE", ""):
        return str(settings_dict["NAME"])
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or 5432
    return f"{host}:{port}/{settings_dict.get('NAME')}"


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} est introuvable : installez le client PostgreSQL de la version du "
            "serveur (paquet postgresql-client).",
            f"{name} cannot be found: install the PostgreSQL client of the server's version "
            "(package postgresql-client).",
        )
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["?"])[-1]
        program = PurePosixPath(command[0]).name
        raise BackupError(
            f"{program} a échoué : {reason}", f"{program} failed: {reason}", code=result.returncode
        )


def read_only_uri(path: str | Path) -> str:
    """A SQLite database opened read-only (its name percent-encoded: `?` or `#` in a
    folder's name would end the path)."""
    return Path(path).resolve().as_uri() + "?mode=ro"


def table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 -- a listed table
        counts[table] = cursor.fetchone()[0]
    return counts


def _postgres_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [row[0] for row in cursor.fetchall()]


def sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def migrations_applied(cursor: Any, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def data_tables() -> set[str]:
    """The tables whose rows are the installation's data: every model's and every
    many-to-many table's, but those a fresh `migrate` fills (content types, permissions)
    and sessions."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in BOOKKEEPING_MODELS or not model._meta.managed:
            continue
        tables.add(model._meta.db_table)
    return tables - BOOKKEEPING_TABLES


def tables_with_data(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """The data tables that hold rows, with their count (nothing: an empty installation,
    migrated or not)."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        counts = table_counts(cursor, sorted(data_tables() & present))
    return {table: count for table, count in counts.items() if count}


# --- Media -----------------------------------------------------------------------------


def local_media_roots(storage: Storage | None = None) -> dict[str, Path] | None:
    """The folders of the public and private files, or None when the media are on an
    object store (its storage has no local path: Django's `path()` is not implemented)."""
    storage = storage or default_storage
    try:
        storage.path("probe")
        storage.path("private/probe")
    except NotImplementedError:
        return None
    return {
        PUBLIC_PREFIX: Path(settings.MEDIA_ROOT),
        PRIVATE_PREFIX: Path(settings.PRIVATE_MEDIA_ROOT),
    }


def local_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(relative POSIX name, path) of every file under root, in a stable order."""
    if not root.is_dir():
        return
    for folder, folders, files in os.walk(root):
        folders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def store_keys(storage: Storage | None = None) -> list[dict[str, Any]]:
    """Every key of an object store with its size and a checksum: the ETag when the
    store lists it (S3, from one listing), else the sha256 of its content."""
    storage = storage or default_storage
    bucket = getattr(storage, "bucket", None)
    if bucket is not None and hasattr(bucket, "objects"):
        prefix = str(getattr(storage, "location", "") or "").strip("/")
        prefix = f"{prefix}/" if prefix else ""
        return [
            {"key": item.key.removeprefix(prefix), "size": item.size, "etag": item.e_tag}
            for item in bucket.objects.filter(Prefix=prefix)
        ]
    keys = []
    for name in _walk_storage(storage, ""):
        digest = hashlib.sha256()
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
        keys.append({"key": name, "size": storage.size(name), "sha256": digest.hexdigest()})
    return keys


def _walk_storage(storage: Storage, folder: str) -> Iterator[str]:
    seen: set[str] = set()
    for start in (folder, "private/"):
        for name in _walk_from(storage, start):
            if name not in seen:
                seen.add(name)
                yield name


def _walk_from(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    base = f"{folder.rstrip('/')}/" if folder.strip("/") else ""
    for name in sorted(files):
        yield base + name
    for name in sorted(folders):
        yield from _walk_from(storage, base + name)


# --- Writing an archive ----------------------------------------------------------------


@dataclass
class Snapshot:
    """What the database held at the instant of its dump."""

    engine: str
    dump: Path
    counts: dict[str, int]
    migrations: dict[str, list[str]]


@dataclass
class BackupResult:
    path: Path
    size: int
    files: int
    rows: int
    media: str


@dataclass
class _Members:
    """The members written so far, with their checksums, for the manifest."""

    tar: tarfile.TarFile
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_file(self, name: str, path: Path, mode: int = 0o600) -> bool:
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            return False  # deleted since it was listed: no row names it any more
        with handle:
            size = os.fstat(handle.fileno()).st_size
            info = tarfile.TarInfo(name)
            info.size = size
            info.mode = mode
            info.mtime = int(path.stat().st_mtime)
            reader = _HashingReader(handle)
            self.tar.addfile(info, reader)
        self.entries[name] = {"sha256": reader.digest.hexdigest(), "size": size}
        return True

    def add_bytes(self, name: str, data: bytes, *, record: bool = True) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        info.mtime = int(datetime.now(UTC).timestamp())
        self.tar.addfile(info, io.BytesIO(data))
        if record:
            self.entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


class _HashingReader(io.RawIOBase):
    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def archive_path(dest: Path, now: datetime) -> Path:
    """An existing folder gets a dated file name inside; anything else is the file."""
    if dest.is_dir():
        dest = dest / f"tissage-{now:%Y%m%d-%H%M%S}.tar"
    if dest.exists():
        raise BackupError(
            f"{dest} existe déjà : donnez un dossier ou un nouveau nom de fichier.",
            f"{dest} exists already: give a folder or a new file name.",
        )
    if not dest.parent.is_dir():
        raise BackupError(
            f"le dossier {dest.parent} n'existe pas : créez-le d'abord.",
            f"the folder {dest.parent} does not exist: create it first.",
        )
    return dest


def backup(dest: Path, *, connection: BaseDatabaseWrapper | None = None) -> BackupResult:
    """Write one archive of the installation; return where and how big."""
    connection = connection or default_connection
    engine = engine_of(connection)
    now = datetime.now(UTC)
    path = archive_path(dest, now)
    partial = path.with_name(f".{path.name}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise BackupError(
            f"impossible d'écrire dans {path.parent} ({error.strerror}).",
            f"cannot write in {path.parent} ({error.strerror}).",
        ) from None
    try:
        with (
            tempfile.TemporaryDirectory(prefix=".tissage-backup-", dir=path.parent) as work,
            os.fdopen(descriptor, "wb") as raw,
        ):
            snapshot = (
                _postgres_snapshot(connection, Path(work))
                if engine == "postgresql"
                else _sqlite_snapshot(connection, Path(work))
            )
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                members = _Members(tar)
                members.add_file(DUMP_MEMBERS[engine], snapshot.dump)
                snapshot.dump.unlink()
                media, files = _add_media(members)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "tissage_version": _tissage_version(),
                    "created_at": now.isoformat(),
                    "database": {"engine": engine, "member": DUMP_MEMBERS[engine]},
                    "migrations": snapshot.migrations,
                    "tables": snapshot.counts,
                    "media": media,
                    "members": members.entries,
                }
                members.add_bytes(
                    MANIFEST,
                    json.dumps(manifest, indent=1, sort_keys=True).encode(),
                    record=False,
                )
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(
        path=path,
        size=path.stat().st_size,
        files=files,
        rows=sum(snapshot.counts.values()),
        media=media["kind"],
    )


def _tissage_version() -> str:
    try:
        return metadata.version("tissage")
    except metadata.PackageNotFoundError:
        return "unknown"


def _postgres_snapshot(connection: BaseDatabaseWrapper, work: Path) -> Snapshot:
    """pg_dump in a snapshot exported by a transaction that counts the rows meanwhile:
    the counts are those of the dump, whatever the app writes."""
    import psycopg

    pg_dump = _program("pg_dump")
    dump = work / DUMP_MEMBERS["postgresql"]
    with connection.wrap_database_errors:
        raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        raw.read_only = True
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    f"--file={dump}",
                    "--no-password",
                ],
                postgres_environment(connection.settings_dict),
            )
            tables = _postgres_tables(cursor)
            counts = table_counts(cursor, tables)
            migrations = migrations_applied(cursor, tables)
        raw.rollback()
    finally:
        raw.close()
    return Snapshot("postgresql", dump, counts, migrations)


def _sqlite_snapshot(connection: BaseDatabaseWrapper, work: Path) -> Snapshot:
    """SQLite's online backup API: a page-by-page copy, consistent while others write."""
    dump = work / DUMP_MEMBERS["sqlite"]
    source = sqlite3.connect(read_only_uri(connection.settings_dict["NAME"]), uri=True)
    target = sqlite3.connect(dump)
    try:
        source.backup(target)
        cursor = target.cursor()
        tables = sqlite_tables(cursor)
        counts = table_counts(cursor, tables)
        migrations = migrations_applied(cursor, tables)
    finally:
        target.close()
        source.close()
    return Snapshot("sqlite", dump, counts, migrations)


def _add_media(members: _Members) -> tuple[dict[str, Any], int]:
    roots = local_media_roots()
    if roots is None:
        keys = store_keys()
        members.add_bytes(STORE_KEYS, json.dumps(keys, indent=1).encode())
        return {
            "kind": "object-store",
            "member": STORE_KEYS,
            "keys": len(keys),
            "bytes": sum(key["size"] for key in keys),
        }, 0
    files = 0
    size = 0
    for prefix, root in roots.items():
        for name, path in local_files(root):
            if members.add_file(prefix + name, path, mode=0o644):
                files += 1
                size += members.entries[prefix + name]["size"]
    return {"kind": "files", "files": files, "bytes": size}, files


# --- Reading and restoring an archive --------------------------------------------------


def _damaged(path: Path, french: str, english: str) -> BackupError:
    return BackupError(
        f"l'archive {path} est endommagée ({french}) : rien n'a été restauré.",
        f"the archive {path} is damaged ({english}): nothing was restored.",
    )


def archive_verify(path: Path) -> dict[str, Any]:
    """The archive's manifest, once every member matches its checksum and size, and
    nothing is missing or added; BackupError otherwise."""
    if not path.is_file():
        raise BackupError(f"{path} n'existe pas.", f"{path} does not exist.")
    try:
        with tarfile.open(path, mode="r:") as tar:
            try:
                manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
            except (KeyError, AttributeError, ValueError):
                raise _damaged(
                    path, "pas de manifest.json lisible", "no readable manifest.json"
                ) from None
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise _damaged(
                    path, "ce n'est pas une sauvegarde de Tissage", "not a Tissage backup"
                )
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"l'archive {path} est au format {manifest.get('format_version')}, que "
                    f"cette version de Tissage ne lit pas (format {FORMAT_VERSION}).",
                    f"the archive {path} has format {manifest.get('format_version')}, which "
                    f"this version of Tissage cannot read (format {FORMAT_VERSION}).",
                )
            expected: dict[str, dict[str, Any]] = manifest.get("members") or {}
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                entry = expected.get(member.name)
                if entry is None or not member.isfile():
                    raise _damaged(
                        path, f"membre inattendu {member.name}", f"unexpected member {member.name}"
                    )
                digest, size = _digest(tar.extractfile(member))
                if digest != entry["sha256"] or size != entry["size"]:
                    raise _damaged(
                        path,
                        f"{member.name} ne correspond pas à sa somme de contrôle",
                        f"{member.name} does not match its checksum",
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError) as error:
        raise _damaged(path, str(error), str(error)) from None
    missing = set(expected) - seen
    if missing:
        first = sorted(missing)[0]
        raise _damaged(path, f"{first} manque", f"{first} is missing")
    return manifest


def _digest(handle: IO[bytes] | None) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    if handle is not None:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class RestoreResult:
    engine: str
    rows: int
    files: int
    media: str
    replaced: bool
    migrate_needed: bool


def installation_contents(connection: BaseDatabaseWrapper) -> tuple[dict[str, int], int]:
    """What the installation holds: data tables with rows, and local media files."""
    tables = tables_with_data(connection)
    roots = local_media_roots()
    files = sum(1 for root in (roots or {}).values() for _ in local_files(root))
    return tables, files


def restore(
    path: Path,
    *,
    force: bool = False,
    connection: BaseDatabaseWrapper | None = None,
    say: Callable[[str], object] = lambda line: None,
) -> RestoreResult:
    connection = connection or default_connection
    manifest = archive_verify(path)
    say(f"Archive vérifiée / archive verified: {len(manifest['members'])} member(s).")
    engine = engine_of(connection)
    archived = manifest["database"]["engine"]
    if archived != engine:
        hint_fr, hint_en = (
            (
                "restaurez-la dans une installation SQLite, puis lancez « tissage "
                "move-to-postgres »",
                'restore it into a SQLite installation, then run "tissage move-to-postgres"',
            )
            if archived == "sqlite"
            else ("restaurez-la dans PostgreSQL", "restore it into PostgreSQL")
        )
        raise BackupError(
            f"l'archive vient d'une base {archived} et cette installation utilise {engine} : "
            f"{hint_fr}.",
            f"the archive comes from a {archived} database and this installation uses "
            f"{engine}: {hint_en}.",
        )
    unknown = unknown_migrations(manifest)
    if unknown:
        say(
            f"Attention : migration {unknown[0]} inconnue de ce code (Tissage "
            f"{manifest.get('tissage_version')} a écrit l'archive) : restaurez avec la même "
            f"version ou une plus récente. / Warning: migration {unknown[0]} is unknown to "
            f"this code (Tissage {manifest.get('tissage_version')} wrote the archive): restore "
            "with the same version or a newer one."
        )
    tables, files = installation_contents(connection)
    if (tables or files) and not force:
        detail = ", ".join(f"{table} ({count})" for table, count in sorted(tables.items())[:3])
        raise BackupError(
            f"cette installation n'est pas vide ({len(tables)} table(s) avec des lignes"
            f"{' : ' + detail if detail else ''} ; {files} fichier(s)) : restaurez dans une "
            "installation vide, ou ajoutez --force pour remplacer ses données.",
            f"this installation is not empty ({len(tables)} table(s) with rows"
            f"{': ' + detail if detail else ''}; {files} file(s)): restore into an empty "
            "installation, or add --force to replace its data.",
        )
    with tarfile.open(path, mode="r:") as tar:
        dump_member = manifest["database"]["member"]
        with tempfile.TemporaryDirectory(prefix=".tissage-restore-") as work:
            dump = Path(work) / PurePosixPath(dump_member).name
            _extract(tar, dump_member, dump, manifest)
            connection.close()
            if engine == "postgresql":
                _postgres_restore(connection, dump)
            else:
                _sqlite_restore(connection, dump)
        say("Base restaurée / database restored.")
        if engine == "sqlite":
            say(
                "SQLite : le fichier de la base a été remplacé ; ne (re)démarrez « tissage "
                "serve » et « tissage worker » qu'après la fin de la restauration. / SQLite: the "
                'database file was replaced; (re)start "tissage serve" and "tissage worker" '
                "only once the restore has finished."
            )
        media = manifest["media"]
        restored_files = 0
        if media["kind"] == "files":
            restored_files = _media_restore(tar, manifest, replace=bool(files))
        else:
            say(
                "Les médias sont sur un stockage objet : l'archive n'en a que la liste des "
                "clés (media/store-keys.json), restaurez le stockage par ses propres moyens. / "
                "The media are on an object store: the archive only lists its keys "
                "(media/store-keys.json); restore the store by its own means."
            )
    return RestoreResult(
        engine=engine,
        rows=sum(manifest["tables"].values()),
        files=restored_files,
        media=media["kind"],
        replaced=bool(tables or files),
        migrate_needed=_migrate_needed(connection),
    )


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the archive's database had that this code does not know: an archive
    of a newer release (or of migrations squashed and removed since: then harmless)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    )


def _extract(
    tar: tarfile.TarFile, member: tarfile.TarInfo | str, target: Path, manifest: dict[str, Any]
) -> None:
    """Write one member to target, checking its checksum again as it is written."""
    name = member if isinstance(member, str) else member.name
    source = tar.extractfile(member)
    if source is None:
        raise _damaged(Path(str(tar.name)), f"{name} manque", f"{name} is missing")
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != manifest["members"][name]["sha256"]:
        target.unlink()
        raise _damaged(
            Path(str(tar.name)),
            f"{name} a changé pendant la restauration",
            f"{name} changed during the restore",
        )


def _postgres_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    # One transaction: a restore that fails leaves the database as it was.
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        postgres_environment(connection.settings_dict),
    )


def _sqlite_restore(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """The database file put in place of the installation's (the app stopped: a running
    process would keep writing to the file it opened)."""
    target = Path(connection.settings_dict["NAME"])
    staged = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(dump, staged)
    staged.chmod(0o600)
    # The old file's write-ahead log must go first: SQLite would replay it on the new file.
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staged, target)


def _media_restore(tar: tarfile.TarFile, manifest: dict[str, Any], *, replace: bool) -> int:
    roots = local_media_roots()
    if roots is None:
        raise BackupError(
            "l'archive contient des fichiers mais les médias de cette installation sont sur "
            "un stockage objet : copiez-les avec « tissage media-move » depuis un dossier.",
            "the archive holds files but this installation's media are on an object store: "
            'copy them with "tissage media-move" from a folder.',
        )
    if replace:
        for root in roots.values():
            for _name, old in list(local_files(root)):
                old.unlink()
    count = 0
    for member in tar:  # in the archive's order: one pass, whatever the number of files
        name = member.name
        prefix = next((p for p in roots if name.startswith(p)), None)
        if prefix is None or name not in manifest["members"]:
            continue
        relative = PurePosixPath(name[len(prefix) :])
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise _damaged(Path(str(tar.name)), f"nom {name} refusé", f"name {name} refused")
        target = roots[prefix].joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        _extract(tar, member, target, manifest)
        # As the app writes them: the reverse proxy may serve private files too (X-Accel).
        target.chmod(settings.FILE_UPLOAD_PERMISSIONS or 0o644)
        count += 1
    return count


def _migrate_needed(connection: BaseDatabaseWrapper) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    finally:
        connection.close()


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
