"""Benchmark the participatory map's endpoint of a consultation, against the baseline.

    uv run python bench/consultation_map.py [--remarks 10000] [--database sqlite|postgres|both]

For each database: a fresh database, two open consultations of one project, one with
`--remarks` remarks placed over a territory of about 40 × 45 km (and `--supports`
supports spread over them, 200,000 by default), the other with a tenth of them; then the
view of a 1280 × 800 px map centred on the remarks, as the page would ask for it, at
zooms from the whole territory (clusters) to a street (points), for both sizes. Prints
p50/p95, payload size and the ratio of p95 to `/healthz/` measured in the same run;
writes JSON under bench/results/.

The PostgreSQL database is `tissage_consultation_map` (not the other benches'
`tissage_bench`), so that this bench and another may run at the same time.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

bench.PG_DATABASE = "tissage_consultation_map"
CENTRE = (4.36, 43.84)
SPREAD = (0.5, 0.4)  # degrees of longitude and latitude the remarks cover
VIEWPORT = (1280, 800)
ZOOMS = [8, 10, 12, 14, 16]

SETUP = """
import datetime, random
from django.utils import timezone
from tissage.consultations.models import Category, Consultation, Proposal, Support
from tissage.core.tests.factories import OrganisationFactory, ProjectFactory, UserFactory
rng = random.Random(16)
project = ProjectFactory(organisation=OrganisationFactory(), status="published", slug="bench")
today = timezone.localdate()
author = UserFactory()
for slug, count in (("bench-carte", COUNT), ("bench-carte-petite", COUNT // 10)):
    consultation = Consultation.objects.create(
        project=project, slug=slug, title=slug, text="Où planter ?", published=True,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20), map_enabled=True)
    kinds = [Category.objects.create(consultation=consultation, part="map", name=name,
             position=i) for i, name in enumerate(["Haie", "Passage dangereux", "Arbre"])]
    Proposal.objects.bulk_create([Proposal(consultation=consultation,
        part="map" if n % 5 else "idea", category=rng.choice(kinds), title=f"Remarque {n}",
        text="Ici.", author=author,
        longitude=LON - SPREAD_LON / 2 + rng.random() * SPREAD_LON,
        latitude=LAT - SPREAD_LAT / 2 + rng.random() * SPREAD_LAT)
        for n in range(count)], batch_size=2000)
ids = list(Proposal.objects.filter(consultation__slug="bench-carte").values_list("pk", flat=True))
counts = {}
now = timezone.now()
batch = []
for n in range(SUPPORTS):
    pk = ids[int(len(ids) * rng.random() ** 2)]  # a few proposals gather many supports
    counts[pk] = counts.get(pk, 0) + 1
    batch.append(Support(proposal_id=pk, email=f"s{n}@bench.example", confirmed_at=now))
    if len(batch) == 5000:
        Support.objects.bulk_create(batch)
        batch = []
Support.objects.bulk_create(batch)
for pk, count in counts.items():
    Proposal.objects.filter(pk=pk).update(support_count=count)
print("proposals", Proposal.objects.count(), "supports", Support.objects.count())
"""


def bbox_for(zoom: int) -> str:
    degrees_per_pixel = 360 / (256 * 2**zoom)
    half_width = VIEWPORT[0] / 2 * degrees_per_pixel
    half_height = VIEWPORT[1] / 2 * degrees_per_pixel * math.cos(math.radians(CENTRE[1]))
    lon, lat = CENTRE
    box = (lon - half_width, lat - half_height, lon + half_width, lat + half_height)
    return ",".join(f"{value:.5f}" for value in box)


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"consultation-map-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {args.remarks} remarks, {args.supports} supports")
    setup = (
        SETUP.replace("SPREAD_LON", str(SPREAD[0]))
        .replace("SPREAD_LAT", str(SPREAD[1]))
        .replace("COUNT", str(args.remarks))
        .replace("SUPPORTS", str(args.supports))
        .replace("LON", str(CENTRE[0]))
        .replace("LAT", str(CENTRE[1]))
    )
    print(bench.tissage("shell", "-c", setup, env=env), end="")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    urls = {bench.BASELINE: "/healthz/"}
    for slug, size in (("bench-carte", args.remarks), ("bench-carte-petite", args.remarks // 10)):
        for zoom in ZOOMS:
            urls[f"{size:,} remarks, zoom {zoom}"] = (
                f"/consultations/{slug}/carte/donnees.json?bbox={bbox_for(zoom)}&zoom={zoom}"
            )
    measured = bench.serve_and_measure(
        env, urls, args, f"server-consultation-map-{database}-{stamp}.log", warmup=10
    )
    measured.report(
        f"{database} — {args.remarks:,} remarks, {args.supports:,} supports, "
        f"concurrency {args.concurrency}"
    )
    return {
        "database": database,
        "remarks": args.remarks,
        "supports": args.supports,
        "rows": measured.rows,
        "completed": measured.completed,
        "load_average_before_after": [measured.load_before, measured.load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remarks", type=int, default=10_000)
    parser.add_argument("--supports", type=int, default=200_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("consultation-map", args, run_database)


if __name__ == "__main__":
    main()
