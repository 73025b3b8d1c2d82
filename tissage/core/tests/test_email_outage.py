"""The mail server down for ten minutes (issue #17, §4): every email queued before or
during the outage is delivered once it is back, none twice.

A real `tissage worker` process and a real SMTP server that is stopped, then started
again on the same port. Time is scaled, not mocked: the worker's retry "minute"
(TISSAGE_EMAIL_RETRY_UNIT_SECONDS) lasts UNIT seconds, so the outage's ten minutes pass
in 10 × UNIT seconds and the retries keep their real schedule (1, 2, 4, 8… minutes)."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from tissage.core.emails import email_send, retry_delay
from tissage.core.models import OutgoingEmail, Worker
from tissage.core.tests.processes import wait_for, worker_processes
from tissage.core.tests.smtp import Inbox, free_port

from .test_emails import TEAM

UNIT = 0.5  # seconds of the test per minute of the retry schedule
OUTAGE = 10  # minutes
PER_BATCH = 10


def test_the_retry_schedule_outlasts_a_night_without_mail_server(settings):
    """Ten attempts: the last one 511 minutes (8.5 hours) after the first."""
    waited = sum(
        (retry_delay(attempt) for attempt in range(1, settings.EMAIL_MAX_ATTEMPTS)),
        timedelta(),
    )
    assert settings.EMAIL_MAX_ATTEMPTS == 10
    assert waited == timedelta(minutes=511)
    # The former six attempts (31 minutes) covered ten minutes of outage, not an hour.
    assert sum((retry_delay(attempt) for attempt in range(1, 6)), timedelta()) == timedelta(
        minutes=31
    )


@pytest.mark.django_db(transaction=True)
def test_emails_queued_while_the_mail_server_is_down_arrive_once_it_is_back(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    port = free_port()  # nobody listens there: the mail server is down
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)

    def queue(batch: str) -> list[OutgoingEmail]:
        return [
            email_send(to=f"{batch}{number}@example.org", **TEAM) for number in range(PER_BATCH)
        ]

    def tried(emails: list[OutgoingEmail]) -> bool:
        pks = [email.pk for email in emails]
        return OutgoingEmail.objects.filter(pk__in=pks, attempts__gte=1).count() == len(pks)

    try:
        with worker_processes(port, TISSAGE_EMAIL_RETRY_UNIT_SECONDS=str(UNIT)) as start_worker:
            worker = start_worker()
            wait_for(lambda: Worker.objects.filter(id=worker.worker_id).exists(), 30, "start")
            down_at = time.monotonic()
            before = queue("avant")  # the outage begins as they are queued
            wait_for(lambda: tried(before), OUTAGE * UNIT / 2, "first attempts", [worker])
            time.sleep(max(0.0, down_at + OUTAGE * UNIT / 2 - time.monotonic()))
            during = queue("pendant")  # five minutes into the outage
            wait_for(lambda: tried(during), OUTAGE * UNIT / 2, "first attempts", [worker])
            time.sleep(max(0.0, down_at + OUTAGE * UNIT - time.monotonic()))
            failed_attempts = sum(
                OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).values_list(
                    "attempts", flat=True
                )
            )
            server.start()  # back after ten minutes
            back = wait_for(
                lambda: (
                    not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()
                ),
                20 * UNIT,
                "every email sent",
                [worker],
            )
            time.sleep(4 * UNIT)  # nothing more arrives
    finally:
        server.stop(no_assert=True)

    emails = before + during
    received = Counter(recipient for recipients in inbox.recipients for recipient in recipients)
    assert received == Counter({email.to: 1 for email in emails})
    # Each was tried while the server was down, and failed without being lost.
    assert failed_attempts >= 2 * PER_BATCH * 2
    for email in OutgoingEmail.objects.all():
        assert email.status == OutgoingEmail.Status.SENT
        assert email.attempts >= 2
        assert email.last_error == ""
    assert sorted(mail["Message-ID"] for mail in inbox.messages) == sorted(
        email.message_id for email in OutgoingEmail.objects.all()
    )
    print(  # the figures of docs/operations.md, "Faults" (pytest -s)
        f"\nmail server down {OUTAGE} min: {len(emails)} emails, {failed_attempts} failed "
        f"attempts, all delivered {back / UNIT:.1f} min after it came back, "
        f"{sum(received.values()) - len(received)} twice"
    )
