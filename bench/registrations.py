"""Benchmark registrations for an action under concurrent load, against the baseline.

    uv run python bench/registrations.py [--database postgres|sqlite|both]
                                         [--registrations 600] [--concurrency 8]
                                         [--workers 2] [--threads 1] [--worker-during]

Each simulated person opens the action page with a client of their own (no cookie: they
get the CSRF cookie and token), then posts the registration form with their own address,
as a browser does. Three phases:

- throughput: a role with places for everyone; prints the flow's registrations per
  second (GET then POST, wall time), the p50/p95 of the GET and of the POST, against
  `/healthz/` measured in the same run, and the load average before and after;
- contention: a role with 25 places, 200 people at once; checks that exactly 25 are
  confirmed and the others wait (the database is read at the end);
- nothing lost: the emails are written by the worker (`tissage worker`), after the
  rush (or during it, `--worker-during`); every registration must have its email,
  once, and every email be sent.

The PostgreSQL database is `tissage_bench_registrations` (BENCH_PG_DATABASE), dropped
and made again; SQLite goes to bench/results/registrations-data-sqlite/. Writes JSON
under bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

bench.PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_bench_registrations")

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
from collections import Counter
from tissage.actions.models import Registration
from tissage.core.models import OutgoingEmail
for slug in ("bench-debit", "bench-affluence"):
    regs = Registration.objects.filter(action__slug=slug)
    confirmed = regs.filter(status="confirmed").count()
    print("counts", slug, confirmed, regs.filter(status="waiting").count())
keys = Counter(
    int(key.split("-")[2])
    for key in OutgoingEmail.objects.filter(key__startswith="actions-registration-")
    .values_list("key", flat=True)
)
ids = set(Registration.objects.values_list("pk", flat=True))
sent = OutgoingEmail.objects.filter(status="sent").count()
print("emails", len(ids), len(ids - set(keys)), sum(1 for n in keys.values() if n > 1), sent)
"""
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def register(port: int, slug: str, role: str, number: int) -> tuple[bool, float, float]:
    """GET the page, then POST the form, as a new visitor: (ok, seconds of the GET,
    seconds of the POST)."""
    connection = http.client.HTTPConnection(bench.HOST, port, timeout=60)
    headers = {
        "Host": bench.HOST,
        "User-Agent": "tissage-bench",
        "Accept-Language": "fr",
        "Accept-Encoding": bench.ACCEPT_ENCODING,  # the page comes compressed, as to a browser
    }
    path = f"/actions/{slug}/"
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        page = bench.decoded(response.read(), response.getheader("Content-Encoding")).decode()
        got = time.perf_counter() - started
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        token = TOKEN_RE.search(page)
        if response.status != 200 or not token or not cookie:
            return False, 0.0, 0.0
        if response.will_close:
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
        return answer.status == 302, got, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return False, 0.0, 0.0
    finally:
        connection.close()


def load(port: int, slug: str, role: str, count: int, concurrency: int, offset: int) -> dict:
    lock = threading.Lock()
    numbers = list(range(offset, offset + count))
    gets: list[float] = []
    posts: list[float] = []
    errors = [0]
    start_together = threading.Barrier(concurrency)

    def worker() -> None:
        start_together.wait()
        while True:
            with lock:
                if not numbers:
                    return
                number = numbers.pop()
            ok, got, posted = register(port, slug, role, number)
            with lock:
                if ok:
                    gets.append(got)
                    posts.append(posted)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "registrations": len(posts),
        "errors": errors[0],
        "seconds": round(wall, 2),
        "per_second": round(len(posts) / wall, 1) if wall else 0,
        "get_p50_ms": round(bench.percentile(gets, 0.5) * 1000, 1),
        "get_p95_ms": round(bench.percentile(gets, 0.95) * 1000, 1),
        "p50_ms": round(bench.percentile(posts, 0.5) * 1000, 1),
        "p95_ms": round(bench.percentile(posts, 0.95) * 1000, 1),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time of these processes so far (from /proc: a load-independent
    measure of the work, where wall times depend on what else the machine runs)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def server_pids(server: bench.Server) -> set[int]:
    """gunicorn's master and workers: the server's process group."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == server.process.pid:  # process group
            pids.add(int(stat.parent.name))
    return pids


def database_pids(database: str) -> set[int]:
    """The PostgreSQL backends serving the bench's database (persistent connections)."""
    if database != "postgres":
        return set()
    import psycopg

    with psycopg.connect(bench.PG_ADMIN_URL, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [bench.PG_DATABASE]
        ).fetchall()
    return {row[0] for row in rows}


