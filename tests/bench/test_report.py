"""The machinery of bench/report.py and bench/all.py: budgets, the common result shape,
the docs' blocks. Pure Python on made-up figures: no bench runs here."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_all():  # type: ignore[no-untyped-def]
    """bench/all.py and the report module it imports (bench/ is not a package: its
    scripts import each other by their file names). The folder leaves sys.path again,
    so that no other test's `import` finds a bench script."""
    spec = importlib.util.spec_from_file_location("bench_all", BENCH / "all.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_all"] = module  # dataclasses look their module up there
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
    return module


bench_all = _load_all()
report = bench_all.common

MACHINE = {"cpu_model": "Test CPU", "cpus": 2, "memory_gib": 8.0, "python": "3.12.1"}
CODE = {"commit": "0123456789abcdef", "local_changes": False}


def row(page: str, p95: float, base_p95: float = 2.0, kb: float = 10.0, errors: int = 0):  # type: ignore[no-untyped-def]
    return {
        "page": page,
        "requests": 100,
        "errors": errors,
        "bytes": int(kb * 1024),
        "throughput": 1000 / p95,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p95_ratio": p95 / base_p95,
    }


def agenda_run(database: str = "sqlite", action_p95: float = 15.0) -> dict:
    return {
        "database": database,
        "actions": 10_000,
        "rows": [
            row(report.BASELINE, 2.0),
            row("agenda", 18.0),
            row("action page", action_p95),
        ],
        "completed": True,
        "load_average_before_after": [0.5, 1.5],
    }


def shaped(kind: str, run: dict, load: list[float] | None = None) -> dict:
    return report.from_legacy(
        kind,
        run,
        started=1_765_000_000.0,
        finished=1_765_000_100.0,
        machine=MACHINE,
        code=CODE,
        load_average=load or [0.4, 1.9, 2.6],
    )


# --- budgets -----------------------------------------------------------------------------


def test_a_check_is_within_its_budget_at_the_limit_and_over_it_beyond():
    assert report.Check("p95", 50.0, 50.0, "ms").ok
    assert not report.Check("p95", 50.1, 50.0, "ms").ok
    assert report.Check("per second", 120, 100, "/s", ">=").ok
    assert not report.Check("per second", 99.9, 100, "/s", ">=").ok
    assert report.Check("confirmed", 25, 25, op="==").ok
    assert not report.Check("confirmed", 26, 25, op="==").ok


def test_a_figure_not_measured_is_never_within_budget():
    check = report.Check("p95", float("nan"), 50.0, "ms")
    assert not check.ok
    assert check.as_dict()["value"] is None
    assert check.line().startswith("OVER")


def test_a_check_says_its_budget_in_words():
    assert report.Check("p95", 12.0, 50.0, "ms").as_dict() == {
        "name": "p95",
        "budget": "≤ 50 ms",
        "value": 12.0,
        "ok": True,
        "limit": 50.0,
        "unit": "ms",
    }
    assert report.Check("ratio", 2.0, 1.5, "×").budget == "≤ 1.5×"
    assert report.Check("rate", 120, 100, "/s", ">=").budget == "≥ 100 /s"


def test_each_request_is_held_to_its_p95_its_ratio_and_its_payload_not_the_baseline():
    rows = [row(report.BASELINE, 2.0), row("agenda", 40.0, kb=45.0), row("feed", 60.0)]
    checks = report.latency_checks(rows, report.Budget(kb=40.0))
    assert [(c.name, c.ok) for c in checks] == [
        ("agenda: p95", True),
        ("agenda: p95 ÷ baseline", False),  # 20×
        ("agenda: payload", False),  # 45 KB
        ("feed: p95", False),
        ("feed: p95 ÷ baseline", False),
        ("feed: payload", True),
    ]


def test_failed_requests_are_a_check_of_their_own():
    checks = report.latency_checks([row("agenda", 10.0, errors=3)], report.DEFAULT_BUDGET)
    assert checks[0].name == "agenda: failed requests"
    assert not checks[0].ok


def test_the_size_ratio_is_the_large_size_p95_over_the_small_ones():
    checks = report.size_checks([("agenda", 20.0, 29.0), ("feed", 20.0, 31.0)], 1.5)
    assert [round(c.value, 2) for c in checks] == [1.45, 1.55]
    assert [c.ok for c in checks] == [True, False]


