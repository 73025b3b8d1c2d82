"""`tissage send-reminders`: the reminder emails before actions."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tissage.actions.registration.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email registrants a reminder before their action (cron, every 15 minutes). "
        "Everyone registered for the actions starting within their reminder delay (24 hours "
        "by default) gets it, once per action. Run it from cron every "
        "15 minutes, e.g. '*/15 * * * * tissage send-reminders'; running it twice at once "
        "sends nothing twice. Links in the emails need TISSAGE_SITE_URL."
    )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.SITE_URL:
            # Without a request, only the setting says where the platform lives.
            raise CommandError(
                "Set TISSAGE_SITE_URL (e.g. https://tissage.example.org): "
                "the emails link to the action and to the cancel page."
            )
        count = reminders_send()
        self.stdout.write(f"{count} reminder(s) queued.")
