"""The registration's email is written by the worker (`emails.registration_email`), through
the real database queue and a real SMTP server: sent once per registration, even when
its task runs twice; an email that cannot be written leaves the registration standing,
is logged and is tried again."""

from __future__ import annotations

import signal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tissage.actions.agenda import calendars
from tissage.actions.models import Registration
from tissage.actions.registration.emails import registration_email
from tissage.actions.tests.helpers import make_action
from tissage.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def worker_run() -> None:
    """`tissage worker --batch`: every task ready, then it stops."""
    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:  # the worker takes over Ctrl+C and SIGTERM: give them back to pytest
        for number, handler in handlers.items():
            signal.signal(number, handler)


def register(action, email: str = "jeanne@example.org"):  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("actions:detail", args=[action.slug]),
        {"name": "Jeanne", "email": email, "role": action.roles.first().pk, "companions": 0},
    )
    assert response.status_code == 302
    return Registration.objects.get(email=email)


def attachments(message) -> list[str]:  # type: ignore[no-untyped-def]
    return [part.get_filename() for part in message.iter_attachments()]


def test_the_worker_writes_the_confirmation_and_sends_it_once(smtp_server):
    action = make_action()
    registration = register(action)
    assert registration.status == "confirmed"
    assert not OutgoingEmail.objects.exists() and smtp_server.messages == []

    worker_run()
    (message,) = smtp_server.messages
    assert message["To"] == "jeanne@example.org"
    assert attachments(message) == [f"{action.slug}.ics"]
    assert "You are registered" in message["Subject"]  # the language of the request: English

    # Its task run again (a worker killed after it wrote the email, core.workers).
    DBTaskResult.objects.filter(task_path__endswith="registration_email").update(
        status="READY", started_at=None, finished_at=None
    )
    worker_run()
    assert len(smtp_server.messages) == 1
    assert OutgoingEmail.objects.count() == 1


def test_an_email_that_cannot_be_written_leaves_the_registration_and_is_tried_again(
    smtp_server, monkeypatch, caplog
):
    action = make_action()

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("calendar library broken")

    monkeypatch.setattr(calendars, "calendar_of", broken)
    registration = register(action)
    worker_run()

    registration.refresh_from_db()
    assert registration.status == "confirmed"  # the registration stands
    assert not OutgoingEmail.objects.exists() and smtp_server.messages == []
    (logged,) = [r for r in caplog.records if "could not be written" in r.getMessage()]
    assert logged.exc_info is not None and "calendar library broken" in str(logged.exc_info[1])
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"][-1] == 1  # one attempt made

    monkeypatch.undo()  # mended; the retry comes due
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    worker_run()
    (message,) = smtp_server.messages
    assert attachments(message) == [f"{action.slug}.ics"]
    assert OutgoingEmail.objects.get().key == f"actions-registration-{registration.pk}-confirmed"


def test_a_registration_cancelled_before_the_worker_gets_no_confirmation(smtp_server):
    registration = register(make_action())
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")

    worker_run()
    assert smtp_server.messages == []
    assert registration_email.call(registration.pk, "confirmed", "", "fr", "k") == "nothing to do"