# --- the common shape --------------------------------------------------------------------


def test_a_bench_of_the_harness_gives_the_common_shape():
    result = shaped("agenda", agenda_run(action_p95=60.0))
    assert result["bench"] == "agenda"
    assert result["database"] == "sqlite"
    assert result["started"] == "2025-12-06T05:46:40Z"
    assert result["commit"] == "0123456789abcdef"
    assert result["dirty"] is False
    assert result["load_average"] == [0.4, 1.9, 2.6]
    assert result["baseline"]["p95_ms"] == 2.0
    [data] = result["tables"]
    assert data["id"] == "agenda.sqlite"
    assert data["columns"][0] == "Request"
    assert [cells[0] for cells in data["rows"]] == ["baseline `/healthz/`", "agenda", "action page"]
    over = [c["name"] for c in result["checks"] if not c["ok"]]
    assert over == ["action page: p95", "action page: p95 ÷ baseline"]
    json.dumps(result)  # written as JSON as it is


def test_a_bench_at_two_sizes_gets_one_table_with_their_ratio():
    small = [row(report.BASELINE, 2.0), row("items, first page", 20.0)]
    large = [row(report.BASELINE, 2.0), row("items, first page", 40.0)]
    run = {
        "database": "postgres",
        "sizes": [
            {"items": 10_000, "rows": small, "completed": True},
            {"items": 100_000, "rows": large, "completed": True},
        ],
    }
    result = shaped("api", run)
    [data] = result["tables"]
    assert data["id"] == "api.postgres"
    assert data["columns"][1] == "p95 ms at 10,000 items"
    assert data["rows"][1] == ["items, first page", 20.0, 10.0, 40.0, 20.0, 2.0]
    size_check = next(c for c in result["checks"] if "large ÷ small" in c["name"])
    assert size_check["value"] == 2.0
    assert not size_check["ok"]


def test_the_consultation_benches_pair_their_two_sizes_by_name():
    run = {
        "database": "sqlite",
        "remarks": 10_000,
        "rows": [
            row(report.BASELINE, 2.0),
            row("10,000 remarks, zoom 8", 15.0),
            row("1,000 remarks, zoom 8", 12.0),
        ],
    }
    result = shaped("consultation-map", run)
    assert [t["id"] for t in result["tables"]] == [
        "consultation-map.sqlite",
        "consultation-map.sqlite.sizes",
    ]
    sizes = result["tables"][1]
    assert sizes["rows"] == [["zoom 8", 12.0, 6.0, 15.0, 7.5, 1.25]]


def test_registrations_are_held_to_100_per_second_on_postgresql_and_to_exact_places():
    run = {
        "database": "postgres",
        "baseline_p95_ms": 2.0,
        "baseline_per_second": 1200.0,
        "throughput": {
            "registrations": 400,
            "errors": 0,
            "per_second": 80.0,
            "p50_ms": 20.0,
            "p95_ms": 40.0,
            "p95_over_baseline": 20.0,
        },
        "contention": {"registrations": 200, "errors": 0},
        "counts": {"bench-debit": [400, 0], "bench-affluence": [25, 175]},
    }
    checks = {c["name"]: c["ok"] for c in shaped("registrations", run)["checks"]}
    assert checks == {
        "registrations per second": False,
        "contention: confirmed for 25 places": True,
        "contention: everyone confirmed or waiting": True,
        "failed registrations": True,
    }
    run["database"] = "sqlite"
    assert "registrations per second" not in {
        c["name"] for c in shaped("registrations", run)["checks"]
    }


def test_the_cluster_run_becomes_a_report_whose_check_is_its_invariants():
    result = {
        "nodes": 2,
        "users": 12,
        "seconds": 20,
        "redis": True,
        "s3": False,
        "stats": [
            {
                "name": "Aggregated",
                "requests": 300,
                "failures": 0,
                "rps": 15.0,
                "p50": 400,
                "p95": 800,
            },
        ],
        "problems": ["1 responses with a 5xx status at nginx"],
    }
    shaped_cluster = report.from_cluster(
        result, started=0.0, finished=1.0, machine=MACHINE, code=CODE, load_average=None
    )
    assert shaped_cluster["tables"][0]["id"] == "cluster.2-nodes"
    assert shaped_cluster["checks"][0]["ok"] is False


