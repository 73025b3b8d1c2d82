"""Benchmark the agenda, the action page and the feeds at two numbers of actions,
against the baseline view.

    uv run python bench/agenda.py [--actions 1000 10000] [--database sqlite|postgres|both]

For each database and each size: a fresh database with N published upcoming actions
(two roles each, some registrations) spread over 20 projects and 50 communes, then the
production server per size, both measured in the same rounds (so that the ratio between
sizes is not the machine's drift), each with `/healthz/`: the agenda (first page, a far
page, filtered by project, commune and kind), one action page, the iCalendar feeds
(the platform's, a project's, a commune's) and a project's Atom news feed. Prints
p50/p95 and the ratio of p95 to the baseline per size, then the ratio of each p95 at
the large size to the small one (≤ 1.5: flat). Writes JSON under bench/results/.

The PostgreSQL databases are `tissage_pages_agenda_<N>` (BENCH_PG_DATABASE), dropped and
made again; SQLite goes to bench/results/agenda-data-sqlite-<N>/.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "tissage_pages_agenda")

SETUP = """
import datetime, random
from django.utils import timezone
from tissage.actions.models import Action, Registration, Role
from tissage.core.tests.factories import CommuneFactory, OrganisationFactory, ProjectFactory
rng = random.Random(4)
organisation = OrganisationFactory()
projects = [ProjectFactory(organisation=organisation, status="published", slug=f"bench-{n}")
            for n in range(20)]
communes = [CommuneFactory(insee_code=f"26{n:03d}") for n in range(50)]
now = timezone.now().replace(minute=0, second=0, microsecond=0)
kinds = [k for k, _ in Action.Kind.choices]
actions = []
for n in range(COUNT):
    start = now + datetime.timedelta(days=1 + n * 365 // COUNT, hours=rng.randrange(8, 18))
    actions.append(Action(project=rng.choice(projects), kind=rng.choice(kinds),
        title=f"Chantier {n}", slug=f"chantier-{n}", starts_at=start,
        ends_at=start + datetime.timedelta(hours=3), commune=rng.choice(communes),
        address="Place de la mairie", status="published",
        longitude=5.0 + rng.random(), latitude=44.5 + rng.random()))
Action.objects.bulk_create(actions, batch_size=2000)
actions = list(Action.objects.order_by("pk"))
Role.objects.bulk_create([Role(action=a, name=name, places=places, position=i)
    for a in actions for i, (name, places) in enumerate((("Planter", 12), ("Accueil", 2)))],
    batch_size=4000)
roles = {r.action_id: r for r in Role.objects.filter(position=0)}
Registration.objects.bulk_create([Registration(action=a, role=roles[a.pk],
    email=f"p{a.pk}-{i}@bench.example", name=f"P{i}", status="confirmed")
    for a in actions[: COUNT // 2] for i in range(rng.randrange(0, 6))], batch_size=4000)
print("action", actions[COUNT // 3].slug)
print("commune", communes[7].insee_code)
"""


def size_ratios(database: str, runs: list[dict[str, Any]], unit: str) -> dict[str, float]:
    """Print and return each request's p95 at the large size ÷ its p95 at the small one."""
    if len(runs) != 2:
        return {}
    small, large = ({row["page"]: row for row in run["rows"]} for run in runs)
    print(f"\n{database}: p95 at {runs[1][unit]:,} {unit} ÷ p95 at {runs[0][unit]:,} {unit}")
    ratios = {}
    for page, row in large.items():
        if page in small and small[page]["p95_ms"]:
            ratios[page] = row["p95_ms"] / small[page]["p95_ms"]
            flag = "" if ratios[page] <= 1.5 else "   (> 1.5: grows)"
            print(f"  {page:<30} {ratios[page]:>6.2f}{flag}")
    return ratios


def load(database: str, count: int, env: dict[str, str]) -> dict[str, str]:
    data_dir = Path(env["TISSAGE_DATA_DIR"])
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {count:,} actions")
    started = time.perf_counter()
    output = bench.tissage("shell", "-c", SETUP.replace("COUNT", str(count)), env=env)
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    # As autovacuum would after a bulk load on PostgreSQL (dead rows cleared, fresh
    # statistics), and as `tissage generate` leaves the statistics on both.
    bench.settle(env)
    return dict(
        line.split() for line in output.splitlines() if line.startswith(("action ", "commune "))
    )


def pages(found: dict[str, str]) -> dict[str, str]:
    return {
        bench.BASELINE: "/healthz/",
        "agenda": "/actions/",
        "agenda page 40": "/actions/?page=40",
        "agenda by project": "/actions/?project=bench-3",
        "agenda by commune": f"/actions/?commune={found['commune']}",
        "agenda by kind": "/actions/?kind=meeting",
        "action page": f"/actions/{found['action']}/",
        "platform feed (.ics)": "/actions/calendrier.ics",
        "project feed (.ics)": "/actions/calendrier/projet/bench-3.ics",
        "commune feed (.ics)": f"/actions/calendrier/commune/{found['commune']}.ics",
        "project news (.atom)": "/projets/bench-3/actualites.atom",
    }


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    loaded = {}
    for count in args.actions:
        # A database per size, both served at once (PostgreSQL: `<name>_<actions>`).
        bench.PG_DATABASE = f"{PG_DATABASE}_{count}"
        env = bench.bench_env(database, bench.RESULTS / f"agenda-data-{database}-{count}")
        loaded[count] = (env, load(database, count, env))
    measured = bench.serve_and_measure_sizes(
        {count: env for count, (env, _found) in loaded.items()},
        {count: pages(found) for count, (_env, found) in loaded.items()},
        args,
        lambda count: f"server-agenda-{database}-{count}-{stamp}.log",
    )
    runs = bench.size_runs(
        measured,
        "actions",
        lambda count: f"{database} — {count:,} actions, concurrency {args.concurrency}",
    )
    return {
        "database": database,
        "sizes": runs,
        "p95_ratio_large_to_small": size_ratios(database, runs, "actions"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("agenda", args, run_database)


if __name__ == "__main__":
    main()
