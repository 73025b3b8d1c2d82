"""`tissage purge`: forget what is kept no longer (one scheduled command for all apps)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tissage.core.indexes import statistics_refresh
from tissage.core.registry import purges


class Command(BaseCommand):
    help = (
        "Forget what the platform keeps no longer (cron, once a day). Sent emails go after "
        "30 days, sign-in requests, wrong codes and wrong passwords after a day, guests' "
        "contributions never confirmed once their link expired, photos kept for "
        "contribution forms never sent after a day; the photos of an inventory "
        "item whose status changed in the admin move to the public or private folder. On "
        "SQLite, it then refreshes the database's statistics, which its planner uses to "
        "choose indexes (ANALYZE). Safe "
        "to run at any time and as often as you like; run it from cron once a day, e.g. "
        "'30 3 * * * tissage purge'."
    )

    def handle(self, *args: object, **options: object) -> None:
        total = 0
        for path, purge in purges():
            removed = purge()
            total += removed
            if options["verbosity"] > 1:  # type: ignore[operator]
                self.stdout.write(f"{path}: {removed}")
        self.stdout.write(f"{total} row(s) removed.")
        if statistics_refresh():
            self.stdout.write("Database statistics refreshed.")
