"""Benchmark the open API's public lists at two data sizes, against the baseline view.

    uv run python bench/api.py [--items 10000 100000] [--actions 1000 10000]
                               [--database sqlite|postgres|both]

For each database and each size: a fresh database, N published inventory items around
the Gard (bench/map_data.py, 5 % of them with a hidden place) and M actions
(bench/agenda.py's data), then the production server and, in the same run as
`/healthz/`: the items of the campaign as GeoJSON (first page, a page deep in the list
by its cursor, a dense box around Nîmes, a wide box, a box with few items, with a
category), and the actions (first page, from six months ahead, by project, in a box, by
commune). Prints p50/p95 and the ratio of p95 to the baseline per size, then the ratio
of each p95 at the large size to the small one (a list that holds its time as data
grows stays near 1). Writes JSON under bench/results/.

The two sizes have a database and a server each and are measured in the same shuffled
rounds (`run.serve_and_measure_sizes`), so that the ratio between sizes is not the
machine's drift between two measures. The PostgreSQL databases are
`tissage_api_read_<N>` (BENCH_PG_DATABASE), dropped and made again: they must not be
ones another run uses at the same time.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py
from agenda import SETUP as ACTIONS_SETUP

PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_api_read")
ITEMS = "/api/v1/campaigns/bench-patrimoine/items"
# Boxes in the Gard (bench/map_data.py): a map view around Nîmes at zoom 12, half the
# département, and a corner of sea and marsh where few items fall.
NIMES_Z12 = "4.30,43.81,4.42,43.87"
WIDE = "3.3,43.5,4.8,44.4"
SPARSE = "4.70,43.47,4.84,43.52"


def cursor_after(pk: int) -> str:
    """The cursor of the API's keyset on the id (tissage/api/pagination.py)."""
    return base64.urlsafe_b64encode(json.dumps([pk]).encode()).decode().rstrip("=")


def load(database: str, items: int, actions: int) -> tuple[dict[str, str], dict[str, str]]:
    """A database of its own for `items` items and `actions` actions: its environment and
    the commune the actions' list is asked for."""
    bench.PG_DATABASE = f"{PG_DATABASE}_{items}"
    env = bench.bench_env(database, bench.RESULTS / f"api-data-{database}-{items}")
    data_dir = Path(env["TISSAGE_DATA_DIR"])
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {items:,} items, {actions:,} actions")
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
    found = bench.tissage("shell", "-c", ACTIONS_SETUP.replace("COUNT", str(actions)), env=env)
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage purge`
    # does on SQLite (ANALYZE: the planner's statistics).
    bench.settle(env)
    return env, dict(line.split() for line in found.splitlines() if line.startswith("commune "))


def urls_for(items: int, commune: str) -> dict[str, str]:
    # Ids start at 1 in a fresh database: the middle of the campaign's items.
    middle = cursor_after(items // 2)
    return {
        bench.BASELINE: "/healthz/",
        "items, first page": ITEMS,
        "items, page in the middle": f"{ITEMS}?cursor={middle}",
        "items, box Nîmes z12": f"{ITEMS}?bbox={NIMES_Z12}",
        "items, box half the Gard": f"{ITEMS}?bbox={WIDE}",
        "items, box with few items": f"{ITEMS}?bbox={SPARSE}",
        "items, box + category": f"{ITEMS}?bbox={WIDE}&category=lavoir",
        # A full page at both sizes: half the Gard holds thousands of items at 10,000. The
        # Nîmes box, its box until 2026-12-06, held fewer than 50 there, so the size ratio
        # compared a short answer with a full one (docs/decisions.md, "Flat in data
        # size, when the answer grows with the data").
        "items, 200 per page": f"{ITEMS}?bbox={WIDE}&limit=200",
        "actions, first page": "/api/v1/actions",
        "actions, six months ahead": "/api/v1/actions?start_after=" + _in_days(183),
        "actions, by project": "/api/v1/actions?project=bench-3",
        "actions, by commune": f"/api/v1/actions?commune={commune}",
        "actions, box": "/api/v1/actions?bbox=5.2,44.6,5.5,44.9",
    }


def _in_days(days: int) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(time.time() + days * 86400))


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    sizes = dict(zip(args.items, args.actions, strict=True))
    loaded = {items: load(database, items, actions) for items, actions in sizes.items()}
    measured = bench.serve_and_measure_sizes(
        {items: env for items, (env, _found) in loaded.items()},
        {items: urls_for(items, found["commune"]) for items, (_env, found) in loaded.items()},
        args,
        lambda items: f"server-api-{database}-{items}-{stamp}.log",
    )
    runs = bench.size_runs(
        measured,
        "items",
        lambda items: (
            f"{database} — {items:,} items, {sizes[items]:,} actions,"
            f" concurrency {args.concurrency}"
        ),
    )
    for run in runs:
        run["actions"] = sizes[run["items"]]
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
    parser.add_argument("--actions", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    if len(args.items) != len(args.actions):
        parser.error("give as many --actions sizes as --items sizes")
    bench.run_each_database("api", args, run_database)


if __name__ == "__main__":
    main()
