"""Outgoing email: rendered, queued in the database, delivered over SMTP, retried."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from tissage.core.emails import REDACTED, deliver_email, email_send
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import SuperuserFactory
from tissage.core.tests.smtp import Inbox, free_port, use_smtp

pytestmark = pytest.mark.django_db

REASON = "Vous recevez ce message parce que vous avez demandé à vous connecter."
CODE = "123456"
LINK = "http://x/compte/connexion/lien/a-secret-token/"
SIGN_IN = {
    "template": "emails/accounts/sign_in",
    "context": {"minutes": 15},
    "secrets": {"code": CODE, "link": LINK},
    "reason": REASON,
}
TEAM = {
    "template": "emails/team/member_added",
    "context": {
        "team": "Les Vergers",
        "team_url": "https://t.example/x/",
        "sign_in_url": "https://t.example/compte/connexion/",
        "role": "r",
    },
    "reason": REASON,
}


def stored_parts(message: OutgoingEmail) -> list[str]:
    """Everything kept of an email that the admin or a data download could show."""
    return [message.subject, message.body_text, message.body_html]


def holds_a_secret(texts: list[str]) -> bool:
    return any(CODE in text or LINK in text or "a-secret-token" in text for text in texts)


def test_email_reaches_a_real_smtp_server(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queued = email_send(to="camille@example.org", **SIGN_IN)

    assert smtp_server.recipients == [["camille@example.org"]]
    (message,) = smtp_server.messages
    assert message["Subject"].startswith("[Tissage]")
    assert CODE not in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert CODE in text
    assert LINK in text
    assert "Tissage" in text
    assert REASON in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert CODE in html
    assert f'href="{LINK}"' in html
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.attempts == 1
    assert queued.sent_at is not None


def test_the_envelope_sender_is_the_platform_unless_given(
    smtp_server, django_capture_on_commit_callbacks
):
    """Delivery failures go to the envelope sender (MAIL FROM): the platform's address by
    default; a list copy's own bounce address when given, never shown as the From."""
    with django_capture_on_commit_callbacks(execute=True):
        email_send(to="camille@example.org", **TEAM)
        email_send(to="bruno@example.org", envelope_from="list+bounce-7.x@lists.example", **TEAM)
        email_send(
            to="denis@example.org",
            envelope_from="list+bounce-8.y@lists.example",
            headers={"From": "List <list@lists.example>"},
            **TEAM,
        )

    platform = settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].strip(">")
    assert smtp_server.senders == [
        platform,
        "list+bounce-7.x@lists.example",
        "list+bounce-8.y@lists.example",
    ]
    froms = [str(message["From"]) for message in smtp_server.messages]
    assert froms == [
        settings.DEFAULT_FROM_EMAIL,
        settings.DEFAULT_FROM_EMAIL,
        "List <list@lists.example>",
    ]


