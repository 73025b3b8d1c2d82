"""What a first visit costs a phone: bytes on the wire and time on slow 4G, per page.

    uv run python bench/weight.py [--runs 3] [--items 0] [--label after]

A fresh SQLite database with the demo data (`tissage demo --no-serve`, plus
`--items N` published items of a campaign of their own, `bench/map_data.py`), then
`tissage serve --workers 2` with production settings on a free loopback port, as
bench/run.py does. Headless Chromium (Debian's, /usr/bin/chromium, driven by
Playwright) opens each page at 390 × 844 in a fresh context (a cold cache):

- **fast**: no throttling. *Bytes* are what came over the wire for the site's requests
  (the sum of Chromium's `encodedDataLength`, headers included), map tiles (answered by
  the bench with a local PNG) and people's photos excluded; *requests* their number.
- **slow 4G**: Chromium's emulation (`Network.emulateNetworkConditions`: 150 ms added to
  each request, 1.6 Mbit/s down, 750 kbit/s up; `Emulation.setCPUThrottlingRate` 4).
  *DCL* and *load* are the navigation's `domContentLoadedEventEnd` and `loadEventEnd`;
  *first clusters* (map pages) the moment the first cluster or marker element enters the
  map's marker pane (`#inventory-map .leaflet-marker-pane`), from the navigation's start.

Each page is opened `--runs` times per condition, in turns; the median is printed.
Budgets (issue #20): ≤ 50 KB for a text page, ≤ 90 KB for the map page (and for the
action page, whose meeting point's small map is in a phone's first screen); on slow 4G,
DCL ≤ 1.0 s for a text page and first clusters ≤ 1.5 s. The baseline `/healthz/` is
measured the same way in the same run. Writes bench/results/weight-<stamp>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as common  # the result shape every bench writes (bench/report.py)
import run as bench  # the shared harness of bench/run.py

CHROMIUM = os.environ.get("TISSAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "fr-FR",
}
# Lighthouse's "slow 4G" (its mobile default): 150 ms, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
KB = 1024
TEXT_BUDGET = 50 * KB
MAP_BUDGET = 90 * KB
DCL_BUDGET_MS = 1000
CLUSTERS_BUDGET_MS = 1500
# "Sent uncompressed" lists a text answer whose body (headers left out) is larger than
# this and came without a content-encoding (the app leaves answers under
# `core.compression.MIN_LENGTH`, 1,000 bytes, as they are).
UNCOMPRESSED_BODY = 1500
MAP_PAGES = {"map"}
# The action page shows its meeting point on a small map in the first screen of a phone:
# Leaflet is fetched for it (when it comes near the view), so the map page's byte budget;
# its DCL is held to a text page's.
SMALL_MAP_PAGES = {"action"}
# People's photos: the content, not the page (as tests/browser/test_page_weight.py).
NOT_COUNTED = re.compile(r"/media/|/inventaires/photos/|/photos-gardees/")
# The map's data tiles (its clusters): counted apart, as the page-weight test does (the
# background tiles are left out by issue #20 §3). They are the view's and those fetched
# ahead around it and at the next zooms (by the time the network is idle); a view's own
# tiles are held to 40 KB by bench/map.py and tests/browser/test_page_weight.py.
DATA_TILES = re.compile(r"/carte/(tuiles|vue)/")
# Formats compressed already: not listed as "sent uncompressed".
ALREADY_COMPRESSED = re.compile(r"\.(woff2|png|jpe?g|webp|gif|zip)(\?|$)")
FIRST_CLUSTER_WATCH = """
(() => {
  const selector = "#inventory-map .leaflet-marker-pane > *";
  const seen = () => {
    if (window.__firstCluster === undefined && document.querySelector(selector)) {
      window.__firstCluster = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""
TIMING = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return {dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd};
}
"""


def prepare(data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    if not (bench.ROOT / "tissage" / "assets" / "vendor" / "htmx.min.js").exists():
        bench.log("front-end files missing: tissage assets")
        bench.tissage("assets", env=env)
    bench.log("demo data (migrate, collectstatic, demo)")
    bench.tissage("demo", "--no-serve", env=env)
    picked = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "weight_pages.py")],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
    )
    if picked.returncode != 0:
        sys.stderr.write(picked.stdout + picked.stderr)
        raise SystemExit("bench/weight_pages.py failed.")
    return dict(json.loads(picked.stdout))


def prepare_items(data_dir: Path, env: dict[str, str], items: int) -> str:
    """A database of its own (map_data.py makes its communes, which the demo's would
    clash with): migrate, N items (the demo's static files serve). The path of their map."""
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{items:,} generated items (bench/map_data.py)")
    made = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "map_data.py"), str(items)],
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        sys.stderr.write(made.stdout + made.stderr)
        raise SystemExit("bench/map_data.py failed.")
    return "/inventaires/bench-patrimoine/carte/"


def visit(
    browser: Any, base: str, path: str, *, slow: bool, tile: bytes, is_map: bool
) -> dict[str, Any]:
    """One cold visit of `path`: bytes, requests and times."""
    context = browser.new_context(**PHONE)
    try:
        # No request leaves the machine: tiles get a local picture, anything else off the
        # server is refused (and reported).
        outside: list[str] = []

        def route(request_route: Any) -> None:
            url = request_route.request.url
            if url.startswith(base) or url.startswith("data:"):
                request_route.continue_()
            elif url.endswith(".png"):
                request_route.fulfill(status=200, content_type="image/png", body=tile)
            else:
                outside.append(url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        if is_map:
            page.add_init_script(FIRST_CLUSTER_WATCH)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if slow:
            cdp.send("Network.emulateNetworkConditions", SLOW_4G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        urls: dict[str, str] = {}
        encodings: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )

        # Bytes received when the response's head is in: its headers (what the body's
        # count is: loadingFinished's total less these).
        heads: dict[str, int] = {}

        def received(event: dict[str, Any]) -> None:
            headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
            encodings[event["requestId"]] = headers.get("content-encoding", "")
            heads[event["requestId"]] = int(event["response"].get("encodedDataLength", 0))

        cdp.on("Network.responseReceived", received)
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        answer = page.goto(base + path, wait_until="load", timeout=120_000)
        if answer is None or answer.status != 200:
            raise SystemExit(f"{path} answered {answer.status if answer else 'nothing'}")
        first_cluster = None
        if is_map:
            page.wait_for_function("() => window.__firstCluster !== undefined", timeout=120_000)
            first_cluster = page.evaluate("window.__firstCluster")
        page.wait_for_load_state("networkidle", timeout=120_000)
        timing = page.evaluate(TIMING)
        counted = {
            request_id: size
            for request_id, size in sizes.items()
            if urls.get(request_id, "").startswith(base)
            and not NOT_COUNTED.search(urls[request_id])
        }
        uncompressed = sorted(
            urls[r].removeprefix(base)
            for r in counted
            if not encodings.get(r)
            and counted[r] - heads.get(r, 0) > UNCOMPRESSED_BODY
            and not ALREADY_COMPRESSED.search(urls[r])
        )
        tiles = {r: size for r, size in counted.items() if DATA_TILES.search(urls[r])}
        return {
            "bytes": sum(counted.values()) - sum(tiles.values()),
            "tile_bytes": sum(tiles.values()),
            "requests": len(counted),
            "dcl_ms": timing["dcl"],
            "load_ms": timing["load"],
            "first_clusters_ms": first_cluster,
            "encodings": sorted({encodings.get(r, "") for r in counted}),
            "large_uncompressed": uncompressed,
            "files": sorted(
                (urls[r].removeprefix(base), counted[r], encodings.get(r, "")) for r in counted
            ),
            "outside": outside,
        }
    finally:
        context.close()


def measure(base: str, pages: dict[str, str], runs: int) -> dict[str, dict[str, Any]]:
    import io

    from PIL import Image
    from playwright.sync_api import sync_playwright

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), "#e8e4d8").save(buffer, format="PNG")
    tile = buffer.getvalue()
    results: dict[str, dict[str, Any]] = {name: {"fast": [], "slow": []} for name in pages}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One visit first, not counted: Chromium's and the server's first start.
            visit(browser, base, "/", slow=False, tile=tile, is_map=False)
            for number in range(runs):
                for name, path in pages.items():
                    for condition in ("fast", "slow"):
                        bench.log(f"run {number + 1}/{runs}: {name} ({condition})")
                        results[name][condition].append(
                            visit(
                                browser,
                                base,
                                path,
                                slow=condition == "slow",
                                tile=tile,
                                is_map=name in MAP_PAGES,
                            )
                        )
        finally:
            browser.close()
    return results


def summarise(pages: dict[str, str], results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for name in pages:
        fast, slow = results[name]["fast"], results[name]["slow"]

        def median(visits: list[dict[str, Any]], key: str) -> float | None:
            values = [v[key] for v in visits if v[key] is not None]
            return statistics.median(values) if values else None

        is_map = name in MAP_PAGES
        budget = (
            None
            if name == bench.BASELINE
            else MAP_BUDGET
            if is_map or name in SMALL_MAP_PAGES
            else TEXT_BUDGET
        )
        row = {
            "page": name,
            "path": pages[name],
            "bytes": median(fast, "bytes"),
            "tile_bytes": median(fast, "tile_bytes"),
            "requests": median(fast, "requests"),
            "fast_dcl_ms": median(fast, "dcl_ms"),
            "fast_load_ms": median(fast, "load_ms"),
            "dcl_ms": median(slow, "dcl_ms"),
            "load_ms": median(slow, "load_ms"),
            "first_clusters_ms": median(slow, "first_clusters_ms"),
            "fast_first_clusters_ms": median(fast, "first_clusters_ms"),
            "budget_bytes": budget,
            "encodings": fast[-1]["encodings"],
            "large_uncompressed": fast[-1]["large_uncompressed"],
            "files": fast[-1]["files"],
            "outside": sorted({url for v in fast + slow for url in v["outside"]}),
        }
        within = []
        if budget is not None:
            within.append(row["bytes"] <= budget)
            if is_map:
                within.append((row["first_clusters_ms"] or 1e9) <= CLUSTERS_BUDGET_MS)
            else:
                within.append(row["dcl_ms"] <= DCL_BUDGET_MS)
        row["within_budget"] = all(within) if within else None
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        f"{'page':<22} {'KB':>6} {'budget':>7} {'req':>4} {'DCL ms':>7} {'load ms':>8} "
        f"{'clusters':>9} {'ok':>3}   (DCL, load, clusters: slow 4G, CPU ÷{CPU_SLOWDOWN})"
    )
    lines = [header, "-" * 80]
    for row in rows:
        budget = f"{row['budget_bytes'] / KB:.0f}" if row["budget_bytes"] else "—"
        clusters = f"{row['first_clusters_ms']:.0f}" if row["first_clusters_ms"] else "—"
        ok = {True: "yes", False: "NO", None: ""}[row["within_budget"]]
        lines.append(
            f"{row['page']:<22.22} {row['bytes'] / KB:>6.1f} {budget:>7} {row['requests']:>4.0f} "
            f"{row['dcl_ms']:>7.0f} {row['load_ms']:>8.0f} {clusters:>9} {ok:>3}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="visits per page and condition")
    parser.add_argument(
        "--items", type=int, default=0, help="also a map of N generated items (map_data.py)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--label", default="", help="a word kept in the JSON (before, after)")
    args = parser.parse_args()
    if not 1 <= args.runs <= 20:
        parser.error("keep --runs within 1..20")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    started = time.time()
    load = common.LoadSampler().__enter__()
    data_dir = bench.RESULTS / "weight-data"
    env = bench.bench_env("sqlite", data_dir)
    # Its own static files: other benches may collect theirs at the same time.
    env["STATIC_ROOT"] = str(data_dir / "static")
    info = prepare(data_dir, env)
    pages = {bench.BASELINE: "/healthz/", **info["pages"]}
    servers = [(env, pages)]
    if args.items:
        items_dir = bench.RESULTS / "weight-items"
        items_env = bench.bench_env("sqlite", items_dir)
        items_env["STATIC_ROOT"] = env["STATIC_ROOT"]  # the same code, collected once
        name = f"map ({args.items:,} items)"
        MAP_PAGES.add(name)
        servers.append((items_env, {name: prepare_items(items_dir, items_env, args.items)}))
    results: dict[str, dict[str, Any]] = {}
    load_before = os.getloadavg()
    for number, (server_env, server_pages) in enumerate(servers):
        server = bench.Server(
            server_env, bench.RESULTS / f"server-weight-{stamp}-{number}.log", args.workers
        )
        try:
            server.wait_ready()
            base = f"http://{bench.HOST}:{server.port}"
            results.update(measure(base, server_pages, args.runs))
        finally:
            server.stop()
    load_after = os.getloadavg()
    pages = {name: path for _env, server_pages in servers for name, path in server_pages.items()}
    rows = summarise(pages, results)
    print(
        f"\nFirst visit at 390 × 844, cold cache, tiles and photos excluded "
        f"(median of {args.runs}); demo data"
        + (f" + {args.items:,} generated items" if args.items else "")
    )
    print(
        f"load average (1, 5, 15 min) before: {', '.join(f'{x:.1f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.1f}' for x in load_after)}"
    )
    print(table(rows))
    for row in rows:
        if row["outside"]:
            print(f"  {row['page']}: refused requests off the server: {row['outside']}")
        if row["large_uncompressed"]:
            print(f"  {row['page']}: sent uncompressed: {', '.join(row['large_uncompressed'])}")
    report = {
        "label": args.label,
        "started_at": stamp,
        "machine": bench.machine(),
        "code": bench.code_version(),
        "arguments": vars(args),
        "campaign_items": info.get("campaign_items"),
        "load_average_before_after": [load_before, load_after],
        "throttling": {"network": SLOW_4G, "cpu_slowdown": CPU_SLOWDOWN},
        "rows": rows,
    }
    target = bench.RESULTS / f"weight-{stamp}.json"
    target.write_text(json.dumps(report, indent=2, default=str))
    bench.log(f"results written to {target.relative_to(bench.ROOT)}")
    load.__exit__(None, None, None)
    shaped = common_report(report, started, time.time(), load.figures())
    common.print_checks(shaped)
    bench.log(f"common result written to {common.write(shaped)}")


def common_report(
    report: dict[str, Any], started: float, finished: float, load: list[float] | None
) -> dict[str, Any]:
    """The run in the common shape (bench/report.py): one table, and the budgets of issue
    #20 §3 (bytes, slow-4G DOMContentLoaded or first clusters) and §4 (data tiles)."""
    rows, checks = [], []
    for row in report["rows"]:
        is_map = row["page"] in MAP_PAGES
        rows.append(
            [
                row["page"],
                round(row["bytes"] / KB, 1),
                round(row["budget_bytes"] / KB) if row["budget_bytes"] else None,
                round((row["tile_bytes"] or 0) / KB, 1) if is_map else None,
                row["requests"],
                round(row["dcl_ms"]),
                round(row["first_clusters_ms"]) if row["first_clusters_ms"] else None,
            ]
        )
        if row["page"] == bench.BASELINE or not row["budget_bytes"]:
            continue
        name = row["page"]
        checks.append(
            common.Check(f"{name}: KB", row["bytes"] / KB, row["budget_bytes"] / KB, "KB")
        )
        if is_map:
            clusters = row["first_clusters_ms"]
            checks.append(
                common.Check(
                    f"{name}: first clusters, slow 4G",
                    clusters if clusters is not None else float("nan"),
                    CLUSTERS_BUDGET_MS,
                    "ms",
                )
            )
        else:
            checks.append(
                common.Check(
                    f"{name}: DOMContentLoaded, slow 4G", row["dcl_ms"], DCL_BUDGET_MS, "ms"
                )
            )
    baseline = next((row for row in report["rows"] if row["page"] == bench.BASELINE), None)
    return common.new_report(
        "weight",
        "sqlite",
        started=started,
        finished=finished,
        machine=report["machine"],
        code=report["code"],
        load_average=load,
        tables=[
            common.table(
                "weight.sqlite",
                common.TITLES["weight"],
                [
                    "Page",
                    "KB",
                    "budget KB",
                    "data tiles KB (view and ahead)",
                    "requests",
                    "slow 4G DCL ms",
                    "slow 4G first clusters ms",
                ],
                rows,
            )
        ],
        checks=checks,
        baseline={"name": "/healthz/", "slow_4g_dcl_ms": baseline["dcl_ms"]} if baseline else {},
        arguments=report["arguments"],
    )


if __name__ == "__main__":
    main()
