"""What the map cells' triggers cost an import: the same items inserted without
triggers, with those of migration 0003 (category and commune) and with those of 0014
(category, commune and century), in alternating rounds on one database.

    uv run python bench/map_cells_writes.py [--items 20000] [--rounds 3]
                                            [--database sqlite|postgres|both]

Each run inserts N published, dated items like bench/map_data.py's (300 villages, 48
communes, five centuries) with `bulk_create` in batches of 5,000 in one transaction —
as an import does — into an empty campaign and empty cells, and times it. Between runs
the inventories app is migrated to the state measured (0013 for 0003's triggers, the
latest for 0014's; 0013 with the triggers dropped for none). The states alternate in
every round, so that a drift of the machine touches each alike; the median per state
is printed with the load average. Writes JSON under bench/results/.

The PostgreSQL database is `tissage_bench_map_writes` (BENCH_PG_DATABASE), dropped and
made again. SQLite goes to bench/results/map-writes-data-sqlite/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

bench.PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_bench_map_writes")
STATES = ["0014 (with century)", "0003 (category, commune)", "no triggers"]

# Run in a child process with the bench's environment: one state, one timed insert.
CHILD = r"""
import json, os, random, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tissage.settings")
django.setup()
from importlib import import_module
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
import map_data
from tissage.inventories.models import Campaign, Category, Contribution

state, count = sys.argv[1], int(sys.argv[2])
cells_0003 = import_module("tissage.inventories.migrations.0003_map_cells")
with connection.cursor() as cursor:
    cursor.execute("DELETE FROM inventories_contribution")
    cursor.execute("DELETE FROM inventories_mapcell")
target = {"0014": [], "0003": ["inventories", "0013"], "none": ["inventories", "0013"]}[state]
call_command("migrate", *target, verbosity=0)
if state == "none":
    drop = cells_0003.SQLITE_DROP if connection.vendor == "sqlite" else cells_0003.POSTGRES_DROP
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
campaign = Campaign.objects.get(slug="bench-patrimoine")
categories = list(Category.objects.filter(campaign=campaign))
communes = {
    map_data.grid_cell(c.min_lon + 0.01, c.min_lat + 0.01): c for c in campaign.communes.all()
}
key = campaign.period_field_key()
rng = random.Random(2)
villages = [(rng.uniform(map_data.MIN_LON, map_data.MAX_LON),
             rng.uniform(map_data.MIN_LAT, map_data.MAX_LAT)) for _ in range(300)]
now = timezone.now()
items = []
for i in range(count):
    lon, lat = rng.choice(villages)
    lon, lat = rng.gauss(lon, 0.02), rng.gauss(lat, 0.015)
    item = Contribution(
        campaign=campaign, category=rng.choice(categories), title=f"Élément {i}",
        values={key: rng.choice(map_data.CENTURIES)}, status="validated",
        longitude=lon, latitude=lat, commune=communes.get(map_data.grid_cell(lon, lat)),
        licence=campaign.licence, consent_at=now,
    )
    item.century = item.century_from_values(key)
    items.append(item)
started = time.perf_counter()
with transaction.atomic():
    for start in range(0, count, 5000):
        Contribution.objects.bulk_create(items[start:start + 5000])
seconds = time.perf_counter() - started
with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*) FROM inventories_mapcell")
    cells = cursor.fetchone()[0]
with connection.cursor() as cursor:  # leave no items: the next state starts empty
    cursor.execute("DELETE FROM inventories_contribution")
    cursor.execute("DELETE FROM inventories_mapcell")
print(json.dumps({"seconds": seconds, "cells": cells, "load": os.getloadavg()[0]}))
"""


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    env = bench.bench_env(database, bench.RESULTS / f"map-writes-data-{database}")
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, Path(env["TISSAGE_DATA_DIR"]))
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    # The campaign, its categories and communes, no items.
    subprocess.run(
        [sys.executable, str(Path(__file__).parent / "map_data.py"), "0"],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        check=True,
    )
    runs: dict[str, list[dict]] = {state: [] for state in STATES}
    for number in range(args.rounds):
        for state, code in zip(STATES, ("0014", "0003", "none"), strict=True):
            output = subprocess.run(
                [sys.executable, "-c", CHILD, code, str(args.items)],
                env=env,
                cwd=bench.ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            runs[state].append(result)
            bench.log(
                f"{database} round {number + 1}: {state}: {result['seconds']:.1f} s, "
                f"{result['cells']:,} cells, load {result['load']:.1f}"
            )
    print(f"\n{database} — {args.items:,} items inserted in one transaction (median)")
    for state, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        print(
            f"  {state:<28} {seconds:>7.1f} s  {results[0]['cells']:>9,} cells  "
            f"{args.items / seconds:>8,.0f} items/s"
        )
    return {"database": database, "items": args.items, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    bench.run_each_database("map-writes", args, run_database)


if __name__ == "__main__":
    main()
