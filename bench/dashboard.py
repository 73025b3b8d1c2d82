"""Benchmark the mobilisation dashboard at `tissage generate --scale N`, against the
baseline measured in the same run.

    uv run python bench/dashboard.py [--scale 10] [--database sqlite|postgres|both]

`generate` makes N x 10,000 registrations and N x 10,000 inventory items and builds the
dashboard's figures (`dashboard_refresh`, timed here again on its own). Pages, read by a
signed-in platform administrator (a session made in the database, its cookie sent with
every request, the baseline's included): the platform's dashboard, the dashboard of the
organisation with the most participations, and of the project with the most, over the
last 12 months (the default) and over two years. Figures are kept in the cache until
the next refresh (`figures.figures_for`): the measure is of pages whose figures are kept,
and the cost of computing them cold (`queries.figures_compute`) is printed beside it.
Writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

SETUP = """
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Sum
from tissage.accounts.models import User
from tissage.dashboard.models import Participation
from tissage.organisations.models import Organisation
from tissage.projects.models import Project
admin = User.objects.create_superuser("bench-admin@bench.example")
session = SessionStore()
session["_auth_user_id"] = str(admin.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = admin.get_session_auth_hash()
session.create()
print("cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
def heaviest(field):
    return (Participation.objects.exclude(**{field: None}).values(field)
            .annotate(n=Sum("count")).order_by("-n")[0])
organisation = heaviest("organisation_id")
project = heaviest("project_id")
print("organisation", Organisation.objects.get(pk=organisation["organisation_id"]).slug,
      organisation["n"])
print("project", Project.objects.get(pk=project["project_id"]).slug, project["n"])
print("facts", Participation.objects.count())
# The cost of computing the figures when they are not kept yet (after each refresh, once
# per process, scope, period and language): figures_compute itself, best of three.
import time
from django.utils import timezone
from tissage.dashboard.figures import Scope
from tissage.dashboard.forms import last_12_months
from tissage.dashboard.queries import figures_compute
period = last_12_months(timezone.localdate())
for name, scope in (("platform", Scope()),
                    ("organisation", Scope(organisation_id=organisation["organisation_id"]))):
    times = []
    for _ in range(3):
        started = time.perf_counter()
        figures_compute(scope, period)
        times.append(time.perf_counter() - started)
    print("cold_" + name, round(min(times) * 1000, 1))
"""


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"dashboard-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: generate --scale {args.scale}")
    started = time.perf_counter()
    generated = bench.tissage("generate", "--scale", str(args.scale), env=env)
    generate_seconds = time.perf_counter() - started
    print(generated, end="")
    started = time.perf_counter()
    bench.tissage("dashboard-refresh", "--all", env=env)
    refresh_seconds = time.perf_counter() - started
    bench.log(f"{database}: dashboard-refresh --all in {refresh_seconds:.1f} s")
    started = time.perf_counter()
    bench.tissage("dashboard-refresh", env=env)
    daily_seconds = time.perf_counter() - started
    bench.log(f"{database}: daily dashboard-refresh in {daily_seconds:.1f} s")
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    output = bench.tissage("shell", "-c", SETUP, env=env)
    found = {line.split()[0]: line.split()[1:] for line in output.splitlines() if line}
    organisation, project = found["organisation"][0], found["project"][0]
    urls = {
        bench.BASELINE: "/healthz/",
        "platform, 12 months": "/tableau-de-bord/",
        "organisation, 12 months": f"/tableau-de-bord/structures/{organisation}/",
        "project, 12 months": f"/tableau-de-bord/projets/{project}/",
        "platform, 2 years": "/tableau-de-bord/" + _two_years(),
        "organisation, 2 years": f"/tableau-de-bord/structures/{organisation}/" + _two_years(),
        # A superuser's workspace lists what waits anywhere on the platform: its worst case.
        "workspace (superuser)": "/tableau-de-bord/a-traiter/",
    }
    measured = bench.serve_and_measure(
        env,
        urls,
        args,
        f"server-dashboard-{database}-{stamp}.log",
        warmup=5,
        extra_headers={"Cookie": found["cookie"][0]},
    )
    measured.report(f"{database} — scale {args.scale}, concurrency {args.concurrency}")
    print(
        f"figures computed cold (ms): platform {found['cold_platform'][0]}, "
        f"organisation {found['cold_organisation'][0]}; {found['facts'][0]} participation rows"
    )
    return {
        "database": database,
        "scale": args.scale,
        "generate_seconds": round(generate_seconds, 1),
        "refresh_all_seconds": round(refresh_seconds, 1),
        "refresh_daily_seconds": round(daily_seconds, 1),
        "facts": found["facts"][0],
        "cold_ms": {
            "platform": found["cold_platform"][0],
            "organisation": found["cold_organisation"][0],
        },
        "organisation": found["organisation"],
        "project": found["project"],
        "generated": generated,
        "rows": measured.rows,
        "completed": measured.completed,
        "load_average_before_after": [measured.load_before, measured.load_after],
    }


def _two_years() -> str:
    end = time.localtime()
    return (
        f"?periode=dates&du={end.tm_year - 2}-{end.tm_mon:02d}-01"
        f"&au={time.strftime('%Y-%m-%d', end)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("dashboard", args, run_database)


if __name__ == "__main__":
    main()
