"""Run every bench, then rewrite the tables of docs/performance.md from their results.

    uv run python bench/all.py                    # every bench at the docs' sizes; rewrites them
    uv run python bench/all.py --only agenda,map  # some (the others' tables are marked as older)
    uv run python bench/all.py --quick            # small sizes on SQLite, docs untouched
    uv run python bench/all.py --quick --write --docs /tmp/performance.md
    uv run python bench/all.py --reports bench/results/all-<stamp> --dry-run   # no bench run
    uv run python bench/all.py --before bench/results/all-<earlier>            # "p95 before"

Each bench runs in its own process, one after the other (they share two cores: two at
once would measure each other), with `BENCH_REPORT_DIR` pointing at this run's folder
`bench/results/all-<stamp>/`, where it writes its results in the common shape
(bench/report.py), and its own PostgreSQL database `tissage_bench_<name>`. The load
average is sampled every second during each bench. Then every table of those results
replaces the content between `<!-- bench:<table id> -->` and `<!-- /bench:<table id> -->`
in the docs, headed with the run, its date, the commit, the machine, the load average
and the baseline of the same run; a block whose bench was not run (or failed) keeps its
content under a note giving its date. Prose outside the markers is left as it is.

The benches and the arguments of the docs' figures are in BENCHES below, in one place.
The rendered document is also written to the run's folder (`performance.md`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report as common  # the result shape and the docs' blocks
import run as harness  # machine() and code_version()

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "performance.md"


@dataclass(frozen=True)
class Bench:
    name: str
    script: str
    full: tuple[str, ...]  # the arguments of the figures in docs/performance.md
    quick: tuple[str, ...] | None  # small sizes for a smoke test; None: not in --quick
    takes_database: bool = True  # accepts --database sqlite|postgres|both
    cluster: bool = False  # scripts/cluster.py: its --json is turned into a report here


BENCHES = [
    Bench(
        "pages",
        "bench/run.py",
        ("--scale", "10", "--database", "both", "--requests", "300"),
        ("--scale", "1", "--requests", "30", "--warmup", "3", "--max-seconds", "60"),
    ),
    Bench(
        "registrations",
        "bench/registrations.py",
        ("--database", "both", "--registrations", "400", "--concurrency", "8"),
        ("--registrations", "40", "--concurrency", "4"),
    ),
    Bench(
        "agenda",
        "bench/agenda.py",
        ("--actions", "1000", "10000", "--database", "both"),
        ("--actions", "300", "--requests", "20", "--max-seconds", "60"),
    ),
    Bench(
        "map",
        "bench/map.py",
        ("--items", "10000,100000", "--database", "both"),
        ("--items", "500,2000", "--requests", "20", "--max-seconds", "60"),
    ),
    Bench(
        "map-period",
        "bench/map_period.py",
        ("--items", "10000", "100000", "--database", "both"),
        ("--items", "500", "2000", "--requests", "20", "--max-seconds", "60"),
    ),
    Bench(
        "inventory-pages",
        "bench/inventory_pages.py",
        ("--items", "10000", "100000", "--database", "both"),
        ("--items", "500", "2000", "--requests", "20", "--max-seconds", "60"),
    ),
    Bench(
        "weight",
        "bench/weight.py",
        ("--items", "100000"),
        ("--runs", "1"),
        takes_database=False,
    ),
    Bench(
        "map-browser",
        "bench/map_browser.py",
        ("--dataset", "both"),
        ("--dataset", "demo", "--gestures", "4", "--loads", "2"),
        takes_database=False,
    ),
    Bench(
        "api",
        "bench/api.py",
        ("--items", "10000", "100000", "--actions", "1000", "10000", "--database", "both"),
        ("--items", "500", "2000", "--actions", "50", "200", "--requests", "20"),
    ),
    Bench(
        "collectives",
        "bench/collectives.py",
        ("--messages", "10000,100000", "--database", "both"),
        ("--messages", "2000", "--mails", "20", "--processes", "2", "--requests", "20"),
    ),
    Bench(
        "search",
        "bench/search.py",
        ("--scale", "10", "--items", "100000", "--database", "both", "--requests", "200"),
        ("--scale", "1", "--items", "5000", "--requests", "20"),
    ),
    Bench(
        "consultation-proposals",
        "bench/consultation_proposals.py",
        ("--proposals", "10000", "--database", "both", "--requests", "150"),
        ("--proposals", "500", "--requests", "20"),
    ),
    Bench(
        "consultation-map",
        "bench/consultation_map.py",
        ("--remarks", "10000", "--supports", "200000", "--database", "both"),
        ("--remarks", "500", "--supports", "2000", "--requests", "20"),
    ),
    Bench(
        "questionnaire-results",
        "bench/questionnaire_results.py",
        ("--sizes", "5000,50000", "--database", "both"),
        ("--sizes", "200,1000", "--requests", "20"),
    ),
    Bench(
        "dashboard",
        "bench/dashboard.py",
        ("--scale", "10", "--database", "postgres", "--requests", "100"),
        ("--scale", "1", "--requests", "20"),
    ),
    Bench(
        "notifications",
        "bench/notifications.py",
        ("--people", "10000", "--database", "both"),
        ("--people", "300",),
    ),
    Bench(
        "spreadsheets-memory",
        "bench/spreadsheets_memory.py",
        ("10000", "100000"),
        ("1000", "3000"),
        takes_database=False,
    ),
    Bench(
        "cluster-1",
        "scripts/cluster.py",
        ("--nodes", "1", "--users", "40", "--spawn-rate", "10", "--time", "90",
         "--email-timeout", "600", "--redis", "--redis-url", "redis://127.0.0.1:6379/4", "--s3"),
        None,
        takes_database=False,
        cluster=True,
    ),
    Bench(
        "cluster-2",
        "scripts/cluster.py",
        ("--nodes", "2", "--users", "40", "--spawn-rate", "10", "--time", "90",
         "--email-timeout", "600", "--redis", "--redis-url", "redis://127.0.0.1:6379/4", "--s3"),
        ("--reduced",),
        takes_database=False,
        cluster=True,
    ),
]  # fmt: skip
BY_NAME = {bench.name: bench for bench in BENCHES}


def command(bench: Bench, args: argparse.Namespace, run_dir: Path) -> list[str] | None:
    arguments = bench.quick if args.quick else bench.full
    if arguments is None:
        return None
    arguments = tuple(arguments)
    database = args.database or ("sqlite" if args.quick else None)
    if bench.takes_database and database:
        # The last --database given wins with argparse.
        arguments += ("--database", database)
    if bench.cluster:
        arguments += (
            "--json",
            str(run_dir / "raw" / f"{bench.name}.json"),
            "--database",
            f"tissage_bench_{bench.name.replace('-', '_')}",
        )
    return [sys.executable, str(ROOT / bench.script), *arguments]


def run_bench(bench: Bench, cmd: list[str], run_dir: Path) -> dict[str, Any]:
    """One bench in its own process, its output shown and kept in `<name>.log`."""
    env = dict(os.environ)
    env["BENCH_REPORT_DIR"] = str(run_dir)
    env["BENCH_PG_DATABASE"] = f"tissage_bench_{bench.name.replace('-', '_')}"
    env.setdefault("SECRET_KEY", "bench-only")  # spreadsheets_memory.py loads the settings
    (run_dir / "raw").mkdir(parents=True, exist_ok=True)
    log_path = run_dir / f"{bench.name}.log"
    shown = " ".join(Path(part).name if part.startswith(str(ROOT)) else part for part in cmd[1:])
    harness.log(f"{bench.name}: {shown}")
    started = time.time()
    with common.LoadSampler() as load, log_path.open("w") as log_file:
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            log_file.write(line)
            sys.stdout.write(f"  {line}")
        code = process.wait()
    finished = time.time()
    harness.log(f"{bench.name}: exit {code} after {finished - started:.0f} s (log: {log_path})")
    outcome = {
        "bench": bench.name,
        "command": cmd[1:],
        "exit": code,
        "seconds": round(finished - started, 1),
        "load_average": load.figures(),
    }
    if bench.cluster:
        raw = run_dir / "raw" / f"{bench.name}.json"
        if raw.exists():
            shaped = common.from_cluster(
                json.loads(raw.read_text()),
                started=started,
                finished=finished,
                machine=harness.machine(),
                code=harness.code_version(),
                load_average=load.figures(),
                arguments={"command": cmd[1:]},
            )
            common.write(shaped, run_dir)
            common.print_checks(shaped)
    return outcome


def reported(bench: Bench, reports: list[dict[str, Any]]) -> bool:
    """Whether `reports` hold a result of `bench` (cluster-N: the cluster's with N nodes)."""
    return any(common.run_name(r["bench"], r["database"]) == bench.name for r in reports)


def read_reports(directory: Path) -> list[dict[str, Any]]:
    reports = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text())
        if isinstance(data, dict) and data.get("schema") == common.SCHEMA:
            reports.append(data)
    return sorted(reports, key=lambda report: report["started"])


