"""`tissage move-to-postgres DATABASE_URL`: the SQLite data copied into PostgreSQL."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from tissage.core.backups import BackupError
from tissage.core.postgres_move import move_to_postgres

from .backup import BackupCommand


class Command(BackupCommand):
    help = (
        "Copy this installation's SQLite database (TISSAGE_DATA_DIR) into a new, empty "
        "PostgreSQL database, then compare the rows of every table. The target is migrated "
        "first; the copy reads a consistent snapshot, so the app may keep running (stop it "
        "for the final move, or writes made meanwhile stay behind in SQLite). The media "
        "folders are left where they are: afterwards only DATABASE_URL changes. Give the "
        "password in PGPASSWORD rather than in the address, which others may see in the "
        "list of processes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "database_url", help="the new PostgreSQL database, postgres://user@host:5432/name"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        result = move_to_postgres(
            options["database_url"], say=self.stdout.write if verbose else lambda line: None
        )
        width = max(len(row.table) for row in result.tables)
        self.stdout.write(f"{'table':<{width}}  {'SQLite':>9}  {'PostgreSQL':>10}")
        for row in result.tables:
            mark = "" if row.source == row.target else "  ≠"
            self.stdout.write(f"{row.table:<{width}}  {row.source:>9}  {row.target:>10}{mark}")
        total_source = sum(row.source for row in result.tables)
        total_target = sum(row.target for row in result.tables)
        self.stdout.write(f"{'total':<{width}}  {total_source:>9}  {total_target:>10}")
        if result.skipped:
            self.stdout.write(
                "Non copiées (index de recherche propres à SQLite, PostgreSQL a le sien) / "
                f"not copied (SQLite's own search index, PostgreSQL has its own): "
                f"{len(result.skipped)} table(s)."
            )
        if result.differences:
            raise BackupError(
                f"{len(result.differences)} table(s) n'ont pas le même nombre de lignes "
                "(marquées ≠) : ne changez pas DATABASE_URL.",
                f"{len(result.differences)} table(s) do not have the same number of rows "
                "(marked ≠): do not change DATABASE_URL.",
            )
        self.stdout.write(
            f"Base migrée en {result.migrate_seconds:.1f} s, lignes copiées et comptées en "
            f"{result.copy_seconds:.1f} s / database migrated in {result.migrate_seconds:.1f} s, "
            f"rows copied and counted in {result.copy_seconds:.1f} s. Les médias "
            "restent où ils sont : donnez maintenant cette adresse à DATABASE_URL et "
            "redémarrez. / The media stay where they are: now set DATABASE_URL to this "
            "address and restart."
        )
