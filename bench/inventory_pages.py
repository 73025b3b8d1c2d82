"""Benchmark a campaign's public pages at two numbers of items, against the baseline view.

    uv run python bench/inventory_pages.py [--items 10000 100000]
                                           [--database sqlite|postgres|both]

For each database and each size: a fresh database with N published items in one
campaign around the Gard (bench/map_data.py: each published at some moment of the past
two years), then a production server per size, both measured in the same rounds (so that the
ratio between sizes is not the machine's drift), each with `/healthz/`: the campaign
page (its latest items and its progress), the item list (first page, a far page, by
category, by commune, by period), an item's page and the Atom feed of new items. Prints
p50/p95 and the ratio of p95 to the baseline per size, then the ratio of each p95 at the
large size to the small one (≤ 1.5: flat). Writes JSON under bench/results/.

The PostgreSQL databases are `tissage_pages_items_<N>` (BENCH_PG_DATABASE), dropped and
made again; SQLite goes to bench/results/inventory-pages-data-sqlite-<N>/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py
from agenda import size_ratios

CAMPAIGN = "/inventaires/bench-patrimoine"
# A database per size, served at once (PostgreSQL: `<name>_<items>`).
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_pages_items")
LATEST_ITEM = """
from tissage.inventories.models import Contribution
item = Contribution.objects.filter(status="validated").newest_published_first().first()
print("item", item.pk)
"""


def load(database: str, items: int) -> tuple[dict[str, str], dict[str, str]]:
    """A database of its own for `items` items: its environment and the latest item."""
    bench.PG_DATABASE = f"{PG_DATABASE}_{items}"
    env = bench.bench_env(database, bench.RESULTS / f"inventory-pages-data-{database}-{items}")
    data_dir = Path(env["TISSAGE_DATA_DIR"])
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {items:,} items")
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "map_data.py"), str(items)],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(output, end="")
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    bench.settle(env)
    found = bench.tissage("shell", "-c", LATEST_ITEM, env=env)
    return env, dict(line.split() for line in found.splitlines() if line.startswith("item "))


def pages(found: dict[str, str]) -> dict[str, str]:
    return {
        bench.BASELINE: "/healthz/",
        "campaign page": f"{CAMPAIGN}/",
        "item list": f"{CAMPAIGN}/fiches/",
        "item list, page 20": f"{CAMPAIGN}/fiches/?page=20",
        "item list, category": f"{CAMPAIGN}/fiches/?category=lavoir",
        "item list, commune": f"{CAMPAIGN}/fiches/?commune=30189",
        "item list, period": f"{CAMPAIGN}/fiches/?period=19e",
        "item page": f"{CAMPAIGN}/fiches/{found['item']}/",
        "items feed (.atom)": f"{CAMPAIGN}/fiches.atom",
    }


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    loaded = {items: load(database, items) for items in args.items}
    measured = bench.serve_and_measure_sizes(
        {items: env for items, (env, _found) in loaded.items()},
        {items: pages(found) for items, (_env, found) in loaded.items()},
        args,
        lambda items: f"server-inventory-pages-{database}-{items}-{stamp}.log",
    )
    runs = bench.size_runs(
        measured,
        "items",
        lambda items: f"{database} — {items:,} items, concurrency {args.concurrency}",
    )
    return {
        "database": database,
        "sizes": runs,
        "p95_ratio_large_to_small": size_ratios(database, runs, "items"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("inventory-pages", args, run_database)


if __name__ == "__main__":
    main()
