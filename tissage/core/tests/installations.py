"""Whole installations for the backup tests: a database of their own (a SQLite file in a
data folder, or a new PostgreSQL database), media folders, the `tissage` command run on
them in a subprocess, and the comparison of two installations, table by table and file
by file.

PostgreSQL is needed whatever database the suite runs on (the round trip is proven on
both engines in every run): the server of DATABASE_URL when the suite runs on
PostgreSQL, else TISSAGE_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/postgres.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("TISSAGE_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    return url


def _admin_connection() -> psycopg.Connection[Any]:
    params = dj_database_url.parse(postgres_server_url())
    try:
        return psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=int(params["PORT"] or 5432),
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )
    except psycopg.OperationalError as error:
        pytest.fail(
            "The backup tests need a PostgreSQL server (both engines are tested in every "
            f"run): none answers at {params['HOST']}:{params['PORT']} ({error}). Start one, "
            "or point TISSAGE_TEST_POSTGRES_URL at one.",
            pytrace=False,
        )


@dataclass
class Installation:
    engine: str
    data_dir: Path
    database_url: str

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    @property
    def private(self) -> Path:
        return self.data_dir / "private"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                ("TISSAGE_", "DATABASE_URL", "MEDIA_ROOT", "PYTEST_", "REDIS_URL", "SENTRY_")
            )
        }
        return env | {
            "SECRET_KEY": "backup-tests-secret-key",
            "DATABASE_URL": self.database_url,
            "TISSAGE_DATA_DIR": str(self.data_dir),
            "TISSAGE_SITE_URL": "http://testserver",
            "TISSAGE_HTTPS": "0",
            "EMAIL_URL": "memory:",
            # Emails queued as tasks in the database: django_tasks_db's table has rows too.
            "TISSAGE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        }

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tissage.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(f"tissage {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def fill(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "tissage.core.tests.backup_data"],
            env=self.env() | {"DJANGO_SETTINGS_MODULE": "tissage.settings"},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr

    def files(self) -> dict[str, bytes]:
        """Every media file, public and private, by its name under its root."""
        found = {}
        for side, root in (("public", self.media), ("private", self.private)):
            for path in sorted(root.rglob("*")) if root.is_dir() else []:
                if path.is_file():
                    found[f"{side}/{path.relative_to(root).as_posix()}"] = path.read_bytes()
        return found


class Installations:
    """Makes installations and removes them (their PostgreSQL databases) at the end."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.databases: list[str] = []
        self.aliases: list[str] = []

    def new(self, engine: str) -> Installation:
        name = f"tissage_backup_{uuid.uuid4().hex[:12]}"
        data_dir = self.base / name
        data_dir.mkdir()
        if engine == "sqlite":
            return Installation(engine, data_dir, f"sqlite:///{data_dir / 'tissage.sqlite3'}")
        with _admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        server = dj_database_url.parse(postgres_server_url())
        url = (
            f"postgres://{server['USER'] or 'postgres'}"
            f"{':' + server['PASSWORD'] if server['PASSWORD'] else ''}"
            f"@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{name}"
        )
        return Installation(engine, data_dir, url)

    def connect(self, installation: Installation) -> BaseDatabaseWrapper:
        """A Django connection to the installation, under an alias of its own (querysets
        may use it: `Model.objects.using(connection.alias)`)."""
        alias = f"installation_{installation.data_dir.name}"
        if alias not in self.aliases:
            configured = ConnectionHandler(
                {"default": dict(dj_database_url.parse(installation.database_url))}
            ).settings["default"]
            connections.settings[alias] = configured
            self.aliases.append(alias)
        return connections[alias]

    def close(self) -> None:
        for alias in self.aliases:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]
        if self.databases:
            with _admin_connection() as admin:
                for name in self.databases:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def filled(installations: Installations, engine: str) -> Installation:
    installation = installations.new(engine)
    installation.run("migrate", "--no-input", "-v", "0")
    installation.fill()
    return installation


# --- Comparing installations -----------------------------------------------------------


def table_rows(connection: BaseDatabaseWrapper) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the connection (as its introspection lists them: models, many-to-
    many tables, django_migrations, django_tasks_db's, SQLite's search indexes…) with all
    its rows, all columns, in primary key order (all columns' order without one)."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            columns = connection.introspection.get_table_description(cursor, table)
            primary = connection.introspection.get_primary_key_column(cursor, table)
            order = (
                connection.ops.quote_name(primary)
                if primary
                else ", ".join(str(n) for n in range(1, len(columns) + 1))
            )
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
            rows[table] = [tuple(row) for row in cursor.fetchall()]
    return rows


def model_rows(connection: BaseDatabaseWrapper) -> dict[str, list[tuple[Any, ...]]]:
    """Every model's rows (many-to-many tables included) as Django reads them: the same
    Python values whatever the engine stores."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [field.attname for field in model._meta.concrete_fields]
        rows[model._meta.db_table] = list(
            model._base_manager.using(connection.alias).order_by("pk").values_list(*columns)
        )
    return rows
