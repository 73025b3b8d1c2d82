"""Benchmark notifications: the fan-out of one event to 10,000 followers, and a daily
digest run for 10,000 people, each against a baseline measured in the same run.

    uv run python bench/notifications.py [--people 10000] [--database sqlite|postgres|both]

For each database: a fresh database (PostgreSQL: `tissage_bench_notifications`, its own,
so that other benches running at the same time are not disturbed), migrate, N people
following one project (bulk-loaded), then, in one `tissage shell` process:

- fan-out: `event_fan_out_now` of one "new action" event of the project (what the worker
  runs once `notify` is committed): N notifications, weekly digest by default, so no
  email. Baseline: a bare `bulk_create` of N notifications of another event, in batches
  of 1,000 (the write the fan-out cannot avoid). Target: under 10 s on PostgreSQL.
- fan-out with 10 % of the followers on "at once": the same, plus their emails.
- daily digests: every person on daily digest for new actions with 3 notifications of
  the day before; `digests_send(period="daily")` queues one email each (rendered, stored
  as `OutgoingEmail`, its delivery task queued in the database as in production).
  Baseline: N bare `email_send` of a one-line notification email (the per-person cost a
  digest cannot avoid).

Prints the figures with the load average before and after; writes JSON under
bench/results/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # the shared harness of bench/run.py

SETUP = """
from django.contrib.contenttypes.models import ContentType
from tissage.accounts.models import User
from tissage.core.tests.factories import ProjectFactory
from tissage.engagement.models import Follow
project = ProjectFactory(status="published", slug="bench-notifications")
users = User.objects.bulk_create(
    [User(email=f"p{n}@bench.example", display_name=f"Personne {n}", language="fr")
     for n in range(PEOPLE)], batch_size=2000)
project_type = ContentType.objects.get_for_model(project)
Follow.objects.bulk_create(
    [Follow(user=user, target_type=project_type, target_id=project.pk) for user in users],
    batch_size=2000)
print("people", User.objects.count())
"""

MEASURE = """
import datetime, time
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from tissage.accounts.models import User
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail
from tissage.engagement.delivery import digests_send
from tissage.engagement.models import DeliverySetting, Event, Notification
from tissage.engagement.services import event_fan_out_now, notify
from tissage.projects.models import Project
from django.urls import reverse

reverse("engagement:settings")  # the URLconf loaded once, as in a running worker
project = Project.objects.get(slug="bench-notifications")
params = {"title": "Plantation de haies", "starts_at": "2026-03-14T09:00:00+01:00",
          "commune": "Crest", "project": project.title}
user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))

def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result

# Baseline of the fan-out: the bare write of N notifications.
other = Event.objects.create(kind="action_new", url="/x/", params=params)
rows = [Notification(user_id=pk, event=other, kind="action_new", delivery="weekly")
        for pk in user_ids]
seconds, _ = timed(lambda: [Notification.objects.bulk_create(rows[i:i + 1000])
                            for i in range(0, len(rows), 1000)])
print("baseline_bulk_create", seconds)
Notification.objects.filter(event=other).delete()

event = notify(kind="action_new", url="/actions/plantation/", params=params, targets=[project])
seconds, added = timed(lambda: event_fan_out_now(event))
print("fan_out", seconds, added)

DeliverySetting.objects.bulk_create(
    [DeliverySetting(user_id=pk, kind="action_new", delivery="immediate")
     for pk in user_ids[::10]])
emails_before = OutgoingEmail.objects.count()
event = notify(kind="action_new", url="/actions/plantation-2/", params=params, targets=[project])
seconds, added = timed(lambda: event_fan_out_now(event))
print("fan_out_tenth_at_once", seconds, added, OutgoingEmail.objects.count() - emails_before)

# Daily digests: 3 notifications each, from yesterday.
Notification.objects.all().delete()
DeliverySetting.objects.all().delete()
OutgoingEmail.objects.all().delete()
yesterday = timezone.now() - datetime.timedelta(days=1)
events = Event.objects.bulk_create(
    [Event(kind="action_new", url=f"/actions/a{n}/", params=params, created_at=yesterday)
     for n in range(3)])
Notification.objects.bulk_create(
    [Notification(user_id=pk, event=e, kind="action_new", delivery="daily",
                  created_at=yesterday) for e in events for pk in user_ids], batch_size=5000)
