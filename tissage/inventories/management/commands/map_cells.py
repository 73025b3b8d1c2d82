"""`tissage map-cells`: check (or rebuild) the map's stored cells against the items."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tissage.inventories.map.cells import cells_check, cells_rebuild
from tissage.inventories.models import Campaign


class Command(BaseCommand):
    help = (
        "Check the inventory map's pre-counted cells, or rebuild them (--rebuild). The "
        "database keeps them in step with the published items; this is a safety net."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaigns", nargs="*", help="campaign slugs (default: all)")
        parser.add_argument("--rebuild", action="store_true", help="recompute the cells")

    def handle(self, *args: object, campaigns: list[str], rebuild: bool, **options: object) -> None:
        selected = Campaign.objects.order_by("pk")
        if campaigns:
            selected = selected.filter(slug__in=campaigns)
            missing = set(campaigns) - set(selected.values_list("slug", flat=True))
            if missing:
                raise CommandError(
                    f"No campaign with the short name: {', '.join(sorted(missing))}."
                )
        failed = 0
        for campaign in selected:
            if rebuild:
                count = cells_rebuild(campaign=campaign)
                self.stdout.write(f"{campaign.slug}: {count} cells rebuilt.")
                continue
            problems = cells_check(campaign)
            if problems:
                failed += 1
                self.stdout.write(self.style.ERROR(f"{campaign.slug}: {len(problems)} wrong cells"))
                for problem in problems[:20]:
                    self.stdout.write(f"  {problem}")
            else:
                self.stdout.write(f"{campaign.slug}: cells agree with the items.")
        if failed:
            raise CommandError(
                f"{failed} campaign(s) with wrong cells: run `tissage map-cells --rebuild`."
            )
