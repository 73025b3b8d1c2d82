"""`tissage restore ARCHIVE [--force]`: an archive of `tissage backup` put back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from tissage.core.backups import restore

from .backup import BackupCommand


class Command(BackupCommand):
    help = (
        "Restore an archive written by 'tissage backup' into an empty installation (a new or "
        "freshly migrated database, empty media folders). Every checksum is verified first: "
        "a damaged archive is refused and nothing is touched. An installation that holds "
        "data is refused unless --force, which replaces its data and files. PostgreSQL is "
        "restored with pg_restore into DATABASE_URL's database; SQLite by putting the "
        "database file in place: stop the app (serve, worker) first. An archive of the "
        "other engine is refused (SQLite to PostgreSQL: restore into SQLite, then "
        "'tissage move-to-postgres')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive (.tar) to restore")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data and files of an installation that is not empty",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = restore(options["archive"], force=options["force"], say=self.stdout.write)
        self.stdout.write(
            f"Restauré / restored: {result.rows} ligne(s) / row(s), {result.files} fichier(s) "
            f"/ file(s){' (données remplacées / data replaced)' if result.replaced else ''}."
        )
        if result.migrate_needed:
            self.stdout.write(
                "L'archive vient d'une version plus ancienne : lancez « tissage migrate ». / "
                'The archive comes from an older version: run "tissage migrate".'
            )
