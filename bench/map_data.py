"""Generate N published inventory items for the map benchmark (run by bench/map.py).

Items cluster around 300 "villages" spread over the Gard, as real inventories do, in
48 rectangular "communes" (the one around Nîmes has the code 30189; items outside them
have none). Deterministic (seeded). Uses the settings of the environment it is run with.

The map's stored cells are kept by database triggers as the items are inserted (see
tissage/inventories/map/cells.py), as they would be by an import; the script then
checks them against the items, as `tissage map-cells` does, and says how many there are.
"""

import datetime
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tissage.inventories.campaigns.services import campaign_create  # noqa: E402
from tissage.inventories.map.cells import cells_check  # noqa: E402
from tissage.inventories.models import Campaign, Category, Contribution, MapCell  # noqa: E402
from tissage.organisations.services import organisation_create  # noqa: E402
from tissage.projects.services import project_create  # noqa: E402
from tissage.territories.models import Commune  # noqa: E402

MIN_LON, MAX_LON, MIN_LAT, MAX_LAT = 3.27, 4.84, 43.47, 44.45  # the Gard
# Dating as Mérimée writes it (SCLE), so that the period filter has work to do.
CENTURIES = ["16e siècle", "17e siècle", "18e siècle", "19e siècle", "20e siècle"]
COLUMNS, ROWS = 8, 6
NIMES = (4.36, 43.84)


def grid_cell(lon: float, lat: float) -> tuple[int, int] | None:
    column = int((lon - MIN_LON) / (MAX_LON - MIN_LON) * COLUMNS)
    row = int((lat - MIN_LAT) / (MAX_LAT - MIN_LAT) * ROWS)
    return (column, row) if 0 <= column < COLUMNS and 0 <= row < ROWS else None


def make_communes() -> dict[tuple[int, int], Commune]:
    width, height = (MAX_LON - MIN_LON) / COLUMNS, (MAX_LAT - MIN_LAT) / ROWS
    communes = {}
    for column in range(COLUMNS):
        for row in range(ROWS):
            west, south = MIN_LON + column * width, MIN_LAT + row * height
            east, north = west + width, south + height
            number = column * ROWS + row + 1
            code = "30189" if (column, row) == grid_cell(*NIMES) else f"30{number:03d}"
            ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
            communes[(column, row)] = Commune.objects.create(
                insee_code=code,
                name=f"Commune {code}",
                department="30",
                geometry={"type": "Polygon", "coordinates": [ring]},
                min_lon=west,
                min_lat=south,
                max_lon=east,
                max_lat=north,
            )
    return communes


def main(count: int) -> None:
    started = time.perf_counter()
    rng = random.Random(1)
    dates = random.Random(2)  # apart, so that the places stay those of earlier runs
    with transaction.atomic():
        organisation = organisation_create(name="PETR bench", kind="petr")
        project = project_create(
            organisation=organisation,
            creator=None,
            title="Inventaire bench",
            summary="bench",
            status="published",
        )
        communes = make_communes()
        campaign = campaign_create(
            project=project,
            title="Patrimoine bench",
            slug="bench-patrimoine",
            template=Campaign.Template.HERITAGE,
            communes=communes.values(),
        )
        categories = list(Category.objects.filter(campaign=campaign))
        period_key = campaign.period_field_key()
        villages = [
            (rng.uniform(MIN_LON, MAX_LON), rng.uniform(MIN_LAT, MAX_LAT)) for _ in range(300)
        ]
        now = timezone.now()
        batch = []
        for i in range(count):
            lon, lat = rng.choice(villages)
            lon = min(max(rng.gauss(lon, 0.02), -180), 180)
            lat = min(max(rng.gauss(lat, 0.015), -90), 90)
            cell = grid_cell(lon, lat)
            batch.append(
                Contribution(
                    campaign=campaign,
                    category=rng.choice(categories),
                    title=f"Élément {i}",
                    values={period_key: rng.choice(CENTURIES)} if period_key else {},
                    status=Contribution.Status.VALIDATED,
                    longitude=lon,
                    latitude=lat,
                    commune=communes[cell] if cell else None,
                    obscure_location=rng.random() < 0.05,
                    licence=campaign.licence,
                    consent_at=now,
                    # Published over the past two years, as a live campaign's items are:
                    # the campaign page and the item list sort on it.
                    validated_at=now - datetime.timedelta(minutes=dates.randrange(1_051_200)),
                )
            )
            # bulk_create skips save(), which keeps the century in step otherwise.
            batch[-1].century = batch[-1].century_from_values(period_key)
            if len(batch) == 5000:
                Contribution.objects.bulk_create(batch)
                batch = []
        Contribution.objects.bulk_create(batch)
    print(f"{count} items in campaign {campaign.slug} in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    problems = cells_check(campaign)
    if problems:
        sys.exit(f"The map cells disagree with the items: {problems[:5]}")
    cells = MapCell.objects.filter(campaign=campaign).count()
    print(f"{cells} map cells, checked in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]))