def test_a_report_is_written_where_all_py_asks(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_REPORT_DIR", str(tmp_path))
    path = report.write(shaped("agenda", agenda_run()))
    assert path.parent == tmp_path
    assert path.name == "agenda-sqlite-20251206T054640Z.json"
    assert bench_all.read_reports(tmp_path)[0]["bench"] == "agenda"


def test_the_benches_own_json_is_not_taken_for_a_report(tmp_path):
    (tmp_path / "agenda-20261205T000000Z.json").write_text(json.dumps({"runs": []}))
    assert bench_all.read_reports(tmp_path) == []


def test_the_load_average_is_sampled_between_the_start_and_the_end(monkeypatch):
    # 1.0 at the start, a burst at 9.0 read by the sampling thread, 2.0 after it.
    values = iter([1.0, 9.0])
    sampled = threading.Event()

    def getloadavg() -> tuple[float, float, float]:
        value = next(values, 2.0)
        if value == 9.0:
            sampled.set()
        return (value, 0.0, 0.0)

    monkeypatch.setattr(report.os, "getloadavg", getloadavg)
    with report.LoadSampler(interval=0.001) as load:
        assert sampled.wait(10)
    assert load.figures() == [1.0, 2.0, 9.0]


# --- the docs' blocks ----------------------------------------------------------------------

DOC = """# Performance

Prose before.

<!-- bench:agenda.sqlite -->
An old table, run `agenda-20261126T174824Z`.
<!-- /bench:agenda.sqlite -->

Prose between, kept.

<!-- bench:map.sqlite -->
| old | map |
<!-- /bench:map.sqlite -->

Prose after.
"""


def test_the_content_between_markers_is_replaced_and_the_prose_kept():
    updated = report.replace_blocks(DOC, {"agenda.sqlite": "NEW TABLE"})
    assert "NEW TABLE" in updated
    assert "An old table" not in updated
    assert "<!-- bench:agenda.sqlite -->\nNEW TABLE\n<!-- /bench:agenda.sqlite -->" in updated
    for prose in ("Prose before.", "Prose between, kept.", "Prose after.", "| old | map |"):
        assert prose in updated
    # Rewriting again gives the same document: no blank lines pile up.
    assert report.replace_blocks(updated, {"agenda.sqlite": "NEW TABLE"}) == updated


def test_a_block_not_measured_again_keeps_its_content_under_the_date_of_its_figures():
    def stale(block_id: str, old: str) -> str:
        return report.mark_stale(old, "all-20261210T100000Z", "2026-12-10")

    updated = report.replace_blocks(DOC, {"map.sqlite": "NEW MAP"}, stale=stale)
    assert (
        "> **Not measured again** by run `all-20261210T100000Z` (2026-12-10): the figures "
        "below are from 2026-11-26.\n\nAn old table" in updated
    )
    # A later run replaces the note rather than adding a second one.
    again = report.replace_blocks(
        updated,
        {"map.sqlite": "NEW MAP"},
        stale=lambda _id, old: report.mark_stale(old, "all-20261211T100000Z", "2026-12-11"),
    )
    assert again.count("Not measured again") == 1
    assert "by run `all-20261211T100000Z` (2026-12-11)" in again
    assert "from 2026-11-26" in again


def test_a_table_without_its_markers_is_an_error_naming_the_markers_to_add():
    with pytest.raises(report.MarkerError) as error:
        report.replace_blocks(DOC, {"agenda.sqlite": "x", "search.postgres": "y"})
    message = str(error.value)
    assert "search.postgres" in message
    assert "<!-- bench:search.postgres -->\n<!-- /bench:search.postgres -->" in message
    assert "agenda.sqlite" not in message.split("Add")[0]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a\n<!-- bench:x -->\nb\n", "line 2: the block 'x' is never closed"),
        ("a\nb\n<!-- /bench:x -->\n", "line 3: <!-- /bench:x --> closes a block that is not open"),
        (
            "<!-- bench:x -->\n<!-- bench:y -->\n<!-- /bench:y -->\n<!-- /bench:x -->\n",
            "line 2: <!-- bench:y --> opens inside the block 'x'",
        ),
        (
            "<!-- bench:x -->\n<!-- /bench:x -->\n<!-- bench:x -->\n<!-- /bench:x -->\n",
            "line 3: the block 'x' appears twice",
        ),
        ("<!-- bench:x -->\n<!-- /bench:y -->\n", "expected <!-- /bench:x -->"),
    ],
)
def test_markers_left_open_or_crossed_are_errors_with_their_line(text, says):
    with pytest.raises(report.MarkerError, match=says.replace("(", r"\(")):
        report.blocks(text)


