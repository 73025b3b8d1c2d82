"""Browser bench of the inventory map: first clusters and pan/zoom updates, in Chromium.

    uv run python bench/map_browser.py [--dataset 100k|demo|both] [--database sqlite|postgres]
                                       [--gestures 30] [--code DIR] [--reuse]

Definitions (measured in the page, with `performance.now()`):
- **first clusters**: from the navigation's start (the page's time origin) to the first
  animation frame after the first marker (a cluster or an item) is in the page — a cold
  cache: a new browser context for each of `--loads` loads;
- **pan / zoom update**: from the end of the gesture (Leaflet's `moveend`, which ends
  the pan's or the zoom's animation) to the first animation frame in which the map is no
  longer busy (`aria-busy` unset: the view's clusters are all drawn for the new view).
  A pan is `map.panBy` by 35 % of the view's width or height, in a direction drawn at
  random (seeded) but kept within about three views of the start; a zoom is one step in
  (`zoomIn`) then one out, around the centre. After each update the bench waits
  `--pause` seconds, as a person looks at the map before the next gesture.

At 1280 × 800 and at 390 × 844 (touch), on 100,000 items (`bench/map_data.py`, centred on
Nîmes at zoom 13: a town) and on the demo's items (zoom 11 over Nîmes). Prints p50/p95 and
writes JSON under bench/results/. `--code DIR` serves another checkout of Tissage (for
example `git archive main | tar -x -C /tmp/before`), to measure before and after with the
same bench; its front-end files are copied from this checkout if missing.

Its own PostgreSQL databases (`tissage_bench_map_browser_<dataset>`), data folders and
static folders, on a free port: it may run beside the other benches. `--reuse` keeps the
data a run before loaded (before and after share the schema), e.g.:

    uv run python bench/map_browser.py
    uv run python bench/map_browser.py --reuse --code /tmp/before

The background map's tiles (images) come from a stand-in tile server on another loopback
port (`bench/stand_in_tiles.py`), which answers an empty picture: no network, and no
request held by Playwright's interception. Each run first loads the page once, unmeasured:
the server's workers have then served a page, as a running server's have (`tissage serve`
readies each worker before its first request, but a first tile or page still warms
what only a request can).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as common  # the result shape every bench writes (bench/report.py)
import run as bench  # the shared harness of bench/run.py

bench.PG_DATABASE = "tissage_bench_map_browser"
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium")
SIZES = {
    "1280": {"viewport": {"width": 1280, "height": 800}},
    "390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
DATASETS = {
    # slug, the view to start from (#map=zoom/lat/lon)
    "100k": ("bench-patrimoine", "13/43.84/4.36"),
    "demo": ("demo-petit-patrimoine-garrigues", "11/43.84/4.36"),
}
# In the page before its scripts: the first marker's time, and the map (Leaflet's init
# hook, registered before inventories/map.js makes the map) to move and to listen to.
PROBE = """
(() => {
  window.__bench = { first: null, updates: [] };
  new MutationObserver((changes, observer) => {
    if (document.querySelector("#inventory-map .leaflet-marker-icon")) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__bench.first = performance.now(); });
    }
  }).observe(document, { childList: true, subtree: true });
  // Leaflet sets window.L once it is complete; the map is made right after, by a
  // deferred script: the hook goes on as soon as Leaflet is there.
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    get: () => leaflet,
    set: (value) => {
      leaflet = value;
      if (!value || !value.Map || value.Map.__benched) return;
      value.Map.__benched = true;
      value.Map.addInitHook(function () {
        const map = this;
        window.__bench.map = map;
        map.on("moveend", () => {
          const start = performance.now();
          const container = map.getContainer();
          const check = () => {
            if (container.getAttribute("aria-busy") === "true") {
              requestAnimationFrame(check);
            } else {
              window.__bench.updates.push(performance.now() - start);
            }
          };
          requestAnimationFrame(check);
        });
      });
    },
  });
})();
"""


def percentiles(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(bench.percentile(values, 0.5), 1),
        "p95_ms": round(bench.percentile(values, 0.95), 1),
        "max_ms": round(max(values, default=float("nan")), 1),
    }


def prepare(
    database: str, dataset: str, items: int, env: dict[str, str], data_dir: Path, reuse: bool
) -> None:
    marker = data_dir / f"loaded-{dataset}-{items}"
    if reuse and marker.exists():
        bench.log(f"{database}/{dataset}: the data loaded before (--reuse)")
        collect_static(env)
        return
    bench.log(f"{database}/{dataset}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    if dataset == "100k":
        script = [sys.executable, str(HERE / "map_data.py"), str(items)]
    else:
        script = [
            sys.executable,
            "-c",
            "import django; django.setup(); from tissage.demo.data import demo_load; demo_load()",
        ]
    environment = {**env, "DJANGO_SETTINGS_MODULE": "tissage.settings"}
    result = subprocess.run(script, env=environment, cwd=bench.ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"loading {dataset} failed")
    print(result.stdout, end="")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    marker.touch()
    collect_static(env)


def collect_static(env: dict[str, str]) -> None:
    vendor = bench.ROOT / "tissage" / "assets" / "vendor"
    if not vendor.exists():
        shutil.copytree(HERE.parent / "tissage" / "assets" / "vendor", vendor)
    bench.tissage("collectstatic", "--noinput", "--clear", "-v", "0", env=env)


def measure(port: int, slug: str, start: str, args: argparse.Namespace) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    base = f"http://{bench.HOST}:{port}"
    url = f"{base}/inventaires/{slug}/carte/#map={start}"
    rng = random.Random(1)
    figures: dict[str, Any] = {}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            # Unmeasured: the server has served the page and its tiles once.
            warm = browser.new_context(**SIZES["1280"])
            warm.add_init_script(PROBE)
            page = warm.new_page()
            page.goto(url)
            page.wait_for_function("() => window.__bench.first !== null", timeout=30_000)
            warm.close()
            for size, options in SIZES.items():
                firsts = []
                for _ in range(args.loads):
                    context = browser.new_context(**options)
                    context.add_init_script(PROBE)
                    page = context.new_page()
                    page.goto(url)
                    page.wait_for_function("() => window.__bench.first !== null", timeout=30_000)
                    firsts.append(page.evaluate("() => window.__bench.first"))
                    context.close()
                context = browser.new_context(**options)
                context.add_init_script(PROBE)
                page = context.new_page()
                page.goto(url)
                page.wait_for_function("() => window.__bench.first !== null", timeout=30_000)
                page.wait_for_timeout(args.pause * 1000)
                pans, zooms = [], []
                offset = [0.0, 0.0]
                for number in range(args.gestures * 2):
                    count = page.evaluate("() => window.__bench.updates.length")
                    if number % 2 == 0:
                        # Away from the start at random, back towards it past 3 views.
                        dx, dy = rng.choice([(1, 0), (-1, 0), (0, 1), (0, -1)])
                        if abs(offset[0] + dx * 0.35) > 3 or abs(offset[1] + dy * 0.35) > 3:
                            dx, dy = -dx, -dy
                        offset[0] += dx * 0.35
                        offset[1] += dy * 0.35
                        page.evaluate(
                            "([dx, dy]) => { const m = window.__bench.map, s = m.getSize();"
                            " m.panBy([dx * s.x * 0.35, dy * s.y * 0.35]); }",
                            [dx, dy],
                        )
                        into = pans
                    else:
                        zoom_in = (number // 2) % 2 == 0
                        page.evaluate(
                            "(zoomIn) => zoomIn ? window.__bench.map.zoomIn()"
                            " : window.__bench.map.zoomOut()",
                            zoom_in,
                        )
                        into = zooms
                    page.wait_for_function(
                        f"() => window.__bench.updates.length > {count}", timeout=30_000
                    )
                    into.append(page.evaluate(f"() => window.__bench.updates[{count}]"))
                    page.wait_for_timeout(args.pause * 1000)
                context.close()
                figures[size] = {
                    "first_clusters": percentiles(firsts),
                    "pan": percentiles(pans),
                    "zoom": percentiles(zooms),
                }
        finally:
            browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["100k", "demo", "both"], default="both")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--gestures", type=int, default=30, help="pans, and as many zooms")
    parser.add_argument("--loads", type=int, default=20, help="cold loads for first clusters")
    parser.add_argument("--pause", type=float, default=0.8, help="seconds between gestures")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code", type=Path, help="another checkout to serve (before)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data a run before loaded (same schema)"
    )
    args = parser.parse_args()
    if args.code:
        bench.ROOT = args.code.resolve()
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    started = time.time()
    load = common.LoadSampler().__enter__()
    datasets = ["100k", "demo"] if args.dataset == "both" else [args.dataset]
    report: dict[str, Any] = {
        "machine": bench.machine(),
        "code": bench.code_version(),
        "served": str(bench.ROOT),
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "runs": [],
    }
    for dataset in datasets:
        data_dir = bench.RESULTS / f"map-browser-data-{args.database}-{dataset}"
        env = bench.bench_env(args.database, data_dir)
        # The static files of the code served (before and after differ).
        served = "before" if args.code else "this"
        env["STATIC_ROOT"] = str(bench.RESULTS / f"map-browser-static-{served}")
        env["PYTHONPATH"] = str(bench.ROOT)
        if args.database == "postgres":
            bench.PG_DATABASE = f"tissage_bench_map_browser_{dataset}"
            env["DATABASE_URL"] = bench.database_url("postgres", data_dir)
        prepare(args.database, dataset, args.items, env, data_dir, args.reuse)
        tiles_port = bench.free_port()
        env["TISSAGE_MAP_TILE_URL"] = f"http://{bench.HOST}:{tiles_port}/{{z}}/{{x}}/{{y}}.png"
        stand_in = subprocess.Popen(
            [sys.executable, str(HERE / "stand_in_tiles.py"), str(tiles_port)]
        )
        server = bench.Server(env, bench.RESULTS / f"server-map-browser-{stamp}.log", args.workers)
        try:
            server.wait_ready()
            load_before = os.getloadavg()
            slug, start = DATASETS[dataset]
            figures = measure(server.port, slug, start, args)
            load_after = os.getloadavg()
        finally:
            server.stop()
            stand_in.terminate()
            stand_in.wait()
        print(
            f"\n{dataset} on {args.database} ({bench.ROOT.name}), load average "
            f"{load_before[0]:.1f} → {load_after[0]:.1f}"
        )
        for size, rows in figures.items():
            for what, row in rows.items():
                print(
                    f"  {size:>4} px {what:<15} n={row['n']:>3} p50 {row['p50_ms']:7.1f} ms"
                    f"  p95 {row['p95_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms"
                )
        report["runs"].append(
            {
                "dataset": dataset,
                "database": args.database,
                "figures": figures,
                "load_average_before_after": [load_before, load_after],
            }
        )
    target = HERE / "results" / f"map-browser-{stamp}.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(report, indent=2, default=str))
    bench.log(f"results written to {target}")
    load.__exit__(None, None, None)
    shaped = common_report(report, started, time.time(), load.figures())
    common.print_checks(shaped)
    bench.log(f"common result written to {common.write(shaped)}")


# Issue #20 §4: a pan or a zoom shows its updated clusters within 150 ms p95 on loopback;
# first clusters within 0.5 s on desktop and phone.
GESTURE_BUDGET_MS = 150.0
FIRST_CLUSTERS_BUDGET_MS = 500.0


def common_report(
    report: dict[str, Any], started: float, finished: float, load: list[float] | None
) -> dict[str, Any]:
    """The runs in the common shape (bench/report.py): one table, the budgets checked."""
    rows, checks = [], []
    for run in report["runs"]:
        for size, figures in run["figures"].items():
            for what, row in figures.items():
                name = f"{run['dataset']}, {size} px, {what.replace('_', ' ')}"
                rows.append([name, row["n"], row["p50_ms"], row["p95_ms"], row["max_ms"]])
                limit = FIRST_CLUSTERS_BUDGET_MS if what == "first_clusters" else GESTURE_BUDGET_MS
                checks.append(common.Check(f"{name}: p95", row["p95_ms"], limit, "ms"))
    database = report["runs"][0]["database"] if report["runs"] else ""
    return common.new_report(
        "map-browser",
        database,
        started=started,
        finished=finished,
        machine=report["machine"],
        code=report["code"],
        load_average=load,
        tables=[
            common.table(
                f"map-browser.{database}",
                common.TITLES["map-browser"],
                ["Measure", "n", "p50 ms", "p95 ms", "max ms"],
                [
                    [cell if not isinstance(cell, float) else round(cell, 1) for cell in row]
                    for row in rows
                ],
            )
        ],
        checks=checks,
        arguments=report["arguments"],
    )


if __name__ == "__main__":
    main()
