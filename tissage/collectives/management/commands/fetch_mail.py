"""`tissage fetch-mail [--url imaps://user:password@host:993/INBOX] [--once]`: collect
the lists' mail from an IMAP mailbox, for hosting without a mail server of its own.

Each unread message is stored by `inbound.receive`, then deleted from the mailbox (or
moved with --move-to); one that could not be stored stays unread for the next round.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tissage.collectives.lists.mail import fetch


class Command(BaseCommand):
    help = "Fetch the lists' incoming mail from an IMAP mailbox (TISSAGE_LIST_IMAP_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=None,
            help="imaps://user:password@host:port/MAILBOX (default: TISSAGE_LIST_IMAP_URL);"
            " imap:// for a local server without TLS.",
        )
        parser.add_argument("--once", action="store_true", help="One round, then exit (cron).")
        parser.add_argument(
            "--interval", type=int, default=60, help="Seconds between rounds (default 60)."
        )
        parser.add_argument(
            "--move-to",
            default="",
            help="Move handled messages to this mailbox instead of deleting them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.LIST_IMAP_URL
        if not url:
            raise CommandError("No mailbox: pass --url or set TISSAGE_LIST_IMAP_URL.")
        try:
            config = fetch.MailboxConfig.from_url(url)
        except ValueError as error:
            raise CommandError(str(error)) from error
        while True:
            try:
                result = fetch.fetch(config, move_to=options["move_to"])
            except fetch.FetchError as error:
                if options["once"]:
                    raise CommandError(str(error)) from error
                self.stderr.write(str(error))
            else:
                self.stdout.write(result.summary())
            if options["once"]:
                return
            time.sleep(max(1, options["interval"]))
