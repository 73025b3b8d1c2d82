from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import ngettext

from tissage.territories.services import CommuneImportError, communes_import


class Command(BaseCommand):
    help = "Import or update communes (INSEE code, name, contour) from a GeoJSON file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="GeoJSON FeatureCollection of communes")
        parser.add_argument("--department", help="department code to record (default: from INSEE)")

    def handle(self, *args: object, file: Path, department: str | None, **options: object) -> None:
        try:
            report = communes_import(path=file, department=department)
        except CommuneImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(total)d commune imported: %(created)d new, %(updated)d updated.",
                    "%(total)d communes imported: %(created)d new, %(updated)d updated.",
                    report.total,
                )
                % {"total": report.total, "created": report.created, "updated": report.updated}
            )
        )