def test_a_block_is_headed_with_its_run_machine_commit_load_and_baseline():
    result = shaped("agenda", agenda_run(action_p95=21.0))
    block = report.rendered_blocks([result], "all-20261210T100000Z")["agenda.sqlite"]
    lines = block.splitlines()
    assert lines[0] == "**Agenda and actions (10,000 actions) — SQLite**"
    assert lines[2] == (
        "_Run `all-20261210T100000Z`, 2025-12-06 05:46:40 UTC, commit `0123456789`; "
        "2 × Test CPU, 8.0 GiB, Python 3.12.1; load average 0.4 at the start, 1.9 at the end, "
        "2.6 at most; baseline `/healthz/` p95 2.0 ms, 500.0 req/s._"
    )
    # Each row says whether it is within its budgets, and which figure is not.
    assert "| baseline `/healthz/` | 100 | 0 | 1.0 | 2.0 | 1.0 | 10.0 |  |" in block
    assert "| agenda | 100 | 0 | 9.0 | 18.0 | 9.0 | 10.0 | OK |" in block
    assert (
        "| action page | 100 | 0 | 10.5 | 21.0 | 10.5 | 10.0 | **OVER**: p95 ÷ baseline |" in block
    )
    assert lines[-1] == "Budgets of this bench: 3 OK, 1 OVER."


def test_checks_that_belong_to_no_row_are_listed_under_the_table():
    run = {**agenda_run(), "completed": False}
    block = report.rendered_blocks([shaped("agenda", run)], "all-x")["agenda.sqlite"]
    assert block.splitlines()[-1] == (
        "Budgets of this bench: 4 OK, 1 OVER; **OVER** every request measured within "
        "--max-seconds 0 (= 1)."
    )


def test_figures_are_written_with_thousands_and_one_decimal():
    assert report.number(1234) == "1,234"
    assert report.number(1423.4) == "1,423"
    assert report.number(35.04) == "35.0"
    assert report.number(2.25) == "2.25"
    assert report.number(1.003) == "1.0"
    assert report.number(1.0) == "1.0"
    assert report.number(None) == "—"
    assert report.number(float("nan")) == "—"


def test_all_py_rewrites_the_measured_blocks_marks_the_others_and_fills_the_summary():
    doc = "<!-- bench:summary -->\n<!-- /bench:summary -->\n" + DOC
    result = shaped("agenda", agenda_run())
    updated, rewritten, stale = bench_all.rewrite(
        doc, [result], "all-20261210T100000Z", "2026-12-10", ["map"]
    )
    assert rewritten == ["agenda.sqlite", "summary"]
    assert stale == ["map.sqlite"]
    assert "| agenda | SQLite | 2025-12-06 05:46:40 | 0.4 / 1.9 / 2.6 | 4 | 0 |" in updated
    assert "Not run, or failed, in this run: map." in updated


def _summary_after(before: str, not_run: list[str]) -> str:
    """The summary all.py writes over `before` after a run of the agenda alone."""
    doc = f"<!-- bench:summary -->\n{before}<!-- /bench:summary -->\n" + DOC
    updated, _rewritten, _stale = bench_all.rewrite(
        doc, [shaped("agenda", agenda_run())], "all-20261210T100000Z", "2026-12-10", not_run
    )
    return updated.split("<!-- /bench:summary -->")[0]


