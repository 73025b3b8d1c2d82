"""Notification emails: at once (one per person, RFC 8058 headers), and the digests
(one per person and period, idempotent, batched)."""

from __future__ import annotations

import datetime
import io
import re
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import ProjectFactory
from tissage.engagement import delivery
from tissage.engagement.delivery import digests_send, period_ended_on
from tissage.engagement.kinds import Delivery, Kind
from tissage.engagement.models import DeliverySetting, Digest, Notification

from .helpers import fan_out, follow, notifications_at, paris, people

pytestmark = pytest.mark.django_db

UNSUBSCRIBE = re.compile(r"^<(https://tissage\.example/notifications/desabonner/[^/>]+/)>$")


@pytest.fixture
def https_site(settings):
    settings.SITE_URL = "https://tissage.example"


# --- at once ---------------------------------------------------------------------------


def test_one_email_each_at_once_with_one_click_unsubscribe(
    https_site, django_capture_on_commit_callbacks
):
    first, second, actor = people(3)
    with django_capture_on_commit_callbacks(execute=True):
        event = fan_out(Kind.REPLY, users=[first, second, actor], actor=actor)

    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])
    for message in mail.outbox:
        assert len(message.to) == 1
        assert not message.cc and not message.bcc
        raw = message.message().as_bytes()
        others = {first.email, second.email, actor.email} - {message.to[0]}
        assert not any(address.encode() in raw for address in others)
        parsed = message_from_bytes(raw)
        assert UNSUBSCRIBE.match(parsed["List-Unsubscribe"])
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Camille" in message.subject
        assert "https://tissage.example/actions/plantation/" in message.body
        assert "https://tissage.example/notifications/reglages/" in message.body
    assert Notification.objects.filter(event=event, emailed_at__isnull=False).count() == 2