def test_nothing_is_sent_before_the_transaction_commits(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = email_send(to="camille@example.org", **SIGN_IN)

    assert smtp_server.messages == []
    assert len(callbacks) == 1
    assert OutgoingEmail.objects.get(pk=queued.pk).status == OutgoingEmail.Status.QUEUED


def test_email_is_rendered_in_the_requested_language(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        french = email_send(to="a@example.org", language="fr", **TEAM)
        english = email_send(to="b@example.org", language="en", **TEAM)

    assert french.subject != english.subject
    assert french.body_text != english.body_text
    assert len(smtp_server.messages) == 2


def test_failed_delivery_is_kept_for_a_retry(settings, django_capture_on_commit_callbacks):
    use_smtp(settings, free_port())  # nobody listens there

    with django_capture_on_commit_callbacks(execute=True):
        queued = email_send(to="camille@example.org", **SIGN_IN)

    # The ImmediateBackend cannot defer the retry (it refuses run_after), so the
    # message simply waits in the queue with its first failure recorded.
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert queued.last_error
    assert queued.sent_at is None


@pytest.fixture
def deferring_tasks(settings):
    """A task backend that records what is enqueued instead of running it."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def test_retries_grow_then_give_up(settings, deferring_tasks):
    use_smtp(settings, free_port())  # nobody listens there
    queued = email_send(to="camille@example.org", **SIGN_IN)
    delays = []

    for attempt in range(1, settings.EMAIL_MAX_ATTEMPTS):
        deferring_tasks.clear()
        before = timezone.now()

        assert deliver_email.call(queued.pk, attempt - 1) == "retry"

        queued.refresh_from_db()
        assert queued.attempts == attempt
        assert queued.status == OutgoingEmail.Status.QUEUED
        assert queued.last_error
        (retry,) = deferring_tasks.results
        assert retry.args == [queued.pk, attempt]
        assert retry.task.run_after is not None
        delays.append(retry.task.run_after - before)

    deferring_tasks.clear()
    assert deliver_email.call(queued.pk, settings.EMAIL_MAX_ATTEMPTS - 1) == "failed"

    queued.refresh_from_db()
    assert queued.attempts == settings.EMAIL_MAX_ATTEMPTS
    assert queued.status == OutgoingEmail.Status.FAILED
    assert queued.last_error
    assert deferring_tasks.results == []
    # Given up on: the code and link it carried are forgotten, the stored copy stays.
    assert queued.unredacted == {}
    assert REDACTED in queued.body_text
    assert delays == sorted(delays)
    assert delays[0] >= timedelta(minutes=1)
    assert delays[-1] > delays[0]


def test_a_sent_email_is_not_sent_twice(smtp_server, deferring_tasks):
    queued = email_send(to="camille@example.org", **SIGN_IN)

    assert deliver_email.call(queued.pk) == "sent"
    assert deliver_email.call(queued.pk) == "nothing to do"

    assert len(smtp_server.messages) == 1
    queued.refresh_from_db()
    assert queued.attempts == 1


def test_a_later_retry_can_succeed(settings, deferring_tasks):
    use_smtp(settings, free_port())
    queued = email_send(to="camille@example.org", **SIGN_IN)
    assert deliver_email.call(queued.pk) == "retry"

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        use_smtp(settings, port)
        # The task of the first attempt, run again, leaves the email to the retry's.
        assert deliver_email.call(queued.pk) == "another attempt sends it"
        assert deliver_email.call(queued.pk, 1) == "sent"
    finally:
        controller.stop()

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.attempts == 2
    assert len(inbox.messages) == 1
    # The retry sent the secrets, kept until then, and forgot them with the success.
    assert CODE in inbox.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert queued.unredacted == {}
    assert not holds_a_secret(stored_parts(queued))


def test_deleted_email_is_nothing_to_do(deferring_tasks):
    assert deliver_email.call(987654) == "nothing to do"


@pytest.mark.django_db
def test_subjects_and_text_bodies_are_plain_text_not_html():
    """A team named with < > & ' " reads the same in the subject and the text: no
    entities (&lt;, &amp;…), which mail clients show as they are. The HTML part escapes."""
    name = 'Jardins <partagés> & l\'Étang "bleu"'
    message = email_send(
        to="a@example.org",
        template="emails/team/member_added",
        context={**TEAM["context"], "team": name, "added_by": None},
        reason="test",
        language="en",
    )
    assert message.subject == f"[{settings.PLATFORM_NAME}] You joined the team of {name}"
    assert name in message.body_text
    assert "&lt;partagés&gt;" in message.body_html and name not in message.body_html


# Issue #11, point 13: a sign-in code or link is never kept in the stored copy.


def test_secrets_are_hidden_in_the_stored_copy_from_the_start(deferring_tasks):
    queued = email_send(to="camille@example.org", **SIGN_IN)

    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.QUEUED
    assert not holds_a_secret(stored_parts(queued))
    assert REDACTED in queued.body_text and REDACTED in queued.body_html
    # Only the parts waiting for the worker hold them.
    assert holds_a_secret(list(queued.unredacted.values()))


def test_secrets_are_forgotten_once_the_email_is_sent(smtp_server, deferring_tasks):
    queued = email_send(to="camille@example.org", **SIGN_IN)

    assert deliver_email.call(queued.pk) == "sent"

    (message,) = smtp_server.messages
    assert holds_a_secret([message.get_body(preferencelist=("plain",)).get_content()])
    assert holds_a_secret([message.get_body(preferencelist=("html",)).get_content()])
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.unredacted == {}
    assert not holds_a_secret(stored_parts(queued))


def test_an_email_is_not_sent_once_its_secrets_expired(smtp_server, deferring_tasks):
    queued = email_send(
        to="camille@example.org",
        secrets_expire_at=timezone.now() - timedelta(seconds=1),
        **SIGN_IN,
    )

    assert deliver_email.call(queued.pk) == "expired"

    assert smtp_server.messages == []
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.FAILED
    assert queued.last_error
    assert queued.unredacted == {}
    # A later run of the task (a retry already queued) sends nothing either.
    assert deliver_email.call(queued.pk) == "nothing to do"
    assert smtp_server.messages == []


def test_a_secret_printed_otherwise_than_by_its_name_is_hidden_too(deferring_tasks):
    queued = email_send(
        to="camille@example.org",
        template="emails/accounts/sign_in",
        context={"minutes": 15, "link": LINK},  # the link given twice, once not as a secret
        secrets={"code": CODE, "link": LINK},
        reason=REASON,
    )

    assert not holds_a_secret(stored_parts(queued))


def test_emails_without_secrets_are_stored_as_sent(deferring_tasks):
    queued = email_send(to="camille@example.org", language="en", **TEAM)

    assert queued.unredacted == {}
    assert queued.secrets_expire_at is None
    assert "Les Vergers" in queued.body_text


@pytest.mark.parametrize("status", ["queued", "sent"])
def test_the_admin_never_shows_a_secret(client, smtp_server, deferring_tasks, status):
    queued = email_send(to="camille@example.org", **SIGN_IN)
    if status == "sent":
        assert deliver_email.call(queued.pk) == "sent"
    client.force_login(SuperuserFactory())

    listing = client.get("/admin/core/outgoingemail/")
    page = client.get(f"/admin/core/outgoingemail/{queued.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert queued.subject in listing.text
    assert REDACTED in page.text
    assert not holds_a_secret([listing.text, page.text])


WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


def test_the_worker_command_sends_the_secrets_and_keeps_none(
    settings, smtp_server, transactional_db
):
    """Through the real worker (`tissage worker`, the database queue), end to end: real
    commits, since the worker opens its own connections."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = email_send(to="camille@example.org", **SIGN_IN)
    assert smtp_server.messages == []

    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    finally:  # the worker takes over Ctrl+C and SIGTERM: give them back to pytest
        for number, handler in handlers.items():
            signal.signal(number, handler)

    (message,) = smtp_server.messages
    assert holds_a_secret([message.get_body(preferencelist=("plain",)).get_content()])
    queued.refresh_from_db()
    assert queued.status == OutgoingEmail.Status.SENT
    assert queued.unredacted == {}
    assert not holds_a_secret(stored_parts(queued))


def test_a_copy_sent_again_carries_the_same_message_id(smtp_server, deferring_tasks):
    """The worker killed after the mail server accepted an email, before it wrote "sent":
    the task runs again and sends it again, as the same message for mail clients."""
    queued = email_send(to="camille@example.org", **TEAM)
    assert queued.message_id.startswith("<") and queued.message_id.endswith("@localhost>")
    assert deliver_email.call(queued.pk) == "sent"
    # What the database holds when the worker died before its write.
    OutgoingEmail.objects.filter(pk=queued.pk).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, sent_at=None
    )
    assert deliver_email.call(queued.pk) == "sent"

    first, again = smtp_server.messages
    assert first["Message-ID"] == again["Message-ID"] == queued.message_id
    other = email_send(to="dominique@example.org", **TEAM)
    assert other.message_id != queued.message_id


def test_headers_that_name_a_message_id_keep_it(smtp_server, deferring_tasks):
    queued = email_send(
        to="camille@example.org", headers={"Message-ID": "<fil-1@listes.example>"}, **TEAM
    )
    assert queued.message_id == ""
    assert deliver_email.call(queued.pk) == "sent"
    (message,) = smtp_server.messages
    assert message["Message-ID"] == "<fil-1@listes.example>"


@pytest.mark.parametrize("committed", [True, False])
def test_with_the_database_queue_an_email_and_its_task_are_written_together(settings, committed):
    """No email without its task (which a worker killed between a commit and its
    on_commit would leave), and no task without its email."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            queued = email_send(to="camille@example.org", **TEAM)
            if not committed:
                raise Rollback
    except Rollback:
        pass

    emails = list(OutgoingEmail.objects.values_list("pk", flat=True))
    tasks = [task.args_kwargs["args"] for task in DBTaskResult.objects.all()]
    if committed:
        assert emails == [queued.pk]
        assert tasks == [[queued.pk]]
    else:
        assert emails == tasks == []


def test_the_same_key_is_not_queued_twice(deferring_tasks):
    from django.db import IntegrityError, transaction

    email_send(to="camille@example.org", key="invitation:1", **TEAM)
    with pytest.raises(IntegrityError), transaction.atomic():
        email_send(to="camille@example.org", key="invitation:1", **TEAM)
    assert OutgoingEmail.objects.count() == 1
