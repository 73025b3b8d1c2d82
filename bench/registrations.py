"""Benchmark registrations for an action under concurrent load, against the baseline.

    uv run python bench/registrations.py [--database postgres|sqlite|both]
                                         [--registrations 400] [--concurrency 8]

Each simulated person opens the action page (for the CSRF cookie and token), then posts
the registration form with their own address, as a browser does. Two phases:

- throughput: a role with places for everyone; prints registrations per second and
  the p50/p95 of the POST against `/healthz/` measured in the same run;
- contention: a role with 25 places, everyone at once; checks that exactly 25 are
  confirmed and the others wait (the database is read at the end).

Writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

SETUP = """
import datetime
from django.utils import timezone
from tissage.actions.manage.services import RoleInput, action_create
from tissage.core.tests.factories import ProjectFactory
project = ProjectFactory(status="published")
start = timezone.now() + datetime.timedelta(days=14)
for slug, places in (("bench-debit", 30000), ("bench-affluence", 25)):
    action = action_create(project=project, title=slug, slug=slug, starts_at=start,
        ends_at=start + datetime.timedelta(hours=3), roles=[RoleInput("Planter", places)],
        status="published")
    print(slug, action.roles.get().pk)
"""
COUNTS = """
from tissage.actions.models import Registration
for slug in ("bench-debit", "bench-affluence"):
    regs = Registration.objects.filter(action__slug=slug)
    confirmed = regs.filter(status="confirmed").count()
    print("counts", slug, confirmed, regs.filter(status="waiting").count())
"""
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def register(port: int, slug: str, role: str, number: int) -> tuple[bool, float]:
    """GET the page, then POST the form; returns (ok, seconds taken by the POST)."""
    connection = http.client.HTTPConnection(bench.HOST, port, timeout=60)
    headers = {"Host": bench.HOST, "User-Agent": "tissage-bench"}
    path = f"/actions/{slug}/"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        token = TOKEN_RE.search(page)
        if response.status != 200 or not token or not cookie:
            return False, 0.0
        connection.close()
        connection = http.client.HTTPConnection(bench.HOST, port, timeout=60)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "name": f"Personne {number}",
                "email": f"personne{number}@bench.example",
                "role": role,
                "companions": "0",
            }
        )
        started = time.perf_counter()
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        answer = connection.getresponse()
        answer.read()
        return answer.status == 302, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return False, 0.0
    finally:
        connection.close()


def load(port: int, slug: str, role: str, count: int, concurrency: int, offset: int) -> dict:
    lock = threading.Lock()
    numbers = list(range(offset, offset + count))
    latencies: list[float] = []
    errors = [0]
    start_together = threading.Barrier(concurrency)

    def worker() -> None:
        start_together.wait()
        while True:
            with lock:
                if not numbers:
                    return
                number = numbers.pop()
            ok, seconds = register(port, slug, role, number)
            with lock:
                if ok:
                    latencies.append(seconds)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "registrations": len(latencies),
        "errors": errors[0],
        "seconds": round(wall, 2),
        "per_second": round(len(latencies) / wall, 1) if wall else 0,
        "p50_ms": round(bench.percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(bench.percentile(latencies, 0.95) * 1000, 1),
    }


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"registrations-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    output = bench.tissage("shell", "-c", SETUP, env=env)
    roles = dict(line.split() for line in output.splitlines() if line.startswith("bench-"))
    log_path = bench.RESULTS / f"server-registrations-{database}-{stamp}.log"
    server = bench.Server(env, log_path, args.workers)
    try:
        server.wait_ready()
        baseline = bench.PageResult()
        bench.burst(server.port, "/healthz/", 40, args.concurrency, bench.PageResult())
        bench.burst(server.port, "/healthz/", args.registrations, args.concurrency, baseline)
        bench.log(f"{database}: {args.registrations} registrations, {args.concurrency} at a time")
        throughput = load(
            server.port,
            "bench-debit",
            roles["bench-debit"],
            args.registrations,
            args.concurrency,
            0,
        )
        bench.log(f"{database}: contention, 25 places, 200 people")
        contention = load(
            server.port,
            "bench-affluence",
            roles["bench-affluence"],
            200,
            args.concurrency,
            100000,
        )
    finally:
        server.stop()
    counts = {
        slug: (int(confirmed), int(waiting))
        for _word, slug, confirmed, waiting in (
            line.split()
            for line in bench.tissage("shell", "-c", COUNTS, env=env).splitlines()
            if line.startswith("counts ")
        )
    }
    base_p95 = bench.percentile(baseline.latencies, 0.95) * 1000
    result = {
        "database": database,
        "baseline_p95_ms": round(base_p95, 1),
        "baseline_per_second": round(len(baseline.latencies) / baseline.busy_seconds, 1),
        "throughput": {
            **throughput,
            "p95_over_baseline": round(throughput["p95_ms"] / base_p95, 1),
        },
        "contention": contention,
        "counts": counts,
    }
    confirmed, waiting = counts["bench-affluence"]
    print(
        f"\n{database}: baseline /healthz/ p95 {result['baseline_p95_ms']} ms, "
        f"{result['baseline_per_second']} req/s\n"
        f"  registrations: {throughput['registrations']} in {throughput['seconds']} s = "
        f"{throughput['per_second']}/s, POST p50 {throughput['p50_ms']} ms, "
        f"p95 {throughput['p95_ms']} ms ({result['throughput']['p95_over_baseline']}× baseline), "
        f"{throughput['errors']} errors\n"
        f"  contention: {contention['registrations']} answered, {contention['errors']} errors, "
        f"{confirmed} confirmed and {waiting} waiting for 25 places "
        f"({'OK' if confirmed == 25 and confirmed + waiting == 200 else 'WRONG'})"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--registrations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    bench.RESULTS.mkdir(exist_ok=True)
    if not (bench.ROOT / "tissage" / "assets" / "vendor" / "htmx.min.js").exists():
        subprocess.run([sys.executable, "-m", "tissage.cli", "assets"], cwd=bench.ROOT, check=True)
    # The harness writes the JSON ({"machine", "code", "runs"}) and the common result.
    bench.run_each_database("registrations", args, run_database)


if __name__ == "__main__":
    main()
