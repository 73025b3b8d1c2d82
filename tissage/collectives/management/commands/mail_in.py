"""`tissage mail-in [--recipient ADDRESS]`: one raw email on standard input, as a mail
server pipes it (Postfix: `tissage unix - n n - - pipe flags=R user=tissage
argv=/path/to/tissage mail-in --recipient ${original_recipient}`).

Exit status 0 once the mail is stored (posted, held or ignored); 75 (EX_TEMPFAIL) when
the database or the file storage cannot store it, so the mail server keeps it and tries
again later.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from tissage.collectives.lists.mail import inbound
from tissage.collectives.models import InboundMail
from tissage.core.files import StorageUnavailable

EX_TEMPFAIL = 75


def describe(mail: InboundMail) -> str:
    """One line about what became of a mail, for the mail server's log."""
    where = f" ({mail.collective.slug})" if mail.collective else ""
    reason = f": {mail.reason}" if mail.reason else ""
    if mail.status == InboundMail.Status.POSTED and mail.message:
        return (
            f"posted{where}: message {mail.message.pk} in thread {mail.message.thread_id}"
            f" [mail {mail.pk}]"
        )
    return f"{mail.status}{reason}{where} [mail {mail.pk}]"


class Command(BaseCommand):
    help = (
        "Post one email, read on standard input, on its collective's list (mail server pipe)."
        " Exits with 75 (try again later) when it cannot be stored."
    )
    # Tests pass the message as call_command("mail_in", stdin=io.BytesIO(raw)).
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            default=None,
            help="Address the mail was delivered to (Postfix: ${original_recipient}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stream = options.get("stdin") or sys.stdin.buffer
        raw = stream.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            mail = inbound.receive(raw, recipient=options["recipient"])
        except (DatabaseError, StorageUnavailable) as error:
            raise CommandError(
                f"temporary failure, the mail server should retry: {error}", returncode=EX_TEMPFAIL
            ) from error
        self.stdout.write(describe(mail))