def test_a_run_of_a_few_benches_keeps_the_others_rows_in_the_summary():
    before = (
        "_Run `all-20261209T090000Z`: every bench's budgets._\n\n"
        "| Bench | Database | Started | Load average (start / end / max) | OK | OVER |\n"
        "| --- | --- | --- | ---: | ---: | ---: |\n"
        "| agenda | SQLite | 2026-12-09 09:00:00 | 1 / 1 / 1 | 3 | 1 |\n"
        "| map | SQLite | 2026-12-09 09:10:00 | 1 / 1 / 1 | 166 | 0 |\n"
        "| map | PostgreSQL | 2026-12-09 09:20:00 | 1 / 1 / 1 | 165 | 1 |\n\n"
        "Not run, or failed, in this run: cluster-1.\n"
    )
    summary = _summary_after(before, ["map", "cluster-1"])
    # This run's agenda replaces the one before; the map's rows are kept, their run named.
    assert "| agenda | SQLite | 2025-12-06 05:46:40 | 0.4 / 1.9 / 2.6 | 4 | 0 |" in summary
    assert "2026-12-09 09:00:00" not in summary
    assert "| map | SQLite | 2026-12-09 09:10:00 | 1 / 1 / 1 | 166 | 0 |" in summary
    assert "| map | PostgreSQL | 2026-12-09 09:20:00 | 1 / 1 / 1 | 165 | 1 |" in summary
    assert "the rows of `all-20261209T090000Z`" in summary
    assert "Not run, or failed, in this run: cluster-1." in summary


def test_the_summary_names_only_the_runs_its_kept_rows_came_from():
    """A run whose rows a later run replaced is no longer named."""
    before = (
        "_Run `all-20261209T110000Z`, and for the benches it did not run the rows of "
        "`all-20261209T090000Z`, `all-20261209T100000Z`: every bench's budgets._\n\n"
        "| Bench | Database | Started | Load average (start / end / max) | OK | OVER |\n"
        "| --- | --- | --- | ---: | ---: | ---: |\n"
        "| agenda | SQLite | 2026-12-09 11:00:01 | 1 / 1 / 1 | 3 | 1 |\n"
        "| map | SQLite | 2026-12-09 09:10:00 | 1 / 1 / 1 | 166 | 0 |\n"
    )
    summary = _summary_after(before, ["map"])
    # The map's row is of the run of 09:00; the agenda's of 11:00, measured again now;
    # nothing is left of the run of 10:00.
    assert "the rows of `all-20261209T090000Z`:" in summary
    assert "all-20261209T100000Z" not in summary
    assert "all-20261209T110000Z" not in summary


def test_a_cluster_scenario_whose_rows_are_kept_is_not_said_not_run():
    """scripts/cluster.py's runs are named `cluster-<nodes>` by all.py, their rows
    `cluster` and `<nodes>-node(s)`: kept rows are a run, not a missing one."""
    before = (
        "_Run `all-20261209T090000Z`: every bench's budgets._\n\n"
        "| Bench | Database | Started | Load average (start / end / max) | OK | OVER |\n"
        "| --- | --- | --- | ---: | ---: | ---: |\n"
        "| cluster | 1-node | 2026-12-09 09:00:00 | 1 / 1 / 1 | 1 | 0 |\n"
        "| cluster | 2-nodes | 2026-12-09 09:10:00 | 1 / 1 / 1 | 1 | 0 |\n"
    )
    summary = _summary_after(before, ["cluster-1", "cluster-2", "map"])
    assert "| cluster | 1-node | 2026-12-09 09:00:00 | 1 / 1 / 1 | 1 | 0 |" in summary
    assert "| cluster | 2-nodes | 2026-12-09 09:10:00 | 1 / 1 / 1 | 1 | 0 |" in summary
    # The map's rows were not kept: it is still said.
    assert "Not run, or failed, in this run: map." in summary


def test_the_figures_before_a_change_go_beside_this_runs():
    before = shaped("agenda", agenda_run(action_p95=90.0))
    after = shaped("agenda", agenda_run(action_p95=30.0))
    report.add_before([after], [before])
    data = after["tables"][0]
    at = data["columns"].index("p95 ms before")
    assert data["columns"][at + 1] == "p95 ms"
    assert data["rows"][2][0] == "action page"
    assert data["rows"][2][at : at + 2] == [90.0, 30.0]


def test_every_bench_of_all_py_has_a_script_and_its_quick_form_is_smaller(tmp_path):
    root = BENCH.parent
    for bench in bench_all.BENCHES:
        assert (root / bench.script).exists(), bench.script
    args = bench_all.argparse.Namespace(quick=True, database=None)
    agenda = bench_all.command(bench_all.BY_NAME["agenda"], args, tmp_path)
    assert agenda[-4:] == ["--max-seconds", "60", "--database", "sqlite"]
    assert bench_all.command(bench_all.BY_NAME["cluster-1"], args, tmp_path) is None