def test_at_once_only_for_who_wants_it_and_once(https_site, django_capture_on_commit_callbacks):
    at_once, weekly, site, already = people(4)
    DeliverySetting.objects.create(user=site, kind=Kind.REPLY, delivery=Delivery.SITE)
    DeliverySetting.objects.create(user=weekly, kind=Kind.REPLY, delivery=Delivery.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        event = fan_out(Kind.REPLY, users=[at_once, weekly, site, already], emailed=[already])
        delivery.emails_at_once(event)  # a retry of the task: nothing twice

    assert [message.to for message in mail.outbox] == [[at_once.email]]


def test_each_in_their_own_language(monkeypatch):
    english, french = people(2)
    english.language = "en"
    english.save(update_fields=["language"])
    languages = {}
    send = delivery.email_send

    def recording(**kwargs):
        languages[kwargs["to"]] = kwargs["language"]
        return send(**kwargs)

    monkeypatch.setattr(delivery, "email_send", recording)
    fan_out(Kind.REPLY, users=[english, french])
    assert languages == {english.email: "en", french.email: "fr"}


def test_at_once_is_written_in_batches(monkeypatch):
    monkeypatch.setattr(delivery, "BATCH", 3)
    recipients = people(7)
    fan_out(Kind.REPLY, users=recipients)  # the fan-out emails them
    assert OutgoingEmail.objects.count() == 7
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


# --- digests ---------------------------------------------------------------------------

MONDAY = paris(2026, 3, 16, 0, 30)  # a Monday, just after midnight in Paris
SUNDAY_NOON = paris(2026, 3, 15, 12, 0)


def test_periods_in_paris_time():
    assert period_ended_on("daily", MONDAY) == (datetime.date(2026, 3, 15), paris(2026, 3, 16))
    assert period_ended_on("weekly", MONDAY) == (datetime.date(2026, 3, 9), paris(2026, 3, 16))
    assert period_ended_on("weekly", paris(2026, 3, 22, 23, 59)) == (
        datetime.date(2026, 3, 9),
        paris(2026, 3, 16),
    )
    # 23:30 UTC on Sunday is already Monday in Paris.
    late = datetime.datetime(2026, 3, 15, 23, 30, tzinfo=datetime.UTC)
    assert period_ended_on("daily", late)[0] == datetime.date(2026, 3, 15)


def test_a_daily_digest_once_whatever_runs_and_follows(
    https_site, django_capture_on_commit_callbacks
):
    reader, other = people(2)
    notifications_at(SUNDAY_NOON, [reader, other], kind=Kind.ACTION_NEW, count=3)
    notifications_at(SUNDAY_NOON, [reader], kind=Kind.NEWS_POST, count=2)
    today = notifications_at(MONDAY, [reader], kind=Kind.ACTION_NEW)  # the next day's

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(period="daily", now=MONDAY + datetime.timedelta(hours=1)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(period="daily", now=MONDAY + datetime.timedelta(hours=2)) == 0

    assert sorted(message.to[0] for message in mail.outbox) == sorted([reader.email, other.email])
    to_reader = next(message for message in mail.outbox if message.to == [reader.email])
    assert "5" in to_reader.subject
    assert to_reader.body.count("https://tissage.example/actions/a") == 5
    assert to_reader.body.index("Plantation de haies") < to_reader.body.index("Bilan de l")
    parsed = message_from_bytes(to_reader.message().as_bytes())
    assert UNSUBSCRIBE.match(parsed["List-Unsubscribe"])
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert other.email.encode() not in to_reader.message().as_bytes()
    assert Digest.objects.filter(period="daily").count() == 2
    waiting = Notification.objects.get(event=today[0])
    assert waiting.digest is None  # tomorrow's digest


def test_the_weekly_digest_goes_on_monday_for_the_week_before(
    https_site, django_capture_on_commit_callbacks
):
    (person,) = people(1)
    notifications_at(paris(2026, 3, 10, 9), [person], delivery="weekly")
    saturday = paris(2026, 3, 21, 8)
    assert digests_send(period="weekly", now=paris(2026, 3, 15, 23)) == 0  # still that week
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(period="weekly", now=saturday) == 1
        assert digests_send(period="daily", now=saturday) == 0
    digest = Digest.objects.get()
    assert (digest.period, digest.starts_on) == ("weekly", datetime.date(2026, 3, 9))
    assert len(mail.outbox) == 1


def test_read_emailed_and_other_periods_are_not_listed(django_capture_on_commit_callbacks):
    person, all_read = people(2)
    listed = notifications_at(SUNDAY_NOON, [person])
    read = notifications_at(SUNDAY_NOON, [person, all_read])
    emailed = notifications_at(SUNDAY_NOON, [person])
    notifications_at(SUNDAY_NOON, [person], delivery="weekly")
    Notification.objects.filter(event__in=read).update(read_at=SUNDAY_NOON)
    Notification.objects.filter(event__in=emailed).update(emailed_at=SUNDAY_NOON)

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(period="daily", now=MONDAY) == 1

    assert [message.to for message in mail.outbox] == [[person.email]]
    assert mail.outbox[0].body.count("/actions/a0/") == 1
    assert "1 nouvelle notification dans" in mail.outbox[0].body
    assert Notification.objects.get(event=listed[0], user=person).digest is not None
    # What was read is in the digest (never proposed again), not in its email.
    assert Notification.objects.get(event=read[0], user=all_read).digest is not None


def test_a_digest_another_machine_sent_is_not_sent_again():
    (person,) = people(1)
    notifications_at(SUNDAY_NOON, [person])
    email = OutgoingEmail.objects.create(to=person.email, subject="x")
    Digest.objects.create(
        user=person, period="daily", starts_on=datetime.date(2026, 3, 15), email=email
    )
    assert digests_send(period="daily", now=MONDAY) == 0
    assert OutgoingEmail.objects.count() == 1


def test_a_long_digest_stops_at_fifty_lines(https_site, monkeypatch):
    (person,) = people(1)
    notifications_at(SUNDAY_NOON, [person], count=60)
    assert digests_send(period="daily", now=MONDAY) == 1
    email = OutgoingEmail.objects.get()
    assert email.body_text.count("https://tissage.example/actions/a") == 50
    assert "Et 10 autres." in email.body_text
    assert "https://tissage.example/notifications/\n" in email.body_text


def test_the_digest_in_the_persons_language():
    english, french = people(2)
    english.language = "en"
    english.save(update_fields=["language"])
    notifications_at(SUNDAY_NOON, [english, french])
    digests_send(period="daily", now=MONDAY)
    subjects = dict(OutgoingEmail.objects.values_list("to", "subject"))
    assert "15 March 2026" in subjects[english.email]
    assert "15 mars 2026" in subjects[french.email]


def _digest_run_queries(people_count: int, per_person: int) -> int:
    persons = people(people_count)
    notifications_at(SUNDAY_NOON, persons, count=per_person)
    with CaptureQueriesContext(connection) as captured:
        assert digests_send(period="daily", now=MONDAY) == people_count
    Digest.objects.all().delete()
    Notification.objects.all().delete()
    return len(captured)


def test_digest_queries_do_not_grow_with_notifications():
    few = _digest_run_queries(4, 1)
    many = _digest_run_queries(4, 12)
    assert many == few


def test_digest_queries_grow_only_by_the_email_of_each_person():
    # Each person's email is one row (core.emails); everything else is per batch.
    small = _digest_run_queries(3, 2)
    large = _digest_run_queries(12, 2)
    assert large - small == 12 - 3
    assert small <= 10 + 3


def test_the_command_sends_both_periods_and_says_so():
    person, weekly = people(2)
    long_ago = timezone.now() - datetime.timedelta(days=8)
    notifications_at(long_ago, [person], delivery="daily")
    notifications_at(long_ago, [weekly], delivery="weekly")
    out = io.StringIO()
    call_command("send_notification_digests", stdout=out)
    assert out.getvalue() == "daily: 1 digest(s) queued.\nweekly: 1 digest(s) queued.\n"
    call_command("send_notification_digests", "--period", "daily", stdout=out)
    assert OutgoingEmail.objects.count() == 2


def test_a_follower_finds_a_new_action_in_the_weekly_digest(
    https_site, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    (person,) = people(1)
    follow(person, project)
    event = fan_out(Kind.ACTION_NEW, targets=[project])
    assert not mail.outbox  # followed news: weekly digest by default
    with django_capture_on_commit_callbacks(execute=True):
        digests_send(period="weekly", now=event.created_at + datetime.timedelta(days=7))
    assert len(mail.outbox) == 1
    assert "Plantation de haies" in mail.outbox[0].body
