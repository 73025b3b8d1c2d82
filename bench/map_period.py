"""Benchmark the inventory map filtered by period at two data sizes, against the baseline.

    uv run python bench/map_period.py [--items 10000 100000]
                                      [--database sqlite|postgres|both]

For each database and each size: a fresh database, N published items around the Gard
(bench/map_data.py: 300 "villages", 48 communes, each item dated with one of five
centuries, so "19e" matches a fifth of them), then a production server per size, both
measured in the same shuffled rounds (so that the ratio between sizes is not the
machine's drift), each with `/healthz/`: the map endpoint (bench/map.py's 1280 × 800 px
view centred on Nîmes) unfiltered at zoom 8 for reference, and filtered by a century
alone and with a category and a commune. Prints the time the loader took to insert the
items (the cells' triggers run on every insert: the write cost of the cells), p50/p95
and the ratio of p95 to the baseline per size, then the ratio of each p95 at the large
size to the small one (flat in data size: ≤ 1.5). Writes JSON under
bench/results/map-period-<time>.json.

The PostgreSQL databases are `tissage_bench_map_period_<N>` (BENCH_PG_DATABASE), dropped
and made again: they must not be ones another run uses at the same time. SQLite goes to
bench/results/map-period-data-sqlite-<N>/.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py
from map import bbox_for

PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_bench_map_period")
MAP = "/inventaires/bench-patrimoine/carte.geojson"
# (label, zoom, filters): what a visitor may ask the map's filter form at once.
REQUESTS = [
    ("z8 unfiltered", 8, ""),
    ("z8 period=19e", 8, "period=19e"),
    ("z10 period=19e", 10, "period=19e"),
    ("z12 period=19e", 12, "period=19e"),
    ("z10 category+period", 10, "category=lavoir&period=19e"),
    ("z8 commune+period", 8, "commune=30189&period=19e"),
    ("z10 category+commune+period", 10, "category=lavoir&commune=30189&period=19e"),
]


def load(database: str, items: int, env: dict[str, str]) -> dict[str, float | int]:
    data_dir = Path(env["TISSAGE_DATA_DIR"])
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {items:,} items")
    output = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "map_data.py"), str(items)],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(output, end="")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    inserted = re.search(r"items in campaign \S+ in ([\d.]+) s", output)
    cells = re.search(r"(\d+) map cells", output)
    return {
        "insert_seconds": float(inserted.group(1)) if inserted else float("nan"),
        "cells": int(cells.group(1)) if cells else 0,
    }


def urls() -> dict[str, str]:
    found = {bench.BASELINE: "/healthz/"}
    for label, zoom, filters in REQUESTS:
        query = f"bbox={bbox_for(zoom)}&zoom={zoom}" + (f"&{filters}" if filters else "")
        found[label] = f"{MAP}?{query}"
    return found


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    envs, loaded = {}, {}
    for items in args.items:
        # A database per size, both served at once (PostgreSQL: `<name>_<items>`).
        bench.PG_DATABASE = f"{PG_DATABASE}_{items}"
        envs[items] = bench.bench_env(
            database, bench.RESULTS / f"map-period-data-{database}-{items}"
        )
        loaded[items] = load(database, items, envs[items])
    measured = bench.serve_and_measure_sizes(
        envs,
        {items: urls() for items in envs},
        args,
        lambda items: f"server-map-period-{database}-{items}-{stamp}.log",
        warmup=10,
    )
    runs = []
    for items, result in measured.items():
        result.report(
            f"{database} — {items:,} items ({loaded[items]['cells']:,} cells, inserted in "
            f"{loaded[items]['insert_seconds']:.1f} s), concurrency {args.concurrency}"
        )
        runs.append(
            {
                "items": items,
                **loaded[items],
                "rows": result.rows,
                "completed": result.completed,
                "load_average_before_after": [result.load_before, result.load_after],
            }
        )
    if len(runs) == 2:
        small, large = ({row["page"]: row for row in run["rows"]} for run in runs)
        print(f"\n{database}: p95 at {runs[1]['items']:,} items ÷ p95 at {runs[0]['items']:,}")
        for page, row in large.items():
            if page in small and small[page]["p95_ms"]:
                print(f"  {page:<30} {row['p95_ms'] / small[page]['p95_ms']:>6.2f}")
    return {"database": database, "sizes": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    started = time.perf_counter()
    bench.run_each_database("map-period", args, run_database)
    bench.log(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
