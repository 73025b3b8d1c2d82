"""`tissage send-digests`: the daily digest of the collectives' discussion lists."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tissage.collectives.lists.mail.digests import digests_send


class Command(BaseCommand):
    help = (
        "Email the collectives' daily digests (cron, once a day). Each member on daily "
        "digest gets the messages of their collectives since their last digest, in one "
        "email per collective. Run it from cron once a day, e.g. "
        "'0 18 * * * tissage send-digests'; running it twice (or twice at once) sends "
        "nothing twice. Links in the emails need TISSAGE_SITE_URL."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.SITE_URL:
            # Without a request, only the setting says where the platform lives.
            raise CommandError(
                "Set TISSAGE_SITE_URL (e.g. https://tissage.example.org): "
                "the digests link to the messages and to the unsubscribe page."
            )
        count = digests_send()
        self.stdout.write(f"{count} digest(s) queued.")
