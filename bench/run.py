"""Tissage's performance benchmark: generated data, the production server, loopback load.

    uv run python bench/run.py [--scale N] [--database sqlite|postgres|both]
                               [--requests R] [--concurrency C]

For each database: a fresh database, migrate, `tissage generate --scale N`,
collectstatic, then `tissage serve --workers 2` on a free loopback port with
production settings. The pages (bench/probe.py picks them): home, project list, the
heaviest project and organisation, and the inventory pages of the largest campaign —
campaign, item list (plain, by category, by period), item, map and data pages. Every
page is measured against /healthz/ (the cheapest Django response) in the same run:
rounds of short bursts, one page at a time, in an order that changes each round, so
that a drift of the machine affects every page alike.
Results are printed and written to bench/results/ (not committed). See bench/README.md.

Longer than 500 lines on purpose: a script run from a checkout, read from top to bottom
(prepare, serve, measure, report); the other benches import `serve_and_measure` from it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as common  # the result shape every bench writes (bench/report.py)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# bench/all.py gives each bench its own database, so that several may run at once.
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_bench")
HOST = "127.0.0.1"
BASELINE = "baseline /healthz/"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- environment and setup -------------------------------------------------------------


def bench_env(database: str, data_dir: Path) -> dict[str, str]:
    """Production settings over plain HTTP on loopback (no DEBUG, a real SECRET_KEY)."""
    env = {k: v for k, v in os.environ.items() if k != "DEBUG" and not k.startswith("TISSAGE_")}
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "TISSAGE_HTTPS": "0",
            # Production settings refuse to start without it (links in emails).
            "TISSAGE_SITE_URL": f"http://{HOST}",
            "TISSAGE_DATA_DIR": str(data_dir),
            "STATIC_ROOT": str(RESULTS / "static"),
            "ALLOWED_HOSTS": HOST,
            "EMAIL_URL": "console:",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": database_url(database, data_dir),
            "PYTHONUNBUFFERED": "1",
            # Every simulated guest comes from 127.0.0.1: one connection, hundreds of
            # forms. The limit is tested on its own (core/tests/test_two_servers.py).
            "TISSAGE_FORM_RATE_LIMIT": "0",
        }
    )
    return env


def database_url(database: str, data_dir: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{data_dir / 'bench.sqlite3'}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{PG_DATABASE}"


def fresh_database(database: str, data_dir: Path) -> None:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    if database == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {PG_DATABASE}")


def tissage(*args: str, env: dict[str, str]) -> str:
    """Run one `tissage` command with the bench environment; fail loudly."""
    command = [sys.executable, "-m", "tissage.cli", *args]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"`tissage {' '.join(args)}` failed (exit {result.returncode}).")
    return result.stdout


# After a bulk load, what autovacuum would soon do (PostgreSQL): clear the dead rows and
# gather statistics. **This machine's PostgreSQL runs with autovacuum off**: with
# ANALYZE alone, the map cells — updated in place by the triggers at each of 100,000
# inserts — kept 1.9 million dead rows, and reading a campaign's 833 coarsest cells took
# 13 ms instead of 2.5. Production servers keep PostgreSQL's default (autovacuum on).
# SQLite: ANALYZE (no dead rows to clear; VACUUM would rewrite the file).
SETTLE = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
"""


def settle(env: dict[str, str]) -> None:
    """After a bulk load: VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite (`SETTLE`)."""
    tissage("shell", "-c", SETTLE, env=env)


def prepare(database: str, scale: int, data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    log(f"{database}: fresh database")
    fresh_database(database, data_dir)
    log(f"{database}: migrate")
    tissage("migrate", "--noinput", "-v", "0", env=env)
    log(f"{database}: generate --scale {scale}")
    started = time.perf_counter()
    output = tissage("generate", "--scale", str(scale), env=env)
    generate_seconds = time.perf_counter() - started
    print(output, end="")
    if database == "postgres":
        settle(env)  # `generate` runs ANALYZE; the dead rows are autovacuum's work
    if not (ROOT / "tissage" / "assets" / "vendor" / "htmx.min.js").exists():
        log("front-end files missing: tissage assets")
        tissage("assets", env=env)
    log(f"{database}: collectstatic")
    tissage("collectstatic", "--noinput", "-v", "0", env=env)
    log(f"{database}: probing pages (query counts)")
    probe = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "probe.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        sys.stderr.write(probe.stderr)
        raise SystemExit("bench/probe.py failed.")
    info: dict[str, Any] = json.loads(probe.stdout)
    info["generate_seconds"] = round(generate_seconds, 1)
    info["generate_output"] = output
    return info


# --- the server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    """`tissage serve` in its own process group, always stopped on the way out."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int) -> None:
        self.port = free_port()
        self.log_file = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tissage.cli",
                "serve",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"The server stopped (exit {self.process.returncode}).")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz/", headers={"Host": HOST})
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("The server did not answer /healthz/ in time.")

    def stop(self) -> None:
        if self.process.poll() is None:
            # gunicorn's master stops its workers gracefully on SIGTERM.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


