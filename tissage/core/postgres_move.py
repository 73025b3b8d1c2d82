"""`tissage move-to-postgres`: a SQLite installation's data copied into PostgreSQL.

The target is migrated by `tissage migrate` in a process of its own (its data migrations
then write to the target, never to the SQLite database), emptied of what `migrate`
filled (content types, permissions), then every table shared by both is copied with
COPY in one transaction, parents before children, user triggers off (the map cells'
triggers would count the items twice: their cells are copied too); the sequences are set
past the largest id and the rows per table are counted on both sides.

The SQLite database is read in one read transaction: a consistent snapshot, while the
app keeps running. The media folders are not touched: only DATABASE_URL changes.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dj_database_url
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from .backups import BackupError, quote, read_only_uri, sqlite_tables, tables_with_data, where

BATCH = 5000


@dataclass
class TableCopy:
    table: str
    source: int
    target: int


@dataclass
class MoveResult:
    tables: list[TableCopy]
    skipped: list[str]
    migrate_seconds: float = 0.0
    copy_seconds: float = 0.0

    @property
    def differences(self) -> list[TableCopy]:
        return [row for row in self.tables if row.source != row.target]


def postgres_connection(url: str) -> BaseDatabaseWrapper:
    """A Django connection to the database at url, beside the default one."""
    try:
        settings_dict = dict(dj_database_url.parse(url))
    except (ValueError, dj_database_url.UnknownSchemeError):
        settings_dict = {}
    if "postgresql" not in str(settings_dict.get("ENGINE", "")):
        # Never the URL itself: it may hold a password.
        raise BackupError(
            "la base cible doit être une adresse postgres://utilisateur@hôte:5432/nom "
            "(le mot de passe dans PGPASSWORD plutôt que sur la ligne de commande).",
            "the target must be an address postgres://user@host:5432/name (the password "
            "in PGPASSWORD rather than on the command line).",
        )
    return ConnectionHandler({"default": settings_dict})["default"]


def move_to_postgres(
    url: str,
    *,
    source: BaseDatabaseWrapper | None = None,
    say: Callable[[str], object] = lambda line: None,
) -> MoveResult:
    source = source or default_connection
    if source.vendor != "sqlite":
        raise BackupError(
            "cette installation n'utilise pas SQLite : rien à déplacer (DATABASE_URL "
            "désigne déjà une autre base).",
            "this installation does not use SQLite: nothing to move (DATABASE_URL names "
            "another database already).",
        )
    started = time.monotonic()
    target = postgres_connection(url)
    shown = where(target.settings_dict)
    try:
        target.ensure_connection()
    except Exception as error:  # whatever stops connecting is the answer
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise BackupError(
            f"la base cible {shown} est injoignable ({reason}) : créez-la (createdb) et "
            "vérifiez l'adresse.",
            f"the target database {shown} cannot be reached ({reason}): create it "
            "(createdb) and check the address.",
        ) from None
    try:
        busy = tables_with_data(target)
        if busy:
            raise BackupError(
                f"la base cible {shown} n'est pas vide ({len(busy)} table(s) avec des "
                "lignes) : donnez une base neuve.",
                f"the target database {shown} is not empty ({len(busy)} table(s) with rows): "
                "give a new database.",
            )
        _source_must_be_migrated(source)
        target.close()
        say(f"Migration de {shown} / migrating {shown}…")
        _migrate(url)
        migrated = time.monotonic()
        result = _copy(source, target, say)
    finally:
        target.close()
    result.migrate_seconds = migrated - started
    result.copy_seconds = time.monotonic() - migrated
    return result


def _source_must_be_migrated(source: BaseDatabaseWrapper) -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(source)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError(
            "la base SQLite n'est pas à jour : lancez d'abord « tissage migrate ».",
            'the SQLite database is not up to date: run "tissage migrate" first.',
        )
    source.close()


def _migrate(url: str) -> None:
    """`tissage migrate` on the target, in a process whose default database it is."""
    env = {**os.environ, "DATABASE_URL": url}
    # Our own command; the URL in the environment, where `ps` does not show it.
    result = subprocess.run(
        [sys.executable, "-m", "tissage.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupError(
            f"la migration de la base cible a échoué : {reason}",
            f"migrating the target database failed: {reason}",
        )


def _copy(
    source: BaseDatabaseWrapper, target: BaseDatabaseWrapper, say: Callable[[str], object]
) -> MoveResult:
    path = source.settings_dict["NAME"]
    reader = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    try:
        # One read transaction: every table as it was at the first read.
        reader.execute("BEGIN")
        source_tables = sqlite_tables(reader.cursor())
        with target.cursor() as cursor:
            target_tables = set(target.introspection.table_names(cursor))
            tables = _in_dependency_order(
                target, cursor, [t for t in source_tables if t in target_tables]
            )
            skipped = [t for t in source_tables if t not in target_tables]
            counts: dict[str, int] = {}
        target.set_autocommit(False)
        with target.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "TRUNCATE " + ", ".join(quote(t) for t in tables) + " RESTART IDENTITY CASCADE"
            )
            for table in tables:
                cursor.execute(f"ALTER TABLE {quote(table)} DISABLE TRIGGER USER")
            for table in tables:
                counts[table] = _copy_table(reader, cursor, table)
                say(f"  {table}: {counts[table]}")
            # The foreign keys checked now, before the triggers come back.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {quote(table)} ENABLE TRIGGER USER")
            _reset_sequences(cursor, tables)
        target.commit()
        target.set_autocommit(True)
        reader.execute("COMMIT")
    finally:
        reader.close()
    with target.cursor() as cursor:
        rows = [TableCopy(table, counts[table], _count(cursor, table)) for table in sorted(tables)]
    return MoveResult(tables=rows, skipped=skipped)


def _count(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 -- a listed table
    return int(cursor.fetchone()[0])


def _in_dependency_order(
    connection: BaseDatabaseWrapper, cursor: Any, tables: list[str]
) -> list[str]:
    """Parents before children (the constraints are deferred too: a cycle still loads)."""
    parents = {
        table: {
            relation[1]
            for relation in connection.introspection.get_relations(cursor, table).values()
            if relation[1] != table and relation[1] in tables
        }
        for table in tables
    }
    ordered: list[str] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in placed and parents[t] <= placed]
        if not ready:  # a cycle: the deferred constraints are checked at commit
            ready = [next(t for t in tables if t not in placed)]
        for table in ready:
            ordered.append(table)
            placed.add(table)
    return ordered


def _copy_table(reader: sqlite3.Connection, cursor: Any, table: str) -> int:
    columns = [row[1] for row in reader.execute(f"PRAGMA table_info({quote(table)})")]
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    types = dict(cursor.fetchall())
    missing = [column for column in columns if column not in types]
    if missing:
        raise BackupError(
            f"la colonne {table}.{missing[0]} n'existe pas dans PostgreSQL : les deux bases "
            "ne sont pas à la même version.",
            f"the column {table}.{missing[0]} does not exist in PostgreSQL: the two "
            "databases are not at the same version.",
        )
    converters = [_converter(types[column]) for column in columns]
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in _rows(reader, table, names):
            copy.write_row(
                [
                    None if v is None else c(v) if c else v
                    for c, v in zip(converters, row, strict=True)
                ]
            )
            count += 1
    return count


def _rows(reader: sqlite3.Connection, table: str, names: str) -> Iterator[tuple[Any, ...]]:
    rows = reader.execute(f"SELECT {names} FROM {quote(table)}")  # noqa: S608
    while batch := rows.fetchmany(BATCH):
        yield from batch


def _converter(data_type: str) -> Callable[[Any], Any] | None:
    """What SQLite stores differently from PostgreSQL's text input (Django's encodings)."""
    if data_type == "boolean":
        return bool
    if data_type == "interval":
        return lambda microseconds: timedelta(microseconds=int(microseconds))
    if data_type == "bytea":
        return bytes
    return None


def _reset_sequences(cursor: Any, tables: list[str]) -> None:
    """Each id sequence past the largest id copied."""
    # The table's name is qualified by its schema: PostgreSQL may call the function on rows
    # of other schemas before it filters them out (information_schema's own views), and an
    # unqualified name of another schema is "relation does not exist".
    serial = (
        "pg_get_serial_sequence(quote_ident(table_schema) || '.' || quote_ident(table_name), "
        "column_name)"
    )
    cursor.execute(
        f"SELECT table_name, column_name, {serial} "  # noqa: S608 - no value in the text
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        f"AND {serial} IS NOT NULL"
    )
    for table, column, sequence in cursor.fetchall():
        if table not in tables:
            continue
        cursor.execute(
            f"SELECT setval(%s, COALESCE(MAX({quote(column)}), 1), MAX({quote(column)}) "  # noqa: S608
            f"IS NOT NULL) FROM {quote(table)}",
            [sequence],
        )