users = list(User.objects.order_by("pk"))
def bare_emails():
    for user in users:
        email_send(to=user.email, template="emails/engagement/notification",
                   context={"text": "Nouvelle action : Plantation de haies à Crest",
                            "url": "http://127.0.0.1/actions/a0/", "kind_label": "x",
                            "settings_url": "http://127.0.0.1/notifications/reglages/",
                            "unsubscribe_url": "http://127.0.0.1/notifications/desabonner/x/"},
                   reason="bench", language=user.language)
seconds, _ = timed(bare_emails)
print("baseline_email_send", seconds, len(users))
OutgoingEmail.objects.all().delete()
seconds, sent = timed(lambda: digests_send(period="daily"))
print("digests_daily", seconds, sent)
seconds, again = timed(lambda: digests_send(period="daily"))
print("digests_daily_again", seconds, again)
"""


MEASURED = {
    "baseline_bulk_create",
    "fan_out",
    "fan_out_tenth_at_once",
    "baseline_email_send",
    "digests_daily",
    "digests_daily_again",
}


def run_database(database: str, args: argparse.Namespace, stamp: str) -> dict:
    data_dir = bench.RESULTS / f"notifications-data-{database}"
    env = bench.bench_env(database, data_dir)
    bench.log(f"{database}: fresh database")
    bench.fresh_database(database, data_dir)
    bench.tissage("migrate", "--noinput", "-v", "0", env=env)
    bench.log(f"{database}: {args.people:,} people following one project")
    bench.tissage("shell", "-c", SETUP.replace("PEOPLE", str(args.people)), env=env)
    # As autovacuum would after a bulk load on PostgreSQL, as the daily `tissage
    # purge` does on SQLite (ANALYZE).
    bench.settle(env)
    load_before = os.getloadavg()
    bench.log(f"{database}: measuring")
    output = bench.tissage("shell", "-c", MEASURE, env=env)
    load_after = os.getloadavg()
    figures = {
        words[0]: [float(word) for word in words[1:]]
        for words in (line.split() for line in output.splitlines())
        if words and words[0] in MEASURED
    }
    fan_out = figures["fan_out"][0]
    base_write = figures["baseline_bulk_create"][0]
    digests = figures["digests_daily"][0]
    base_email = figures["baseline_email_send"][0]
    result = {
        "database": database,
        "people": args.people,
        "load_average_before_after": [load_before, load_after],
        "fan_out_seconds": round(fan_out, 2),
        "fan_out_added": int(figures["fan_out"][1]),
        "baseline_bulk_create_seconds": round(base_write, 2),
        "fan_out_over_baseline": round(fan_out / base_write, 1),
        "fan_out_tenth_at_once_seconds": round(figures["fan_out_tenth_at_once"][0], 2),
        "fan_out_tenth_at_once_emails": int(figures["fan_out_tenth_at_once"][2]),
        "digests_daily_seconds": round(digests, 2),
        "digests_daily_sent": int(figures["digests_daily"][1]),
        "baseline_email_send_seconds": round(base_email, 2),
        "digests_over_baseline": round(digests / base_email, 2),
        "digests_again_seconds": round(figures["digests_daily_again"][0], 2),
        "digests_again_sent": int(figures["digests_daily_again"][1]),
    }
    print(
        f"\n{database}, {args.people:,} people (load average {load_before[0]:.2f} → "
        f"{load_after[0]:.2f}):\n"
        f"  fan-out of one event: {fan_out:.2f} s for {result['fan_out_added']:,} "
        f"notifications ({result['fan_out_over_baseline']}× a bare bulk_create of as many, "
        f"{base_write:.2f} s){' — OVER 10 s' if fan_out > 10 else ''}\n"
        f"  fan-out with 10 % at once: {result['fan_out_tenth_at_once_seconds']} s, "
        f"{result['fan_out_tenth_at_once_emails']:,} emails queued\n"
        f"  daily digests: {digests:.2f} s for {result['digests_daily_sent']:,} emails "
        f"({result['digests_over_baseline']}× {args.people:,} bare email_send, "
        f"{base_email:.2f} s = {base_email / args.people * 1000:.2f} ms each); "
        f"again: {result['digests_again_sent']} sent in {result['digests_again_seconds']} s"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    bench.PG_DATABASE = "tissage_bench_notifications"
    bench.run_each_database("notifications", args, run_database)


if __name__ == "__main__":
    main()