# --- load ------------------------------------------------------------------------------


@dataclass
class PageResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    busy_seconds: float = 0.0  # wall time of this page's bursts
    bytes: int = 0


ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def decoded(body: bytes, coding: str | None) -> bytes:
    """An answer's body as the browser reads it, whatever coding the server chose."""
    coding = (coding or "").strip().lower()
    if coding == "gzip":
        import gzip

        return gzip.decompress(body)
    if coding == "br":
        import brotli

        return bytes(brotli.decompress(body))
    if coding == "zstd":
        from backports import zstd

        return bytes(zstd.decompress(body))
    return body


def burst(
    port: int,
    path: str,
    count: int,
    concurrency: int,
    result: PageResult,
    extra_headers: dict[str, str] | None = None,
) -> None:
    """`count` GETs of one path from `concurrency` threads, each on its own connection
    (`extra_headers`: e.g. the session cookie of a page for a role).

    Connections are kept alive when the server allows it; gunicorn's sync workers close
    after each response, and http.client then reconnects (counted in the latency).
    """
    lock = threading.Lock()
    remaining = [count]

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        # What Chromium sends: the answers come compressed as a browser gets them (their
        # bytes on the wire in the KB column, the compressing in the latency).
        headers = {
            "Host": HOST,
            "Accept-Language": "fr",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": "tissage-bench",
        }
        headers.update(extra_headers or {})
        try:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    ok = response.status == 200
                    if response.will_close:
                        connection.close()
                except (OSError, http.client.HTTPException):
                    ok, body = False, b""
                    connection.close()
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        result.latencies.append(elapsed)
                        result.bytes = len(body)
                    else:
                        result.errors += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.busy_seconds += time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `fraction` of the
    values at or below it (p95 of 20 values: the 19th; of 10: the 10th, their maximum)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    # Rounded first: 0.95 × 20 is 19.000000000000004 in floating point.
    rank = math.ceil(round(fraction * len(ordered), 9))
    return ordered[min(len(ordered), max(1, rank)) - 1]


def measure(
    port: int,
    urls: dict[str, str],
    requests: int,
    concurrency: int,
    rounds: int,
    max_seconds: float,
    warmup: int,
    extra_headers: dict[str, str] | None = None,
) -> tuple[dict[str, PageResult], bool]:
    """Each page of one server in shuffled rounds of bursts (`measure_together`)."""
    targets = {name: (port, path) for name, path in urls.items()}
    return measure_together(
        targets,
        requests,
        concurrency,
        max_seconds,
        warmup,
        rounds=rounds,
        extra_headers=extra_headers,
    )