_STAMP = re.compile(r"-(\d{8}T\d{6}Z)")


def legacy_reports(directory: Path) -> list[dict[str, Any]]:
    """The benches' own JSON (`<kind>-<stamp>.json`, `bench-<stamp>-scale<N>.json`) in
    the common shape: the figures "before" may come from a checkout that predates
    bench/report.py, measured with the benches' usual commands."""
    reports = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except ValueError:
            continue
        stamp = _STAMP.search(path.name)
        if not isinstance(data, dict) or "schema" in data or not stamp:
            continue
        kind = path.name[: stamp.start()]
        moment = datetime.strptime(stamp.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        runs = data.get("runs") or [
            {**run, "database": database} for database, run in data.get("databases", {}).items()
        ]
        for run in runs:
            try:
                reports.append(
                    common.from_legacy(
                        kind,
                        run,
                        started=moment.timestamp(),
                        finished=moment.timestamp(),
                        machine=data.get("machine", {}),
                        code=data.get("code", {}),
                        load_average=None,
                    )
                )
            except (KeyError, TypeError, ValueError, IndexError) as error:
                print(f"{path.name}: not read ({error!r})", file=sys.stderr)
    return reports


def rewrite(
    text: str, reports: list[dict[str, Any]], run_id: str, run_date: str, not_run: list[str]
) -> tuple[str, list[str], list[str]]:
    """The document with the reports' tables in place; also the ids rewritten and the ids
    marked as not measured again."""
    new = common.rendered_blocks(reports, run_id)
    present = common.blocks(text)
    if "summary" in present:
        start, end = present["summary"]
        new["summary"] = common.render_summary(reports, run_id, not_run, text[start:end])
    stale: list[str] = []

    def mark(block_id: str, old: str) -> str:
        stale.append(block_id)
        return common.mark_stale(old, run_id, run_date)

    return common.replace_blocks(text, new, stale=mark), sorted(new), stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, SQLite: smoke test")
    parser.add_argument("--only", help="comma-separated benches: " + ", ".join(BY_NAME))
    parser.add_argument(
        "--database", choices=["sqlite", "postgres", "both"], help="for every bench"
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="the document to rewrite")
    parser.add_argument("--write", action="store_true", help="with --quick: rewrite the docs too")
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    parser.add_argument(
        "--check", action="store_true", help="as --dry-run, and exit 1 if the docs would change"
    )
    parser.add_argument("--reports", type=Path, help="run no bench: use the results in this folder")
    parser.add_argument(
        "--before",
        type=Path,
        help="a folder of earlier results (all.py's, or the benches' own JSON): their p95 "
        "beside this run's",
    )
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",")] if args.only else list(BY_NAME)
    unknown = [name for name in only if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown bench {', '.join(unknown)}; choose among {', '.join(BY_NAME)}")
    if not args.docs.exists():
        parser.error(f"{args.docs} does not exist")
    # Markers checked before an hour of benches, not after.
    try:
        if not common.blocks(args.docs.read_text()):
            raise common.MarkerError(
                "no <!-- bench:<id> --> marker: place them where the tables go first "
                '(bench/README.md, "The docs\' tables")'
            )
    except common.MarkerError as error:
        print(f"{args.docs}: {error}", file=sys.stderr)
        return 2

    outcomes: list[dict[str, Any]] = []
    if args.reports:
        run_dir = args.reports
        run_id = run_dir.name
    else:
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        run_id = f"all-{stamp}" + ("-quick" if args.quick else "")
        run_dir = harness.RESULTS / run_id
        run_dir.mkdir(parents=True)
        for name in only:
            bench = BY_NAME[name]
            cmd = command(bench, args, run_dir)
            if cmd is None:
                harness.log(f"{name}: not part of --quick")
                continue
            outcomes.append(run_bench(bench, cmd, run_dir))
    reports = read_reports(run_dir)
    not_run = [bench.name for bench in BENCHES if not reported(bench, reports)]
    not_run += [f"{o['bench']} (exit {o['exit']})" for o in outcomes if o["exit"] != 0]
    if not reports:
        print(f"No result in {run_dir}.", file=sys.stderr)
        return 1
    if args.before:
        common.add_before(reports, legacy_reports(args.before) + read_reports(args.before))
    run_date = min(report["started"] for report in reports)[:10]

    text = args.docs.read_text()
    try:
        updated, rewritten, stale = rewrite(text, reports, run_id, run_date, not_run)
    except common.MarkerError as error:
        print(f"{args.docs}: {error}", file=sys.stderr)
        print(
            f"The results are kept: once the markers are in place, "
            f"`uv run python bench/all.py --reports {run_dir}` writes them.",
            file=sys.stderr,
        )
        return 2
    (run_dir / "performance.md").write_text(updated)
    summary = {
        "run": run_id,
        "machine": harness.machine(),
        "code": harness.code_version(),
        "benches": outcomes,
        "not_run": not_run,
        "rewritten": rewritten,
        "stale": stale,
        "over": [
            f"{report['bench']} ({report['database']}): {check['name']}"
            for report in reports
            for check in report["checks"]
            if not check["ok"]
        ],
    }
    if not args.reports:
        (run_dir / "all.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(
        f"\n{run_id}: {len(rewritten)} tables measured, {len(stale)} kept from earlier runs; "
        f"{len(summary['over'])} figures over budget"
    )
    for line in summary["over"]:
        print(f"  OVER {line}")

    changed = updated != text
    if args.dry_run or args.check:
        sys.stdout.writelines(
            difflib.unified_diff(
                text.splitlines(keepends=True),
                updated.splitlines(keepends=True),
                str(args.docs),
                f"{args.docs} ({run_id})",
            )
        )
        return 1 if args.check and changed else 0
    if args.quick and not args.write:
        print(f"--quick: {args.docs} left as it is; the result is in {run_dir / 'performance.md'}")
    elif changed:
        args.docs.write_text(updated)
        print(f"{args.docs} rewritten")
    failed = [o for o in outcomes if o["exit"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
