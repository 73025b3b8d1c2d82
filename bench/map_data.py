"""Generate N published inventory items for the map benchmark (run by bench/map.py).

Items cluster around 300 "villages" spread over the Gard, as real inventories do.
Deterministic (seeded). Uses the settings of the environment it is run with.
"""

import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tissage.inventories.models import Campaign, Category, Contribution  # noqa: E402
from tissage.inventories.services import campaign_create  # noqa: E402
from tissage.organisations.services import organisation_create  # noqa: E402
from tissage.projects.services import project_create  # noqa: E402

MIN_LON, MAX_LON, MIN_LAT, MAX_LAT = 3.27, 4.84, 43.47, 44.45  # the Gard


def main(count: int) -> None:
    started = time.perf_counter()
    rng = random.Random(1)
    with transaction.atomic():
        organisation = organisation_create(name="PETR bench", kind="petr")
        project = project_create(
            organisation=organisation,
            creator=None,
            title="Inventaire bench",
            summary="bench",
            status="published",
        )
        campaign = campaign_create(
            project=project,
            title="Patrimoine bench",
            slug="bench-patrimoine",
            template=Campaign.Template.HERITAGE,
        )
        categories = list(Category.objects.filter(campaign=campaign))
        villages = [
            (rng.uniform(MIN_LON, MAX_LON), rng.uniform(MIN_LAT, MAX_LAT)) for _ in range(300)
        ]
        now = timezone.now()
        batch = []
        for i in range(count):
            lon, lat = rng.choice(villages)
            batch.append(
                Contribution(
                    campaign=campaign,
                    category=rng.choice(categories),
                    title=f"Élément {i}",
                    status=Contribution.Status.VALIDATED,
                    longitude=min(max(rng.gauss(lon, 0.02), -180), 180),
                    latitude=min(max(rng.gauss(lat, 0.015), -90), 90),
                    obscure_location=rng.random() < 0.05,
                    licence=campaign.licence,
                    consent_at=now,
                )
            )
            if len(batch) == 5000:
                Contribution.objects.bulk_create(batch)
                batch = []
        Contribution.objects.bulk_create(batch)
    print(f"{count} items in campaign {campaign.slug} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]))
