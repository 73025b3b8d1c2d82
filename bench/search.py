"""Benchmark site search (/recherche/) at `tissage generate --scale N` plus enough
published items to reach `--items` in all (100,000 by default), against the baseline.

    uv run python bench/search.py [--scale 10] [--items 100000] [--database sqlite|postgres|both]

The extra items are copies of the generated ones (bench/search_data.py). Queries: a
common word with and without its accent, two words, a word found in most items (the
worst case for ranking), a prefix and a word found nowhere. Prints p50/p95 and the
ratio to `/healthz/`; writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

# A database of its own, so that this bench never drops the one bench/run.py is using.
bench.PG_DATABASE = "tissage_bench_search"

QUERIES = {
    "lavoir": "lavoir",
    "église (accent)": "église",
    "eglise (no accent)": "eglise",
    "two words": "croix calcaire",
    "nimes (in most items)": "nimes",
    "prefix": "fo",
    "nothing found": "zyxwvuts",
}


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"search-data-{database}"
    env = bench.bench_env(database, data_dir)
    if not args.reuse:
        bench.log(f"{database}: fresh database")
        bench.fresh_database(database, data_dir)
        bench.tissage("migrate", "--noinput", "-v", "0", env=env)
        bench.log(f"{database}: generate --scale {args.scale}")
        print(bench.tissage("generate", "--scale", str(args.scale), env=env), end="")
    bench.log(f"{database}: items up to {args.items}")
    subprocess.run(
        [sys.executable, str(Path(__file__).parent / "search_data.py"), str(args.items)],
        env=env,
        cwd=bench.ROOT,
        check=True,
    )
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    urls = {bench.BASELINE: "/healthz/"}
    for name, query in QUERIES.items():
        urls[f"search {name}"] = "/recherche/?" + urlencode({"q": query})
    measured = bench.serve_and_measure(
        env, urls, args, f"server-search-{database}-{stamp}.log", warmup=10
    )
    measured.report(
        f"{database} — scale {args.scale} + items to {args.items:,}, concurrency {args.concurrency}"
    )
    return {
        "database": database,
        "scale": args.scale,
        "items": args.items,
        "rows": measured.rows,
        "completed": measured.completed,
        "load_average_before_after": [measured.load_before, measured.load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the previous run"
    )
    args = parser.parse_args()
    bench.run_each_database("search", args, run_database)


if __name__ == "__main__":
    main()
