import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tissage.dashboard.refresh import DEFAULT_DAYS, dashboard_refresh, default_since


class Command(BaseCommand):
    help = (
        "Rebuild the mobilisation dashboard's figures from registrations, contributions "
        f"and list messages: the last {DEFAULT_DAYS} days and what is to come (default), "
        "from a date (--since YYYY-MM-DD), or everything (--all). Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--since", help="first day to recompute, YYYY-MM-DD")
        group.add_argument("--all", action="store_true", help="recompute every day")

    def handle(self, *args: object, since: str | None, all: bool, **options: object) -> None:
        if all:
            start = None
        elif since:
            try:
                start = datetime.date.fromisoformat(since)
            except ValueError as error:
                raise CommandError(
                    f"--since {since!r} is not a date written YYYY-MM-DD (e.g. 2025-01-31)."
                ) from error
        else:
            start = default_since()
        report = dashboard_refresh(since=start)
        where = "every day" if start is None else f"the days from {start.isoformat()} on"
        self.stdout.write(
            self.style.SUCCESS(
                f"Dashboard refreshed for {where}: {report.participations} participation "
                f"rows, {report.actions} actions."
            )
        )
