"""Benchmark the collectives' discussion list: the archive and its search with many messages,
at two sizes, and mail-in.

    uv run python bench/collectives.py [--messages 10000,100000] [--database sqlite|postgres|both]
                                       [--skip-mail] [--reuse]

For each database and each size N: a fresh database (PostgreSQL: its own, named
`tissage_bench_collectives_<N>`; SQLite: `bench/results/collectives-data-sqlite-<N>/`),
one public collective with 200 members, N published messages in N/20 threads
(bulk-loaded), then
- pages, against `/healthz/` measured in the same run on the production server: the
  archive (first page, a far page), its search (a common word, two common words, a far
  page of a common word, a rare word in 1 % of the messages, the rare word in capitals
  and with an accent, a word found nowhere), a thread of 20 messages, the collective's
  page; every size is served at once (a server each) and measured in the same rounds;
  then, per page, the ratio of its p95 at the largest size to its p95 at the smallest
  ("flat" when ≤ 1.5);
- at the largest size only (unless `--skip-mail`), mail-in throughput: M realistic
  replies (quoted text, HTML part) handed to `inbound.receive()` in one process
  (messages per second, no outgoing mail: the members are on "web only" so only the
  posting is measured), and the same reply piped to `tissage mail-in` in a new process
  each time, as Postfix does, against a process that only starts Django (`tissage shell
  -c pass`) as the baseline.
Writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

# Databases of its own, so that this bench never drops one another bench is using.
PG_DATABASE = "tissage_bench_collectives"
FLAT_RATIO = 1.5

SETUP = """
import datetime, random
from django.utils import timezone
from tissage.accounts.models import User
from tissage.collectives.models import Collective, CollectiveMembership, Message, Thread
from tissage.core.search import search_normalise
# Before full-text search (issue #20), the archive search read normalised copies of the
# text that bulk writers had to fill; the bench measures both versions.
normalised = any(f.name == "body_search" for f in Message._meta.get_fields())
from tissage.core.tests.factories import OrganisationFactory
rng = random.Random(5)
WORDS = ("jardin guinguette marché réunion compost verger chantier vélo école lavoir "
         "fête producteurs épicerie covoiturage atelier").split()
organisation = OrganisationFactory(slug="bench-org")
collective = Collective.objects.create(organisation=organisation, name="CLAC du bassin",
    slug="clac", archive_visibility="public")
users = User.objects.bulk_create([User(email=f"m{n}@bench.example", display_name=f"Membre {n}")
    for n in range(200)])
users = list(User.objects.order_by("pk"))
CollectiveMembership.objects.bulk_create([CollectiveMembership(collective=collective, user=u,
    role="member", status="active", delivery="web", trusted=True) for u in users])
now = timezone.now()
per_thread = 20
thread_count = max(1, COUNT // per_thread)
start = now - datetime.timedelta(minutes=COUNT)
threads = Thread.objects.bulk_create([Thread(collective=collective,
    subject=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} n° {t}",
    started_by=users[t % 200], published_count=per_thread,
    last_message_at=start + datetime.timedelta(minutes=(t + 1) * per_thread))
    for t in range(thread_count)], batch_size=2000)
if normalised:
    for thread in threads:
        thread.subject_search = search_normalise(thread.subject)
    Thread.objects.bulk_update(threads, ["subject_search"], batch_size=2000)
