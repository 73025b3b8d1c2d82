"""`tissage send-notification-digests`: the daily and weekly digests of notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tissage.engagement.delivery import PERIODS, digests_send


class Command(BaseCommand):
    help = (
        "Email the notification digests: to each person on daily (or weekly) digest, the "
        "notifications of the day (or week) that ended, in one email. Run it from cron "
        "once a day in the morning, e.g. '30 6 * * * tissage send-notification-digests' "
        "(the weekly digests go out on Mondays); running it twice (or twice at once) sends "
        "nothing twice. Links in the emails need TISSAGE_SITE_URL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            choices=[str(period) for period in PERIODS],
            help="Only this period's digests (default: daily, then weekly).",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if not settings.SITE_URL:
            raise CommandError(
                "Set TISSAGE_SITE_URL (e.g. https://tissage.example.org): "
                "the digests link to the notifications and to the unsubscribe page."
            )
        periods = [options["period"]] if options["period"] else [str(p) for p in PERIODS]
        for period in periods:
            count = digests_send(period=period)
            self.stdout.write(f"{period}: {count} digest(s) queued.")
