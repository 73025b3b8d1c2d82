"""`tissage backup DEST`: one archive of the database and the media (core/backups.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tissage.core.backups import BackupError, backup, human_size


class BackupCommand(BaseCommand):
    """A command whose BackupError is one line on stderr and an exit status, as
    configuration errors are (tissage/cli.py); call_command still raises it.

    No system checks: they open the database, and a refused restore touches nothing."""

    requires_system_checks: list[str] = []

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except BackupError as error:
            print(error, file=sys.stderr)
            sys.exit(error.code or 1)


class Command(BackupCommand):
    help = (
        "Write one archive of the database and the media, consistent while the app runs. "
        "DEST is a folder (the archive is named tissage-YYYYMMDD-HHMMSS.tar inside) or a new "
        "file. PostgreSQL is dumped with pg_dump (custom format), SQLite with its online "
        "backup API; public and private files are included, or a list of the object "
        "store's keys when the media are on one; manifest.json holds the checksums. The "
        "archive holds personal data: it is readable by its owner only (0600); encrypt it "
        "before it leaves the machine (docs/operations.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="a folder, or the archive's file name")

    def handle(self, *args: Any, **options: Any) -> None:
        result = backup(options["dest"])
        media = (
            f"{result.files} fichier(s) / file(s)"
            if result.media == "files"
            else "liste des clés du stockage objet / object store's key list"
        )
        self.stdout.write(
            f"{result.path} ({human_size(result.size)}) : {result.rows} ligne(s) / row(s), {media}."
        )
