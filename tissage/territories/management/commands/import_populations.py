from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from tissage.territories.populations import PopulationImportError, populations_import


class Command(BaseCommand):
    help = (
        "Set the communes' legal populations from INSEE's CSV (columns COM or CODGEO, and "
        "PMUN or P21_POP; separated by ; or ,)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="INSEE “populations légales” CSV file")

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            report = populations_import(path=file)
        except PopulationImportError as error:
            raise CommandError(str(error)) from error
        message = ngettext(
            "Population set for %(updated)d commune",
            "Population set for %(updated)d communes",
            report.updated,
        ) % {"updated": report.updated}
        message += ngettext(
            "; %(unknown)d line names a commune not on the platform.",
            "; %(unknown)d lines name communes not on the platform.",
            report.unknown,
        ) % {"unknown": report.unknown}
        self.stdout.write(self.style.SUCCESS(message))