class Worker:
    """`tissage worker` beside the server (`--worker-during`), stopped on the way out."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.log_file = log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tissage.cli", "worker", "--no-reload"],
            env=env,
            cwd=bench.ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"registrations-data-{database}"
    env = bench.bench_env(database, data_dir)
    if args.threads > 1:
        env["TISSAGE_WEB_THREADS"] = str(args.threads)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    output = bench.tissage("shell", "-c", SETUP, env=env)
    roles = dict(line.split() for line in output.splitlines() if line.startswith("bench-"))
    log_path = bench.RESULTS / f"server-registrations-{database}-{stamp}.log"
    server = bench.Server(env, log_path, args.workers)
    worker = None
    try:
        server.wait_ready()
        if args.worker_during:
            worker = Worker(env, bench.RESULTS / f"worker-registrations-{database}-{stamp}.log")
        baseline = bench.PageResult()
        bench.burst(server.port, "/healthz/", 40, args.concurrency, bench.PageResult())
        # Warm every gunicorn worker on the page (templates, connections), not counted.
        load(server.port, "bench-debit", roles["bench-debit"], 40, args.concurrency, 900000)
        bench.burst(server.port, "/healthz/", args.registrations, args.concurrency, baseline)
        bench.log(f"{database}: {args.registrations} registrations, {args.concurrency} at a time")
        # CPU of the server and of its database backends (persistent connections): a
        # figure the load of the machine moves little, where wall times move a lot.
        gunicorn = server_pids(server)
        before = cpu_seconds(gunicorn), cpu_seconds(database_pids(database))
        client_before = time.process_time()
        throughput = load(
            server.port,
            "bench-debit",
            roles["bench-debit"],
            args.registrations,
            args.concurrency,
            0,
        )
        done = max(throughput["registrations"], 1) / 1000
        # The simulated people run on the same cores: what they take, the server lacks.
        throughput["cpu_ms_client"] = round((time.process_time() - client_before) / done, 1)
        throughput["cpu_ms_server"] = round((cpu_seconds(gunicorn) - before[0]) / done, 1)
        throughput["cpu_ms_database"] = round(
            (cpu_seconds(database_pids(database)) - before[1]) / done, 1
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
        if worker is not None:
            worker.stop()
        server.stop()
    bench.log(f"{database}: the worker writes and sends the emails")
    started = time.perf_counter()
    bench.tissage("worker", "--batch", "--no-reload", "--no-startup-delay", env=env)
    drain_seconds = time.perf_counter() - started
    lines = bench.tissage("shell", "-c", COUNTS, env=env).splitlines()
    counts = {
        slug: (int(confirmed), int(waiting))
        for _word, slug, confirmed, waiting in (
            line.split() for line in lines if line.startswith("counts ")
        )
    }
    emails_line = next(line for line in lines if line.startswith("emails "))
    registered, missing, twice, sent = (int(value) for value in emails_line.split()[1:])
    base_p95 = bench.percentile(baseline.latencies, 0.95) * 1000
    result = {
        "database": database,
        "workers": args.workers,
        "threads": args.threads,
        "concurrency": args.concurrency,
        "worker_during": args.worker_during,
        "baseline_p95_ms": round(base_p95, 1),
        "baseline_per_second": round(len(baseline.latencies) / baseline.busy_seconds, 1),
        "throughput": {
            **throughput,
            "p95_over_baseline": round(throughput["p95_ms"] / base_p95, 1),
        },
        "contention": contention,
        "counts": counts,
        "emails": {
            "registrations": registered,
            "without_email": missing,
            "emailed_twice": twice,
            "sent": sent,
            "worker_after_seconds": round(drain_seconds, 1),
        },
    }
    confirmed, waiting = counts["bench-affluence"]
    print(
        f"\n{database} ({args.workers} workers × {args.threads} threads, {args.concurrency} "
        f"people at a time{', worker during the rush' if args.worker_during else ''}):\n"
        f"  baseline /healthz/ p95 {result['baseline_p95_ms']} ms, "
        f"{result['baseline_per_second']} req/s\n"
        f"  flow GET+POST: {throughput['registrations']} registrations in "
        f"{throughput['seconds']} s = {throughput['per_second']}/s, "
        f"{throughput['errors']} errors\n"
        f"  GET p50 {throughput['get_p50_ms']} ms, p95 {throughput['get_p95_ms']} ms; "
        f"POST p50 {throughput['p50_ms']} ms, p95 {throughput['p95_ms']} ms "
        f"({result['throughput']['p95_over_baseline']}× baseline)\n"
        f"  CPU per registration (GET+POST): {throughput['cpu_ms_server']} ms in gunicorn, "
        f"{throughput['cpu_ms_database']} ms in the database's backends, "
        f"{throughput['cpu_ms_client']} ms in this bench's simulated people\n"
        f"  load average before/after: {throughput['load_average_before_after']}\n"
        f"  contention: {contention['registrations']} answered, {contention['errors']} errors, "
        f"{confirmed} confirmed and {waiting} waiting for 25 places "
        f"({'OK' if confirmed == 25 and confirmed + waiting == 200 else 'WRONG'})\n"
        f"  emails: {registered} registrations, {missing} without email, {twice} twice, "
        f"{sent} sent; the worker took {drain_seconds:.1f} s after the rush "
        f"({'OK' if missing == twice == 0 and sent >= registered else 'WRONG'})"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--registrations", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-during", action="store_true", help="run `tissage worker` during the rush"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.RESULTS.mkdir(exist_ok=True)
    if not (bench.ROOT / "tissage" / "assets" / "vendor" / "htmx.min.js").exists():
        subprocess.run([sys.executable, "-m", "tissage.cli", "assets"], cwd=bench.ROOT, check=True)
    # The harness writes the JSON ({"machine", "code", "runs"}) and the common result.
    bench.run_each_database("registrations", args, run_database)


if __name__ == "__main__":
    main()