def test_the_figures_before_may_come_from_the_benches_own_json(tmp_path):
    # A checkout from before bench/report.py writes only its own JSON: still readable.
    (tmp_path / "agenda-20261126T174824Z.json").write_text(
        json.dumps({"machine": MACHINE, "code": CODE, "runs": [agenda_run("postgres")]})
    )
    pages = {**agenda_run(), "profile": {"agenda": {"queries": 6}}}
    del pages["database"]
    (tmp_path / "bench-20261126T145041Z-scale10.json").write_text(
        json.dumps({"machine": MACHINE, "code": CODE, "databases": {"sqlite": pages}})
    )
    (tmp_path / "notes.json").write_text("[]")
    found = {r["tables"][0]["id"]: r for r in bench_all.legacy_reports(tmp_path)}
    assert sorted(found) == ["agenda.postgres", "pages.sqlite"]
    assert found["agenda.postgres"]["started"] == "2026-11-26T17:48:24Z"
    assert found["pages.sqlite"]["tables"][0]["rows"][1][-1] == 6  # the queries column


def _rows(*pages: str) -> list[dict]:
    return [row(report.BASELINE, 2.0)] + [row(page, 10.0) for page in pages]


# What each bench's `run_database` returns today (the keys the adapters read).
SHAPES = {
    "bench": (
        {"rows": _rows("home /"), "profile": {"home /": {"queries": 2}}, "scale": 10},
        ["pages.sqlite"],
    ),
    "collectives": (
        {
            "rows": _rows("archive"),
            "messages": 100_000,
            "completed": True,
            "mail_in": {
                "in_process_messages_per_second": 75.0,
                "in_process_posted": 300,
                "per_process_median_seconds": 2.9,
                "bare_process_median_seconds": 1.5,
                "ratio_to_bare_process": 1.9,
            },
        },
        ["collectives.sqlite", "collectives.sqlite.mail-in"],
    ),
    "dashboard": (
        {
            "rows": _rows("platform, 12 months"),
            "scale": 10,
            "cold_ms": {"platform": "486.7", "organisation": "72.0"},
            "refresh_all_seconds": 17.5,
            "refresh_daily_seconds": 8.5,
            "facts": "165169",
        },
        ["dashboard.sqlite", "dashboard.sqlite.refresh"],
    ),
    "notifications": (
        {
            "people": 10_000,
            "fan_out_seconds": 0.7,
            "fan_out_added": 10_000,
            "baseline_bulk_create_seconds": 0.66,
            "fan_out_over_baseline": 1.0,
            "fan_out_tenth_at_once_seconds": 2.6,
            "fan_out_tenth_at_once_emails": 1000,
            "digests_daily_seconds": 28.0,
            "digests_daily_sent": 10_000,
            "baseline_email_send_seconds": 20.0,
            "digests_over_baseline": 1.4,
            "digests_again_seconds": 0.0,
            "digests_again_sent": 0,
        },
        ["notifications.sqlite"],
    ),
    "questionnaire-results": (
        {
            "sizes": [5000, 50000],
            "rows": {
                "5000": _rows("results (5,000)"),
                "50000": _rows("results (50,000)"),
            },
        },
        ["questionnaire-results.sqlite"],
    ),
    "consultation-proposals": (
        {"rows": _rows("petite: by support", "grande: by support"), "proposals": 10_000},
        ["consultation-proposals.sqlite", "consultation-proposals.sqlite.sizes"],
    ),
    "search": ({"rows": _rows("search lavoir"), "scale": 10, "items": 100_000}, ["search.sqlite"]),
    "map": ({"rows": _rows("map zoom 8"), "items": 100_000}, ["map.sqlite"]),
    "map tiles": (
        {
            "sizes": [
                {
                    "items": n,
                    "rows": _rows("tile z8"),
                    "view_weights": [
                        {"zoom": 8, "viewport": "1280x800", "tiles": 24, "bytes": 41 * 1024}
                    ],
                }
                for n in (10_000, 100_000)
            ]
        },
        ["map.sqlite", "map.sqlite.views"],
    ),
    # Issue #20's benches at two sizes: a list of runs, each with its size.
    "agenda": (
        {
            "sizes": [
                {"actions": n, "rows": _rows("agenda"), "completed": True} for n in (1000, 10000)
            ]
        },
        ["agenda.sqlite"],
    ),
    "inventory-pages": (
        {"sizes": [{"items": n, "rows": _rows("item list")} for n in (10_000, 100_000)]},
        ["inventory-pages.sqlite"],
    ),
    "map-period": (
        {"sizes": [{"items": n, "rows": _rows("zoom 8, 19e")} for n in (10_000, 100_000)]},
        ["map-period.sqlite"],
    ),
}


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_every_bench_of_the_harness_gives_its_tables_and_budgets(kind):
    run, ids = SHAPES[kind]
    result = shaped(kind.split()[0], {"database": "sqlite", **run})
    assert [data["id"] for data in result["tables"]] == ids
    assert result["checks"]
    block = report.rendered_blocks([result], "all-x")[ids[0]]
    assert block.count("\n| ") >= 2  # a header and at least one row
    json.dumps(result)


