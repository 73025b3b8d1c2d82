"""Benchmark the agenda of actions with many actions, against the baseline view.

    uv run python bench/agenda.py [--actions 10000] [--database sqlite|postgres|both]

Loads N published upcoming actions (two roles each, some registrations) spread over
20 projects and 50 communes, then measures the agenda (first page, a far page, filtered
by project, commune and kind), one action page and one project's iCalendar feed, with
p50/p95 and the ratio of p95 to `/healthz/` measured in the same run. Writes JSON under
bench/results/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

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


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"agenda-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {args.actions} actions")
    started = time.perf_counter()
    output = bench.tissage("shell", "-c", SETUP.replace("COUNT", str(args.actions)), env=env)
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    if database == "postgres":
        # Fresh statistics after a bulk load, as autovacuum would soon gather them.
        bench.tissage("dbshell", "--", "-c", "ANALYZE", env=env)
    found = dict(
        line.split() for line in output.splitlines() if line.startswith(("action ", "commune "))
    )
    urls = {
        bench.BASELINE: "/healthz/",
        "agenda": "/actions/",
        "agenda page 50": "/actions/?page=50",
        "agenda by project": "/actions/?project=bench-3",
        "agenda by commune": f"/actions/?commune={found['commune']}",
        "agenda by kind": "/actions/?kind=meeting",
        "action page": f"/actions/{found['action']}/",
        "project feed (.ics)": "/actions/calendrier/projet/bench-3.ics",
    }
    measured = bench.serve_and_measure(
        env, urls, args, f"server-agenda-{database}-{stamp}.log", warmup=5
    )
    measured.report(f"{database} — {args.actions:,} actions, concurrency {args.concurrency}")
    rows, completed = measured.rows, measured.completed
    load_before, load_after = measured.load_before, measured.load_after
    return {
        "database": database,
        "actions": args.actions,
        "rows": rows,
        "completed": completed,
        "load_average_before_after": [load_before, load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=180)
    args = parser.parse_args()
    bench.run_each_database("agenda", args, run_database)


if __name__ == "__main__":
    main()
