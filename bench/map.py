"""Benchmark the inventory map endpoint with many items, against the baseline view.

    uv run python bench/map.py [--items 100000] [--database sqlite|postgres|both]

For each zoom level, the request is the view of a 1280 × 800 px map centred on Nîmes,
as the page would send it. Prints p50/p95, payload size and the ratio of p95 to the
`/healthz/` baseline measured in the same run; writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

CENTRE = (4.36, 43.84)
VIEWPORT = (1280, 800)
ZOOMS = [6, 8, 10, 12, 14, 16]
# Filtered views: category, commune and a period naming a century read their own stored
# cells (see docs/performance.md; bench/map_period.py measures the period at two sizes).
FILTERED = [
    (8, "category=lavoir"),
    (10, "category=lavoir"),
    (8, "commune=30189"),
    (10, "category=lavoir&commune=30189"),
    (8, "period=19e"),
    (12, "period=19e"),
]


def bbox_for(zoom: int) -> str:
    degrees_per_pixel = 360 / (256 * 2**zoom)
    half_width = VIEWPORT[0] / 2 * degrees_per_pixel
    half_height = VIEWPORT[1] / 2 * degrees_per_pixel * math.cos(math.radians(CENTRE[1]))
    lon, lat = CENTRE
    west, east = lon - half_width, lon + half_width
    south, north = lat - half_height, lat + half_height
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"map-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {args.items} items")
    output = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "map_data.py"), str(args.items)],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print(output, end="")
    if database == "postgres":
        subprocess.run(
            [sys.executable, "-m", "tissage.cli", "dbshell", "--", "-c", "ANALYZE"],
            env=env,
            cwd=bench.ROOT,
            capture_output=True,
            check=False,
        )
    urls = {bench.BASELINE: "/healthz/"}
    for zoom in ZOOMS:
        urls[f"map zoom {zoom}"] = (
            f"/inventaires/bench-patrimoine/carte.geojson?bbox={bbox_for(zoom)}&zoom={zoom}"
        )
    for zoom, query in FILTERED:
        urls[f"z{zoom} {query}"] = (
            f"/inventaires/bench-patrimoine/carte.geojson?bbox={bbox_for(zoom)}&zoom={zoom}&{query}"
        )
    measured = bench.serve_and_measure(
        env, urls, args, f"server-map-{database}-{stamp}.log", warmup=10
    )
    measured.report(f"{database} — {args.items:,} items, concurrency {args.concurrency}")
    rows, completed = measured.rows, measured.completed
    load_before, load_after = measured.load_before, measured.load_after
    return {
        "database": database,
        "items": args.items,
        "rows": rows,
        "completed": completed,
        "load_average_before_after": [load_before, load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("map", args, run_database)


if __name__ == "__main__":
    main()