def summarise(results: dict[str, PageResult], urls: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, result in results.items():
        ok = len(result.latencies)
        rows.append(
            {
                "page": name,
                "url": urls[name],
                "requests": ok + result.errors,
                "errors": result.errors,
                "bytes": result.bytes,
                "throughput": ok / result.busy_seconds if result.busy_seconds else 0.0,
                "p50_ms": percentile(result.latencies, 0.50) * 1000,
                "p95_ms": percentile(result.latencies, 0.95) * 1000,
                "max_ms": max(result.latencies, default=float("nan")) * 1000,
            }
        )
    base = next(row for row in rows if row["page"] == BASELINE)
    for row in rows:
        row["throughput_ratio"] = row["throughput"] / base["throughput"]
        row["p95_ratio"] = row["p95_ms"] / base["p95_ms"]
    return rows


def table(rows: list[dict[str, Any]], profile: dict[str, Any]) -> str:
    header = (
        f"{'page':<26} {'req':>5} {'err':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'thr/base':>9} {'p95/base':>9} {'queries':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        queries = profile.get(row["page"], {}).get("queries", "")
        lines.append(
            f"{row['page']:<26} {row['requests']:>5} {row['errors']:>4} "
            f"{row['throughput']:>8.1f} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} "
            f"{row['throughput_ratio']:>9.3f} {row['p95_ratio']:>9.1f} {queries:>8}"
        )
    return "\n".join(lines)


def latency_table(rows: list[dict[str, Any]], width: int = 30) -> str:
    """p50/p95, ratio to the baseline and payload per request (bench/map.py, agenda.py)."""
    header = (
        f"{'request':<{width}} {'req':>5} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p95/base':>9} {'KB':>7}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['page']:<{width}.{width}} {row['requests']:>5} {row['errors']:>4} "
            f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['p95_ratio']:>9.1f} "
            f"{row['bytes'] / 1024:>7.1f}"
        )
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------


@dataclass
class Measured:
    """What `serve_and_measure` gives back: table rows, how many requests were completed,
    and the load average before and after (other work on the machine skews figures)."""

    rows: list[dict[str, Any]]
    completed: Any
    load_before: float
    load_after: float
    load_max: float = float("nan")  # the highest of the samples read every second
    after: Any = None  # what `serve_and_measure_sizes`'s `after` returned for this size

    def report(self, title: str) -> None:
        print(f"\n{title}")
        print(
            f"load average (1 min) before/after/max: {self.load_before:.1f} / "
            f"{self.load_after:.1f} / {self.load_max:.1f}"
        )
        print(latency_table(self.rows))


def serve_and_measure(
    env: dict[str, str],
    urls: dict[str, str],
    args: argparse.Namespace,
    log_name: str,
    *,
    warmup: int = 5,
    extra_headers: dict[str, str] | None = None,
) -> Measured:
    """Start the production server, measure `urls` against the baseline in rounds (args:
    requests, concurrency, workers, max_seconds), stop the server. `extra_headers` go with
    every request, the baseline's included."""
    server = Server(env, RESULTS / log_name, args.workers)
    try:
        server.wait_ready()
        log("measuring")
        with common.LoadSampler(record=True) as load:
            results, completed = measure(
                server.port,
                urls,
                args.requests,
                args.concurrency,
                rounds=5,
                max_seconds=args.max_seconds,
                warmup=warmup,
                extra_headers=extra_headers,
            )
    finally:
        server.stop()
    return Measured(summarise(results, urls), completed, load.start, load.end, load.max)


def measure_together(
    targets: dict[Any, tuple[int, str]],
    requests: int,
    concurrency: int,
    max_seconds: float,
    warmup: int,
    *,
    rounds: int = 5,
    extra_headers: dict[str, str] | None = None,
) -> tuple[dict[Any, PageResult], bool]:
    """`measure` over several servers (each target is a port and a path): every target
    is measured in the same shuffled rounds of bursts, so that all of them share any
    drift of the machine (other work on it), and ratios between servers (a page at two
    sizes of data) stay comparable."""
    results = {key: PageResult() for key in targets}
    for port, path in targets.values():  # warm every worker: templates, connections, caches
        burst(port, path, warmup, concurrency, PageResult(), extra_headers)
    per_round = max(1, -(-requests // rounds))
    rng = random.Random(0)
    deadline = time.monotonic() + max_seconds
    keys = list(targets)
    completed = True
    for number in range(rounds):
        rng.shuffle(keys)
        for key in keys:
            if time.monotonic() > deadline:
                completed = False
                break
            port, path = targets[key]
            done = len(results[key].latencies) + results[key].errors
            count = min(per_round, requests - done)
            if count > 0:
                burst(port, path, count, concurrency, results[key], extra_headers)
        if not completed:
            log(f"time limit of {max_seconds:.0f} s reached after {number} full rounds")
            break
    return results, completed


def serve_and_measure_sizes(
    envs: dict[int, dict[str, str]],
    urls: dict[int, dict[str, str]],
    args: argparse.Namespace,
    log_name: Any,
    *,
    warmup: int = 5,
    after: Callable[[int, int], Any] | None = None,
) -> dict[int, Measured]:
    """`serve_and_measure` for several sizes of data at once: a server per size (its
    environment in `envs`, its log `log_name(size)`), every page of every size measured in
    the same rounds (`measure_together`), so that the ratio of a page's p95 at two sizes
    is not the machine's drift between two measures. `after(size, port)`, when given, is
    asked of each size's server once measured (the map's view weights); what it returns
    is that size's `Measured.after`."""
    servers: dict[int, Server] = {}
    asked: dict[int, Any] = {}
    try:
        for size, env in envs.items():
            servers[size] = Server(env, RESULTS / log_name(size), args.workers)
        for server in servers.values():
            server.wait_ready()
        log(f"measuring {len(servers)} sizes together")
        targets = {
            (size, name): (servers[size].port, path)
            for size, pages in urls.items()
            for name, path in pages.items()
        }
        with common.LoadSampler(record=True) as load:
            results, completed = measure_together(
                targets, args.requests, args.concurrency, args.max_seconds, warmup
            )
        if after is not None:
            asked = {size: after(size, server.port) for size, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()
    return {
        size: Measured(
            summarise({name: results[(size, name)] for name in pages}, pages),
            completed,
            load.start,
            load.end,
            load.max,
            asked.get(size),
        )
        for size, pages in urls.items()
    }


def size_runs(
    measured: dict[int, Measured], unit: str, title: Callable[[int], str]
) -> list[dict[str, Any]]:
    """Each size's table printed (`title(size)`) and its run as the benches write it:
    `{unit: size, "rows", "completed", "load_average_before_after"}`."""
    runs = []
    for size, result in measured.items():
        result.report(title(size))
        runs.append(
            {
                unit: size,
                "rows": result.rows,
                "completed": result.completed,
                "load_average_before_after": [result.load_before, result.load_after],
            }
        )
    return runs


def code_version() -> dict[str, Any]:
    """Which code was measured: the commit, and whether the tree had local changes."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {"commit": git("rev-parse", "HEAD"), "local_changes": bool(git("status", "--porcelain"))}


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "cpu_model": model,
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict[str, Any]:
    data_dir = RESULTS / f"data-{database}"
    env = bench_env(database, data_dir)
    info = prepare(database, args.scale, data_dir, env)
    urls: dict[str, str] = info["urls"]
    server = Server(env, RESULTS / f"server-{database}-{stamp}.log", args.workers)
    try:
        server.wait_ready()
        log(f"{database}: serving on {HOST}:{server.port}; measuring {len(urls)} pages")
        # Other work on the machine skews the figures: the load average says if there was.
        with common.LoadSampler(record=True) as load:
            results, completed = measure(
                server.port,
                urls,
                args.requests,
                args.concurrency,
                args.rounds,
                args.max_seconds,
                args.warmup,
            )
        load_before, load_after = load.start, load.end
    finally:
        server.stop()
        log(f"{database}: server stopped")
    rows = summarise(results, urls)
    print(
        f"\n{database} — scale {args.scale}, concurrency {args.concurrency}, {args.workers} workers"
    )
    print(table(rows, info["profile"]))
    print(f"load average (1 min) before/after the measure: {load_before:.1f} / {load_after:.1f}")
    print()
    return {
        **info,
        "rows": rows,
        "completed": completed,
        "load_average_before_after": [load_before, load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=300, help="per page (default 300)")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (default 2)")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per page (default 5)")
    parser.add_argument("--warmup", type=int, default=20, help="requests per page, not counted")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--max-seconds", type=float, default=300, help="time limit of the measure, per database"
    )
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 64 or not 1 <= args.requests <= 100_000:
        parser.error("keep --concurrency within 1..64 and --requests within 1..100000")

    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the server is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    report: dict[str, Any] = {
        "started_at": stamp,
        "machine": machine(),
        "code": code_version(),
        "arguments": vars(args),
        "databases": {},
    }
    runs = []
    for database in databases:
        runs.append(measured_run(run_database, database, args, stamp))
        runs[-1][0].setdefault("scale", args.scale)
        report["databases"][database] = runs[-1][0]
    path = RESULTS / f"bench-{stamp}-scale{args.scale}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    log(f"results written to {path.relative_to(ROOT)}")
    write_common("pages", args, runs, report["machine"], report["code"])


def run_each_database(kind: str, args: Any, run_database: Any) -> None:
    """The `main` of the benches beside this one: `run_database(database, args, stamp)`
    on each database asked (`--database`), the machine and the code with them, written
    to `results/<kind>-<stamp>.json`."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    runs = [measured_run(run_database, database, args, stamp) for database in databases]
    report = {
        "machine": machine(),
        "code": code_version(),
        "runs": [run for run, *_ in runs],
    }
    target = RESULTS / f"{kind}-{stamp}.json"
    target.write_text(json.dumps(report, indent=2, default=str))
    log(f"results written to {target}")
    write_common(kind, args, runs, report["machine"], report["code"])


Run = tuple[dict[str, Any], float, float, list[float] | None]


def measured_run(run_database: Any, database: str, args: Any, stamp: str) -> Run:
    """`run_database` with its start, end and load average: [at the start of the run,
    at its end, highest sampled in between] — the start says whether other work loaded
    the machine before the bench did. Each measure's own [start, end, max] (recorded by
    `serve_and_measure`) goes with the result as `load_average_measures`."""
    common.WINDOWS.clear()
    started = time.time()
    with common.LoadSampler() as whole:
        result = run_database(database, args, stamp)
    result.setdefault("database", database)
    finished = time.time()
    if common.WINDOWS:
        result.setdefault("load_average_measures", [w.figures() for w in common.WINDOWS])
    return result, started, finished, whole.figures()


def write_common(kind: str, args: Any, runs: list[Run], machine: Any, code: Any) -> None:
    """Each database's result in the common shape (bench/report.py), its budgets printed."""
    for result, started, finished, load in runs:
        shaped = common.from_legacy(
            kind,
            result,
            started=started,
            finished=finished,
            machine=machine,
            code=code,
            load_average=load,
            arguments=vars(args),
        )
        target = common.write(shaped)
        common.print_checks(shaped)
        log(f"common result written to {target}")


if __name__ == "__main__":
    main()
