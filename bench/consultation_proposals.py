"""Benchmark the proposals of a consultation (issue #16), against the baseline view.

    uv run python bench/consultation_proposals.py [--proposals 10000] [--database both]

Loads two consultations in one database: a small one (a tenth of the proposals) and a
large one (`--proposals`, 10,000 by default, with 20 supports each on average: 200,000
supports), each with 8 categories and 50 communes. Then measures, for both, the list
sorted by support, in the visitor's random order, sorted by date, filtered by category,
a far page, a proposal's page and the similar titles while typing, with p50/p95 and the
ratio of p95 to `/healthz/` measured in the same run: the two sizes side by side show
whether the cost grows with the consultation. Writes JSON under bench/results/.

Uses its own PostgreSQL database (`tissage_bench_proposals`), dropped and recreated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

# Its own database: other benches may run at the same time on `tissage_bench`.
bench.PG_DATABASE = "tissage_bench_proposals"

SETUP = """
import datetime, random
from django.utils import timezone
from tissage.consultations.models import Category, Consultation, Proposal, ProposalWord, Support
from tissage.core.tests.factories import (CommuneFactory, OrganisationFactory, ProjectFactory,
    UserFactory)
rng = random.Random(16)
organisation = OrganisationFactory()
project = ProjectFactory(organisation=organisation, status="published", slug="bench-consultation")
communes = [CommuneFactory(insee_code=f"26{n:03d}") for n in range(50)]
authors = UserFactory.create_batch(200)
today = timezone.localdate()
words = ("haie verger jardin chemin pont école stade rivière place marché arbre banc "
         "fontaine lavoir parking vélo piste forêt prairie mare").split()
for slug, count in (("petite", COUNT // 10), ("grande", COUNT)):
    consultation = Consultation.objects.create(project=project, slug=slug, title=slug,
        text="Où planter ?", published=True, opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=30))
    categories = Category.objects.bulk_create([Category(consultation=consultation,
        name=f"Thème {n}", position=n) for n in range(8)])
    now = timezone.now()
    proposals = []
    for n in range(count):
        title = " ".join(rng.sample(words, 3)) + f" {n}"
        proposals.append(Proposal(consultation=consultation, title=title,
            text="Une idée pour le territoire.",
            category=rng.choice(categories), commune=rng.choice(communes),
            author=rng.choice(authors), status="published",
            created_at=now - datetime.timedelta(minutes=n),
            answer_status=rng.choice(["", "", "under_study", "accepted"]),
            comment_count=rng.randrange(0, 5)))
    Proposal.objects.bulk_create(proposals, batch_size=2000)
    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("pk"))
    ProposalWord.objects.bulk_create([word for proposal in proposals
        for word in ProposalWord.of(proposal)], batch_size=5000)
    supports = []
    # 20 supports a proposal on average, skewed: a few ideas gather many.
    for proposal in proposals:
        number = min(int(rng.paretovariate(1.5) * 8), 400)
        proposal.support_count = number
        supports.extend(Support(proposal=proposal, email=f"s{i}@bench.example",
            confirmed_at=now) for i in range(number))
        if len(supports) >= 20000:
            Support.objects.bulk_create(supports, batch_size=5000)
            supports = []
    Support.objects.bulk_create(supports, batch_size=5000)
    Proposal.objects.bulk_update(proposals, ["support_count"], batch_size=2000)
    print("consultation", slug, proposals[count // 3].pk, categories[3].pk,
          Support.objects.filter(proposal__consultation=consultation).count())
"""


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"proposals-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {args.proposals // 10:,} and {args.proposals:,} proposals")
    started = time.perf_counter()
    output = bench.tissage("shell", "-c", SETUP.replace("COUNT", str(args.proposals)), env=env)
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    found: dict[str, tuple[str, str, str]] = {}
    for line in output.splitlines():
        if line.startswith("consultation "):
            _word, slug, proposal, category, supports = line.split()
            found[slug] = (proposal, category, supports)
            bench.log(f"{database}: {slug}: {supports} supports")
    urls = {bench.BASELINE: "/healthz/"}
    for slug, (proposal, category, _supports) in found.items():
        base = f"/consultations/{slug}/propositions/"
        urls |= {
            f"{slug}: by support": base + "?ordre=soutiens",
            f"{slug}: random order": base + "?ordre=hasard",
            f"{slug}: most recent": base + "?ordre=recentes",
            f"{slug}: by category": base + f"?ordre=soutiens&categorie={category}",
            f"{slug}: page 40": base + "?ordre=hasard&page=40",
            f"{slug}: similar titles": base + "similaires/?titre=une+haie+pres+du+stade",
            f"{slug}: a proposal": f"/consultations/propositions/{proposal}/",
        }
    measured = bench.serve_and_measure(
        env, urls, args, f"server-proposals-{database}-{stamp}.log", warmup=5
    )
    measured.report(
        f"{database} — {args.proposals // 10:,} and {args.proposals:,} proposals, "
        f"concurrency {args.concurrency}"
    )
    return {
        "database": database,
        "proposals": args.proposals,
        "supports": {slug: int(values[2]) for slug, values in found.items()},
        "rows": measured.rows,
        "completed": measured.completed,
        "load_average_before_after": [measured.load_before, measured.load_after],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=240)
    args = parser.parse_args()
    bench.run_each_database("consultation-proposals", args, run_database)


if __name__ == "__main__":
    main()
