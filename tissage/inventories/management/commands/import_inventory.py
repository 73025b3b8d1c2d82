"""`tissage import-inventory CAMPAIGN FILE`: import a GeoJSON or CSV file into a campaign
with the suggested mapping, as the import page does; `--dry-run` only reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tissage.inventories.models import Campaign
from tissage.inventories.opendata.imports import check, read, run
from tissage.inventories.opendata.imports.mapping import mapping_problems, mapping_suggest


class Command(BaseCommand):
    help = (
        "Import a GeoJSON or CSV file into an inventory campaign (--dry-run to check)."
        " Columns are mapped as the import page suggests. Exits with 1 when rows could not"
        " be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign", help="Short name (slug) of the campaign.")
        parser.add_argument("file", help="GeoJSON or CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )
        parser.add_argument(
            "--status",
            choices=[str(status) for status in check.IMPORT_STATUSES],
            default=str(check.IMPORT_STATUSES[0]),
            help="Status of the imported items (default: validated).",
        )
        parser.add_argument(
            "--source", default="", help="Credit when no column names the contributor."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(
                _("No campaign has the short name “%(slug)s”.") % {"slug": options["campaign"]}
            )
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            source = read.source_read(content=content, name=path.name)
            mapping = mapping_suggest(campaign=campaign, source=source)
            problems = mapping_problems(
                campaign=campaign, source_format=source.format, mapping=mapping
            )
            if problems:
                raise CommandError(" ".join(problems))
            defaults = check.default_options(campaign, path.name)
            choices = check.ImportOptions(
                status=options["status"],
                fallback=defaults.fallback,
                source_name=options["source"].strip() or defaults.source_name,
            )
            for column, target in mapping.items():
                self.stdout.write(f"{column} → {target or '-'}")
            if options["dry_run"]:
                report = check.import_check(
                    campaign=campaign, source=source, mapping=mapping, options=choices
                ).report
                imported = 0
            else:
                imp = run.import_create(
                    campaign=campaign, user=None, content=content, name=path.name, options=choices
                )
                imported = run.import_run(imp=imp, user=None)
                imp.refresh_from_db()
                report = imp.report
        except read.ImportRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        for row in report["rows"]:
            reasons = " ; ".join(
                check.problem_text(code, params) for code, params in row["problems"]
            )
            self.stdout.write(f"{row['row']}: {row['title']} — {reasons}")
        self.stdout.write(
            _(
                "%(total)s rows: %(ready)s to import, %(already)s already imported,"
                " %(errors)s with errors; %(imported)s imported."
            )
            % {
                "total": report["total"],
                "ready": report["to_import"],
                "already": report["already"],
                "errors": report["errors"],
                "imported": imported,
            }
        )
        if report["errors"]:
            raise CommandError(
                _("%(count)s rows could not be imported: see the lines above.")
                % {"count": report["errors"]}
            )