threads = list(Thread.objects.order_by("pk"))
batch = []
for n in range(thread_count * per_thread):
    thread = threads[n // per_thread]
    author = users[n % 200]
    when = start + datetime.timedelta(minutes=n)
    body = " ".join(rng.choice(WORDS) for _ in range(40))
    if n % 97 == 0:  # a rare word, in about 1% of the messages
        body += " tracteur"
    if n % 101 == 0:  # another, with an accent, in about 1% of the messages
        body += " Éolienne"
    message = Message(thread=thread, collective=collective, author=author,
        author_name=author.display_name, body=body, status="published",
        message_id=f"<bench-{n}@bench.example>", published_at=when)
    if normalised:
        message.body_search = search_normalise(body)
    batch.append(message)
    if len(batch) == 5000:
        Message.objects.bulk_create(batch); batch = []
Message.objects.bulk_create(batch)
print("thread", threads[len(threads) // 2].pk)
print("message", Message.objects.filter(thread=threads[len(threads) // 2]).order_by("pk")[15].pk)
print("reply_to", Message.objects.filter(thread=threads[-1]).order_by("pk").last().message_id)
"""

REPLY = """From: Membre 7 <m7@bench.example>
To: clac@LIST_DOMAIN
Subject: Re: Verger chantier
Message-ID: <reply-NUMBER@mail.bench.example>
In-Reply-To: REPLY_TO
References: REPLY_TO
Date: Thu, 26 Nov 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

Bonne idée, je viens samedi avec une bêche et des gants.

Le jeu. 26 nov. 2026 à 09:12, Membre 3 <m3@bench.example> a écrit :
> On plante le verger samedi matin, qui vient ?
> Rendez-vous à 9 h devant la mairie.

--b1
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">Bonne idée, je viens samedi avec une bêche et des gants.</div>
<div class="gmail_quote"><div>Le jeu. 26 nov. 2026 à 09:12, Membre 3 a écrit :</div>
<blockquote class="gmail_quote">On plante le verger samedi matin, qui vient ?</blockquote></div>

--b1--
"""

RECEIVE = """
import time
from django.conf import settings
from tissage.collectives.lists.mail.inbound import receive
template = open(TEMPLATE_PATH, encoding="utf-8").read()
raws = [template.replace("LIST_DOMAIN", settings.LIST_DOMAIN).replace("NUMBER", f"inproc-{n}")
        .replace("\\n", "\\r\\n").encode() for n in range(COUNT)]
started = time.perf_counter()
statuses = [receive(raw).status for raw in raws]
elapsed = time.perf_counter() - started
print("elapsed", elapsed)
print("posted", statuses.count("posted"))
"""


def mail_in(env: dict[str, str], raw: bytes) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tissage.cli", "mail-in"],
        input=raw,
        env=env,
        cwd=bench.ROOT,
        capture_output=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout.decode() + result.stderr.decode())
        raise SystemExit("tissage mail-in failed")
    return time.perf_counter() - started


def bare_process(env: dict[str, str]) -> float:
    started = time.perf_counter()
    bench.tissage("shell", "-c", "pass", env=env)
    return time.perf_counter() - started


def load(database: str, size: int, args: argparse.Namespace) -> tuple[dict[str, str], dict]:
    """A database of `size` messages (kept from the previous run with `--reuse`): its
    environment and what the setup printed (a thread, a message, a Message-ID)."""
    bench.PG_DATABASE = f"{PG_DATABASE}_{size}"
    data_dir = bench.RESULTS / f"collectives-data-{database}-{size}"
    env = bench.bench_env(database, data_dir)
    found_file = data_dir.parent / f"collectives-found-{database}-{size}.txt"
    if args.reuse and found_file.exists():
        bench.log(f"{database}: reusing the database of {size:,} messages")
        bench.tissage("migrate", "--noinput", "-v", "0", env=env)
        output = found_file.read_text()
    else:
        bench.log(f"{database}: fresh database")
        bench.fresh_database(database, data_dir)
        bench.tissage("migrate", "--noinput", "-v", "0", env=env)
        bench.log(f"{database}: {size:,} messages")
        started = time.perf_counter()
        output = bench.tissage("shell", "-c", SETUP.replace("COUNT", str(size)), env=env)
        bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
        found_file.write_text(output)
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    found = dict(
        line.split(" ", 1)
        for line in output.splitlines()
        if line.startswith(("thread ", "message ", "reply_to "))
    )
    return env, found


def pages(size: int, found: dict[str, str]) -> dict[str, str]:
    threads = max(1, size // 20)
    far = min(100, max(1, threads // 25 // 2))  # page 100 at 100,000 messages
    archive = "/collectifs/clac/discussions/"
    return {
        bench.BASELINE: "/healthz/",
        "archive": archive,
        "archive, a far page": f"{archive}?page={far}",
        "search, a common word": f"{archive}?q=verger",
        "search, two common words": f"{archive}?q=guinguette+verger",
        "search, a common word, page 10": f"{archive}?q=verger&page=10",
        "search, a rare word (1 %)": f"{archive}?q=tracteur",
        "search, rare: EOLIENNE": f"{archive}?q=EOLIENNE",
        "search, a word found nowhere": f"{archive}?q=introuvable",
        "thread (20 messages)": f"/collectifs/clac/discussions/{found['thread']}/",
        "collective page": "/collectifs/clac/",
    }


def mail_throughput(database: str, env: dict[str, str], found: dict[str, str], args) -> dict:
    bench.log(f"{database}: mail-in, {args.mails} replies in one process")
    template = bench.RESULTS / "collectives-reply.eml"
    template.write_text(REPLY.replace("REPLY_TO", found["reply_to"]), encoding="utf-8")
    code = RECEIVE.replace("TEMPLATE_PATH", repr(str(template))).replace("COUNT", str(args.mails))
    measured = dict(
        line.split(" ", 1)
        for line in bench.tissage("shell", "-c", code, env=env).splitlines()
        if line.startswith(("elapsed ", "posted "))
    )
    elapsed = float(measured["elapsed"])
    in_process = args.mails / elapsed
    bench.log(f"{database}: mail-in, {args.processes} replies, one process each")
    process_times, bare_times = [], []
    for n in range(args.processes):
        raw = (
            REPLY.replace("REPLY_TO", found["reply_to"])
            .replace("LIST_DOMAIN", "localhost")
            .replace("NUMBER", f"process-{n}")
            .replace("\n", "\r\n")
            .encode()
        )
        bare_times.append(bare_process(env))
        process_times.append(mail_in(env, raw))
    per_process = statistics.median(process_times)
    bare = statistics.median(bare_times)
    print(
        f"mail-in in one process: {args.mails} replies in {elapsed:.2f} s = "
        f"{in_process:.0f} messages/s ({measured['posted']} posted)\n"
        f"mail-in, one process per message: median {per_process * 1000:.0f} ms "
        f"= {1 / per_process:.1f} messages/s per core; a bare Django process "
        f"(baseline) {bare * 1000:.0f} ms; ratio {per_process / bare:.2f}"
    )
    return {
        "in_process_messages_per_second": round(in_process, 1),
        "in_process_posted": int(measured["posted"]),
        "per_process_median_seconds": round(per_process, 3),
        "bare_process_median_seconds": round(bare, 3),
        "ratio_to_bare_process": round(per_process / bare, 2),
    }


def flatness(database: str, by_size: dict[int, dict]) -> list[dict]:
    """Per page, p95 at the largest size ÷ p95 at the smallest."""
    small, large = min(by_size), max(by_size)
    small_rows = {row["page"]: row for row in by_size[small]["rows"]}
    rows = []
    for row in by_size[large]["rows"]:
        before = small_rows.get(row["page"])
        if before is None or not before["p95_ms"]:
            continue
        rows.append(
            {
                "page": row["page"],
                f"p95_ms_{small}": round(before["p95_ms"], 1),
                f"p95_ms_{large}": round(row["p95_ms"], 1),
                "p95_ratio_to_baseline": round(row["p95_ratio"], 1),
                "size_ratio": round(row["p95_ms"] / before["p95_ms"], 2),
            }
        )
    print(f"\n{database} — p95 at {large:,} against {small:,} messages (flat: ≤ {FLAT_RATIO})")
    header = f"{'page':<32} {small:>9,} {large:>9,} {'ratio':>7} {'p95/base':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = row["size_ratio"]
        print(
            f"{row['page']:<32} {row[f'p95_ms_{small}']:>9.1f} {row[f'p95_ms_{large}']:>9.1f} "
            f"{ratio:>7.2f} {row['p95_ratio_to_baseline']:>9.1f}"
            f"{'' if ratio <= FLAT_RATIO else '  not flat'}"
        )
    return rows


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    loaded = {size: load(database, size, args) for size in args.messages}
    urls = {size: pages(size, found) for size, (_env, found) in loaded.items()}
    servers: dict[int, bench.Server] = {}
    try:
        for size, (env, _found) in loaded.items():
            log_path = bench.RESULTS / f"server-collectives-{database}-{size}-{stamp}.log"
            servers[size] = bench.Server(env, log_path, args.workers)
        for server in servers.values():
            server.wait_ready()
        bench.log(f"{database}: measuring {len(servers)} sizes together")
        load_before = os.getloadavg()[0]
        targets = {
            (size, name): (servers[size].port, path)
            for size in urls
            for name, path in urls[size].items()
        }
        results, completed = bench.measure_together(
            targets, args.requests, args.concurrency, args.max_seconds, args.warmup
        )
        load_after = os.getloadavg()[0]
    finally:
        for server in servers.values():
            server.stop()
    by_size: dict[int, dict] = {}
    for size in args.messages:
        rows = bench.summarise({name: results[(size, name)] for name in urls[size]}, urls[size])
        measured = bench.Measured(rows, completed, load_before, load_after)
        measured.report(f"{database} — {size:,} messages, concurrency {args.concurrency}")
        by_size[size] = {
            "rows": rows,
            "completed": completed,
            "load_average_before_after": [load_before, load_after],
        }
    mail = None
    if not args.skip_mail:
        env, found = loaded[max(args.messages)]
        mail = mail_throughput(database, env, found, args)
    return {
        "database": database,
        "messages": args.messages,
        "sizes": {str(size): result for size, result in by_size.items()},
        "flatness": flatness(database, by_size) if len(by_size) > 1 else [],
        "mail_in": mail,
    }


def sizes(text: str) -> list[int]:
    values = sorted({int(value.replace("_", "")) for value in text.split(",") if value.strip()})
    if not values or values[0] < 20:
        raise argparse.ArgumentTypeError("give one or more sizes of at least 20, e.g. 10000,100000")
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=sizes, default=[10_000, 100_000])
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--skip-mail", action="store_true", help="measure the pages only")
    parser.add_argument("--reuse", action="store_true", help="keep the previous run's databases")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=400)
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so that the servers are always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.run_each_database("collectives", args, run_database)


if __name__ == "__main__":
    main()