def test_a_questionnaires_pages_are_matched_across_sizes_without_their_size_in_the_name():
    run, _ids = SHAPES["questionnaire-results"]
    result = shaped("questionnaire-results", {"database": "sqlite", **run})
    assert result["tables"][0]["rows"][1][0] == "results"
    assert any(c["name"] == "results: p95 large ÷ small size" for c in result["checks"])


def test_the_summary_names_the_benches_without_a_result():
    reports = [shaped("agenda", agenda_run())]
    cluster = report.from_cluster(
        {"nodes": 2, "users": 12, "seconds": 20, "stats": [], "problems": []},
        started=0.0,
        finished=1.0,
        machine=MACHINE,
        code=CODE,
        load_average=None,
    )
    reports.append(cluster)
    missing = [b.name for b in bench_all.BENCHES if not bench_all.reported(b, reports)]
    assert "agenda" not in missing
    assert "cluster-2" not in missing
    assert "cluster-1" in missing
    assert "pages" in missing


@pytest.mark.parametrize(
    ("content", "note"),
    [
        ("_Run `all-x`, 2026-12-10 14:03:01 UTC, …_", "the figures below are from 2026-12-10."),
        ("pasted from `scripts/cluster.py`, 2026-12-05", "the figures below are from 2026-12-05."),
        ("run `api-20261205T140403Z`", "the figures below are from 2026-12-05."),
        ("no date at all", "> **Not measured** by `bench/all.py` yet (nor by run `all-y`"),
    ],
)
def test_a_block_kept_is_dated_from_its_header_its_text_or_its_run_id(content, note):
    marked = report.mark_stale(content, "all-y", "2026-12-11")
    assert note in marked
    assert marked.endswith(content)
    assert report.mark_stale(marked, "all-z", "2026-12-12").count("Not measured") == 1


def test_before_goes_beside_the_larger_sizes_p95_and_beside_a_measures_value():
    small = [row(report.BASELINE, 2.0), row("items", 20.0)]
    run = {
        "database": "sqlite",
        "sizes": [
            {"items": 10_000, "rows": small},
            {"items": 100_000, "rows": [row(report.BASELINE, 2.0), row("items", 25.0)]},
        ],
    }
    earlier = {**run, "sizes": [run["sizes"][0], {"items": 100_000, "rows": small}]}
    after, before = shaped("api", run), shaped("api", earlier)
    report.add_before([after], [before])
    data = after["tables"][0]
    assert data["columns"][3:5] == ["p95 ms at 100,000 items before", "p95 ms at 100,000 items"]
    assert data["rows"][1][3:5] == [20.0, 25.0]


def test_a_bench_with_two_tables_lists_the_checks_of_no_row_once():
    run, _ids = SHAPES["collectives"]
    result = shaped("collectives", {"database": "sqlite", **run, "completed": False})
    blocks = report.rendered_blocks([result], "all-x")
    assert "every request measured" in blocks["collectives.sqlite"]
    mail_in = blocks["collectives.sqlite.mail-in"]
    assert mail_in.splitlines()[-1] == "Budgets of this bench: 2 OK, 1 OVER."


