"""Benchmark the inventory map endpoints with many items, against the baseline view.

    uv run python bench/map.py [--items 10000,100000] [--database sqlite|postgres|both]

For each zoom level: the tile the page asks first (the one under the centre of a map
centred on Nîmes), and the bounding-box request of a 1280 × 800 px view (the endpoint
the consultations' map uses, and the page before issue #20). Prints p50/p95, payload
size and the ratio of p95 to the `/healthz/` baseline measured in the same run, then
what a whole view weighs in tiles (every tile a 1280 × 800 and a 390 × 844 view needs,
as the page asks them); with two sizes, the ratio of their p95. Writes JSON under
bench/results/. The two sizes have a database and a server each and are measured in the
same shuffled rounds, so that the ratio between sizes is not the machine's drift. Its
own PostgreSQL databases (`tissage_bench_map_<N>`) and data folders, so that it may run
beside the other benches.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

# A database per size, served at once (PostgreSQL: `<name>_<items>`).
PG_DATABASE = "tissage_bench_map"

CENTRE = (4.36, 43.84)
VIEWPORT = (1280, 800)
VIEWPORTS = [(1280, 800), (390, 844)]
ZOOMS = [6, 8, 10, 12, 14, 16]
TILE = 256
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


def world_pixel(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator, as Leaflet projects: pixels of the whole world at that zoom."""
    scale = TILE * 2**zoom
    x = (lon + 180) / 360 * scale
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * scale
    return x, y


def view_tiles(zoom: int, viewport: tuple[int, int]) -> list[tuple[int, int, int]]:
    """The tiles a view centred on Nîmes needs (map.js's `tilesOf` with no margin)."""
    x, y = world_pixel(*CENTRE, zoom)
    west, east = int((x - viewport[0] / 2) // TILE), int((x + viewport[0] / 2) // TILE)
    north, south = int((y - viewport[1] / 2) // TILE), int((y + viewport[1] / 2) // TILE)
    return [(zoom, tx, ty) for tx in range(west, east + 1) for ty in range(north, south + 1)]


def tile_path(zoom: int, x: int, y: int, query: str = "") -> str:
    return f"/inventaires/bench-patrimoine/carte/tuiles/{zoom}/{x}/{y}.json" + (
        f"?{query}" if query else ""
    )


def view_weights(port: int) -> list[dict]:
    """Bytes of every tile of each view, fetched once (uncompressed: the body as sent)."""
    import http.client

    weights = []
    for zoom in ZOOMS:
        for viewport in VIEWPORTS:
            tiles = view_tiles(zoom, viewport)
            total = 0
            for tile in tiles:
                connection = http.client.HTTPConnection(bench.HOST, port, timeout=30)
                connection.request("GET", tile_path(*tile), headers={"Host": bench.HOST})
                total += len(connection.getresponse().read())
                connection.close()
            weights.append(
                {
                    "zoom": zoom,
                    "viewport": f"{viewport[0]}x{viewport[1]}",
                    "tiles": len(tiles),
                    "bytes": total,
                }
            )
    return weights


def load(database: str, items: int) -> tuple[dict[str, str], dict[str, str]]:
    """A database of its own for `items` items: its environment and the requests."""
    bench.PG_DATABASE = f"{PG_DATABASE}_{items}"
    data_dir = bench.RESULTS / f"map-data-{database}-{items}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {items} items")
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
    urls = {bench.BASELINE: "/healthz/"}
    for zoom in ZOOMS:
        x, y = world_pixel(*CENTRE, zoom)
        urls[f"tile z{zoom}"] = tile_path(zoom, int(x // TILE), int(y // TILE))
    for zoom, query in FILTERED[:4]:
        x, y = world_pixel(*CENTRE, zoom)
        urls[f"tile z{zoom} {query}"] = tile_path(zoom, int(x // TILE), int(y // TILE), query)
    for zoom in ZOOMS:
        urls[f"map zoom {zoom}"] = (
            f"/inventaires/bench-patrimoine/carte.geojson?bbox={bbox_for(zoom)}&zoom={zoom}"
        )
    for zoom, query in FILTERED:
        urls[f"z{zoom} {query}"] = (
            f"/inventaires/bench-patrimoine/carte.geojson?bbox={bbox_for(zoom)}&zoom={zoom}&{query}"
        )
    return env, urls


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    sizes = [int(size) for size in str(args.items).split(",")]
    loaded = {items: load(database, items) for items in sizes}
    measured = bench.serve_and_measure_sizes(
        {items: env for items, (env, _urls) in loaded.items()},
        {items: urls for items, (_env, urls) in loaded.items()},
        args,
        lambda items: f"server-map-{database}-{items}-{stamp}.log",
        warmup=10,
        after=lambda _items, port: view_weights(port),
    )
    runs = []
    for items, result in measured.items():
        result.report(f"{database} — {items:,} items, concurrency {args.concurrency}")
        print("\nA whole view in tiles (every tile it needs, uncompressed):")
        for weight in result.after:
            print(
                f"  zoom {weight['zoom']:>2} {weight['viewport']:>8}: {weight['tiles']:>3} "
                f"tiles, {weight['bytes'] / 1024:6.1f} KB"
            )
        runs.append(
            {
                "database": database,
                "items": items,
                "rows": result.rows,
                "view_weights": result.after,
                "completed": result.completed,
                "load_average_before_after": [result.load_before, result.load_after],
            }
        )
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        print(
            f"\n{database}: p95 at {large['items']:,} items ÷ p95 at {small['items']:,} "
            "(≤ 1.5: flat)"
        )
        before = {row["page"]: row for row in small["rows"]}
        for row in large["rows"]:
            ratio = row["p95_ms"] / before[row["page"]]["p95_ms"]
            print(f"  {row['page']:<34} {ratio:5.2f}")
    return {"database": database, "sizes": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items",
        default="10000,100000",
        help="item counts, comma-separated (one fresh database each)",
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("map", args, run_database)


if __name__ == "__main__":
    main()
