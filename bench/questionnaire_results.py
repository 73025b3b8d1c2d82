"""Benchmark a questionnaire's results page with many responses, against the baseline.

    uv run python bench/questionnaire_results.py [--sizes 5000,50000]
        [--database sqlite|postgres|both]

For each size, loads one published questionnaire of eight questions (single and multiple
choice with "other", a scale, a ranking, a number, a date, a commune, a short text) with
N counted responses from 30 communes (a fifth of the texts published), rebuilds its
counts (`tallies_rebuild`, the same rules as the counts kept at each answer), then
measures the results page (every commune, and one commune) with p50/p95 and the ratio of
p95 to `/healthz/` measured in the same run. The budget is 300 ms p95 at 50,000. Writes
JSON under bench/results/. PostgreSQL: the database `tissage_questionnaires_bench` is
dropped and recreated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

# Its own PostgreSQL database: other benches may run at the same time.
bench.PG_DATABASE = "tissage_questionnaires_bench"

SETUP = """
import datetime, random
from django.utils import timezone
from tissage.consultations.models import Answer, Question, Questionnaire, Response
from tissage.consultations.questionnaires.services import tallies_rebuild
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.core.tests.factories import CommuneFactory
rng = random.Random(7)
consultation = ConsultationFactory(slug="bench")
questionnaire = Questionnaire.objects.create(consultation=consultation, title="Patrimoine",
    published=True, results_public=True)
communes = [CommuneFactory(insee_code=f"26{n:03d}") for n in range(30)]
Q = Question.Kind
spec = [
    (Q.CHOICE, ["Lavoirs", "Chapelles", "Moulins", "Ponts", "Fours"], True),
    (Q.MULTIPLE_CHOICE, ["Visites", "Chantiers", "Expositions", "Balades"], True),
    (Q.SCALE, [], False),
    (Q.RANKING, ["Restaurer", "Signaler", "Raconter", "Ouvrir"], False),
    (Q.NUMBER, [], False),
    (Q.DATE, [], False),
    (Q.COMMUNE, [], False),
    (Q.TEXT, [], False),
]
questions = [Question.objects.create(questionnaire=questionnaire, label=f"Question {i}",
    kind=kind, choices=choices, allow_other=other, position=i)
    for i, (kind, choices, other) in enumerate(spec)]
now = timezone.now()
responses = Response.objects.bulk_create([Response(questionnaire=questionnaire,
    commune=rng.choice(communes + [None]), submitted_at=now, counted_at=now)
    for _ in range(COUNT)], batch_size=5000)
def value(question):
    kind = question.kind
    if kind == Q.CHOICE:
        return rng.choice(question.choices), ""
    if kind == Q.MULTIPLE_CHOICE:
        other = "Autre" if rng.random() < .05 else ""
        return rng.sample(question.choices, rng.randrange(1, 4)), other
    if kind == Q.SCALE:
        return rng.randrange(1, 6), ""
    if kind == Q.RANKING:
        return rng.sample(question.choices, len(question.choices)), ""
    if kind == Q.NUMBER:
        return rng.randrange(0, 100), ""
    if kind == Q.DATE:
        return f"2026-{rng.randrange(1, 13):02d}-01", ""
    if kind == Q.COMMUNE:
        return rng.choice(communes).insee_code, ""
    return None, f"Un souvenir {rng.randrange(100000)}"
batch = []
for response in responses:
    for question in questions:
        answer_value, text = value(question)
        batch.append(Answer(response=response, question=question, value=answer_value, text=text,
            moderation="published" if text and rng.random() < .2 else "pending",
            area=response.area))
    if len(batch) >= 20000:
        Answer.objects.bulk_create(batch, batch_size=5000)
        batch = []
Answer.objects.bulk_create(batch, batch_size=5000)
print("counted", tallies_rebuild(questionnaire=questionnaire))
print("questionnaire", questionnaire.pk)
print("commune", communes[3].insee_code)
"""


def run_size(database: str, size: int, args: argparse.Namespace, stamp: str) -> list[dict]:
    data_dir = bench.RESULTS / f"questionnaire-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.tissage("collectstatic", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {size:,} responses")
    started = time.perf_counter()
    output = bench.tissage("shell", "-c", SETUP.replace("COUNT", str(size)), env=env)
    bench.log(f"{database}: loaded in {time.perf_counter() - started:.1f} s")
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    found = dict(
        line.split()
        for line in output.splitlines()
        if line.startswith(("questionnaire ", "commune ", "counted "))
    )
    assert int(found["counted"]) == size, found
    pk = found["questionnaire"]
    urls = {
        bench.BASELINE: "/healthz/",
        f"results ({size:,})": f"/consultations/questionnaires/{pk}/resultats/",
        f"results, one commune ({size:,})": (
            f"/consultations/questionnaires/{pk}/resultats/?commune={found['commune']}"
        ),
    }
    measured = bench.serve_and_measure(
        env, urls, args, f"server-questionnaire-{database}-{size}-{stamp}.log", warmup=5
    )
    measured.report(f"{database} — {size:,} responses, concurrency {args.concurrency}")
    return measured.rows


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    sizes = [int(s) for s in args.sizes.split(",")]
    return {
        "database": database,
        "sizes": sizes,
        "rows": {str(size): run_size(database, size, args, stamp) for size in sizes},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=120)
    args = parser.parse_args()
    bench.run_each_database("questionnaire-results", args, run_database)


if __name__ == "__main__":
    main()