def test_the_collectives_two_sizes_are_told_by_their_number_of_messages():
    run = {
        "database": "postgres",
        "messages": [10_000, 100_000],
        "sizes": {
            "100000": {"rows": [row(report.BASELINE, 2.0), row("archive search", 30.0)]},
            "10000": {"rows": [row(report.BASELINE, 2.0), row("archive search", 15.0)]},
        },
        "mail_in": None,
    }
    result = shaped("collectives", run)
    (table,) = result["tables"]
    assert table["columns"][1] == "p95 ms at 10,000 messages"
    assert table["rows"] == [
        ["baseline `/healthz/`", 2.0, 1.0, 2.0, 1.0, 1.0],
        ["archive search", 15.0, 7.5, 30.0, 15.0, 2.0],
    ]
    over = {check["name"] for check in result["checks"] if not check["ok"]}
    assert over == {
        "100,000 messages: archive search: p95 ÷ baseline",
        "archive search: p95 large ÷ small size",
    }


def _script(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    path = list(sys.path)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = path
    return module


def test_the_page_weight_counts_the_maps_data_tiles_apart_and_holds_each_budget():
    weight = _script("weight")
    page = {"requests": 9, "load_ms": 900.0, "first_clusters_ms": None, "budget_bytes": 50 * 1024}
    rows = [
        {
            **page,
            "page": report.BASELINE,
            "bytes": 300,
            "tile_bytes": 0,
            "dcl_ms": 20.0,
            "budget_bytes": None,
        },
        {**page, "page": "agenda", "bytes": 40 * 1024, "tile_bytes": 0, "dcl_ms": 1200.0},
        {
            **page,
            "page": "map",
            "bytes": 88 * 1024,
            "tile_bytes": 41 * 1024,
            "dcl_ms": 800.0,
            "first_clusters_ms": 1400.0,
            "budget_bytes": 90 * 1024,
        },
    ]
    weight.MAP_PAGES.add("map")
    result = weight.common_report(
        {"rows": rows, "machine": MACHINE, "code": CODE, "arguments": {}}, 1.0, 2.0, [0.1, 0.2, 0.3]
    )
    verdicts = {check["name"]: check["ok"] for check in result["checks"]}
    assert verdicts == {
        "agenda: KB": True,
        "agenda: DOMContentLoaded, slow 4G": False,
        "map: KB": True,
        "map: first clusters, slow 4G": True,
    }
    assert result["tables"][0]["rows"][2][:4] == ["map", 88.0, 90, 41.0]
    assert result["baseline"] == {"name": "/healthz/", "slow_4g_dcl_ms": 20.0}


def test_the_browser_map_bench_holds_gestures_to_150_ms_and_first_clusters_to_half_a_second():
    map_browser = _script("map_browser")
    figures = {
        "1280": {
            "first_clusters": {"n": 10, "p50_ms": 300.0, "p95_ms": 480.0, "max_ms": 500.0},
            "pan": {"n": 30, "p50_ms": 40.0, "p95_ms": 160.0, "max_ms": 200.0},
        }
    }
    report_in = {
        "machine": MACHINE,
        "code": CODE,
        "arguments": {},
        "runs": [{"dataset": "100k", "database": "sqlite", "figures": figures}],
    }
    result = map_browser.common_report(report_in, 1.0, 2.0, None)
    verdicts = {check["name"]: check["ok"] for check in result["checks"]}
    assert verdicts == {
        "100k, 1280 px, first clusters: p95": True,
        "100k, 1280 px, pan: p95": False,
    }
    assert result["tables"][0]["rows"][1] == ["100k, 1280 px, pan", 30, 40.0, 160.0, 200.0]


def test_a_maps_whole_view_of_tiles_is_held_to_40_kb():
    run, _ids = SHAPES["map tiles"]
    result = shaped("map", {"database": "sqlite", **run})
    (check,) = [c for c in result["checks"] if "a view's tiles" in c["name"]]
    assert check["name"] == "zoom 8, 1280x800: a view's tiles"
    assert (check["value"], check["ok"]) == (41.0, False)


def test_percentiles_are_nearest_rank():
    run = _script("map_browser").bench  # bench/run.py, as the scripts import it
    twenty = [float(n) for n in range(20, 0, -1)]
    assert run.percentile(twenty, 0.95) == 19.0  # not the maximum
    assert run.percentile(twenty, 0.5) == 10.0
    ten = [float(n) for n in range(1, 11)]
    assert run.percentile(ten, 0.95) == 10.0
    assert run.percentile(ten, 0.5) == 5.0
    assert run.percentile([3.0], 0.95) == 3.0
    hundred = [float(n) for n in range(1, 101)]
    assert run.percentile(hundred, 0.95) == 95.0
    assert run.percentile(hundred, 0.0) == 1.0
