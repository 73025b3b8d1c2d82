"""Sending email: always through the database and the background worker.

`email_send` renders the message and queues it; `deliver_email` (a task) hands it
to the mail server and retries with a growing delay when that fails.
"""

from __future__ import annotations

import email.policy
import logging
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.tasks import task
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _

from .models import OutgoingEmail
from .queue import task_enqueue

logger = logging.getLogger(__name__)
SENT_EMAIL_RETENTION = timedelta(days=30)


def site_url(request: HttpRequest | None = None) -> str:
    """The platform's address, the one base of every link in every email: TISSAGE_SITE_URL.

    It is required to run (`core.checks`); a development server without it (DEBUG) takes
    the request's address. Without either, no email is built with links that lead
    nowhere: ImproperlyConfigured."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    raise ImproperlyConfigured(
        "TISSAGE_SITE_URL is not set: emails sent outside a request need it for their links."
    )


def sent_emails_purge() -> int:
    """Forget sent emails after a month (`tissage purge`): they served the person's data
    download and support, and may hold personal data. Returns how many were removed."""
    removed, _per_model = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENT, sent_at__lt=timezone.now() - SENT_EMAIL_RETENTION
    ).delete()
    return removed


# What the stored copy of an email shows in place of each of its secrets.
REDACTED = "••••••"


def email_send(
    *,
    to: str,
    template: str,
    context: dict[str, object],
    reason: str,
    language: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    subject_override: str | None = None,
    secrets: dict[str, str] | None = None,
    secrets_expire_at: datetime | None = None,
    envelope_from: str = "",
    key: str | None = None,
) -> OutgoingEmail:
    """Render `<template>_subject.txt`, `.txt` and `.html` and queue the message.

    `reason` says in one sentence why the person receives this email; it is printed
    at the bottom of every message, as is the platform name. `headers` are added to the
    message (a "From" there replaces the displayed sender, not the envelope's);
    `subject_override` is the whole subject, without the platform's "[name]" prefix
    (a discussion list's subjects start with the list's own name).

    `secrets` are context values that must not be kept (a sign-in code, a magic link).
    The stored copy — what the admin, the person's data download and support see — shows
    each as REDACTED from the start; the message as it is sent is kept apart only until
    the worker delivers it (or gives up), and is not sent at all after
    `secrets_expire_at`.

    `envelope_from` is the SMTP envelope sender (MAIL FROM), where mail servers send
    delivery failures: by default the platform's address (DEFAULT_FROM_EMAIL); a
    discussion list gives each member's copies their own bounce address (VERP), so that
    a failure says whose address failed.

    `key` names the email for a sender that may run twice (a task run again after its
    worker died): it is unique, so the database refuses a second email with the same
    key (IntegrityError); such a sender skips the keys it already queued (see the
    collectives' `deliver_list_message`).
    """
    secrets = secrets or {}
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        full_context = {
            **context,
            "platform_name": settings.PLATFORM_NAME,
            "reason": reason,
            "site_url": settings.SITE_URL,
        }
        hidden = dict.fromkeys(secrets, REDACTED)
        stored = _redact(_render(template, full_context | hidden, subject_override), secrets)
        unredacted = _render(template, full_context | secrets, subject_override) if secrets else {}
    message = OutgoingEmail.objects.create(
        to=to,
        subject=stored["subject"],
        body_text=stored["body_text"],
        body_html=stored["body_html"],
        headers=headers or {},
        envelope_from=envelope_from,
        attachments=attachments or [],
        unredacted=unredacted,
        secrets_expire_at=secrets_expire_at if secrets else None,
        message_id="" if _names_message_id(headers) else _make_message_id(),
        key=key,
    )
    # With its email, or not at all: no email queued that no task sends.
    task_enqueue(deliver_email, message.pk)
    return message


def _names_message_id(headers: dict[str, str] | None) -> bool:
    return any(name.lower() == "message-id" for name in headers or {})


def _make_message_id() -> str:
    """A Message-ID on the platform's own domain (its sender address's)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    return make_msgid(domain=domain or "localhost")


def _render(
    template: str, context: dict[str, object], subject_override: str | None
) -> dict[str, str]:
    if subject_override is None:
        subject = _render_plain(f"{template}_subject.txt", context)
        subject = f"[{settings.PLATFORM_NAME}] {' '.join(subject.split())}"
    else:
        subject = " ".join(subject_override.split())
    return {
        "subject": subject[:255],
        "body_text": _render_plain(f"{template}.txt", context),
        "body_html": render_to_string(f"{template}.html", context),
    }


def _redact(parts: dict[str, str], secrets: dict[str, str]) -> dict[str, str]:
    """Hide whatever a template printed of a secret other than through its own name (as it
    is, or escaped for HTML): the stored copy never holds one."""
    for secret in secrets.values():
        for form in {secret, str(conditional_escape(secret))} - {""}:
            parts = {name: text.replace(form, REDACTED) for name, text in parts.items()}
    return parts


def _render_plain(name: str, context: dict[str, object]) -> str:
    """A plain-text template (a subject, a text body): nothing in it is HTML, so nothing
    is escaped — a title "Jardins & Cie" stays that, never "Jardins &amp; Cie"."""
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def team_member_welcome(
    *, user: Any, team: str, team_url: str, role: str, added_by: Any, base_url: str
) -> OutgoingEmail:
    """Tell someone they were added to a team (of an organisation or a project)."""
    return email_send(
        to=user.email,
        template="emails/team/member_added",
        context={
            "team": team,
            "role": role,
            "added_by": added_by.public_name,
            "team_url": team_url,
            "sign_in_url": base_url + reverse("accounts:sign_in"),
        },
        reason=_(
            "You receive this email because %(name)s added you to the team of "
            "%(team)s on %(platform)s."
        )
        % {"name": added_by.public_name, "team": team, "platform": settings.PLATFORM_NAME},
        language=user.language,
    )


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before attempt `attempts` + 1 of a task that failed (emails)."""
    # 1, 2, 4, 8, 16… minutes, at most six hours (a "minute" is shorter in tests only).
    minutes = min(2 ** (attempts - 1), 360)
    return timedelta(seconds=minutes * settings.EMAIL_RETRY_UNIT_SECONDS)


class HeaderFolding(email.policy.EmailPolicy):
    """Header lines folded at 78 characters (RFC 5322), between words, never inside one.

    Python folds a header longer than the line and encodes (RFC 2047) a word it cannot
    split: the URL of a List-Unsubscribe, or a long Message-ID in References, would reach
    mail clients encoded and unusable. A header of plain ASCII is folded here at its
    spaces only; a word longer than the line keeps a line of its own (RFC 5322 allows 998
    characters). Other headers (a subject with accents, a sender's name) are encoded and
    folded by Python, at 78 characters too."""

    def _fold(self, name: str, value: Any, refold_binary: bool = False) -> Any:
        text = str(value)
        words = text.split()
        if not text.isascii() or "=?" in text or any(len(word) > 900 for word in words):
            return super()._fold(name, value, refold_binary)  # type: ignore[misc]
        # The first word stays on the header's own line: some readers keep the space
        # that would start a value folded right after the colon.
        width = self.max_line_length or 78
        lines = [f"{name}: {words[0]}" if words else f"{name}:"]
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) > width:
                lines.append("")
            lines[-1] += " " + word
        return self.linesep.join(lines) + self.linesep


class _FoldedHeadersEmail(EmailMultiAlternatives):
    def message(self, *, policy: Any = email.policy.default) -> Any:
        policy = policy or email.policy.default
        return super().message(policy=HeaderFolding(**{**policy.__dict__, "max_line_length": 78}))


@task()
def deliver_email(email_id: int, attempts: int = 0) -> str:
    """Send one queued email; `attempts` is how many attempts were made when this task
    was queued.

    A task of an earlier attempt does nothing: a worker killed after it queued the retry
    and before it wrote its own end sees it run again (core.workers) while the retry
    waits. Only the task of the current attempt sends, so two never send at once; the
    one case of a second copy is a worker killed between the mail server's acceptance
    and the write of "sent" (at least once), and that copy has the same Message-ID.
    """
    message = OutgoingEmail.objects.filter(pk=email_id).first()
    if message is None or message.status != OutgoingEmail.Status.QUEUED:
        return "nothing to do"
    if message.attempts != attempts:
        return "another attempt sends it"
    if message.secrets_expire_at is not None and timezone.now() >= message.secrets_expire_at:
        # A code or link that no longer works would only mislead; the stored copy stays,
        # hidden as it always was, with the reason.
        message.status = OutgoingEmail.Status.FAILED
        message.unredacted = {}
        message.last_error = "Not sent: the code or link it carried expired before delivery."
        message.save(update_fields=["status", "unredacted", "last_error"])
        logger.warning("Email %s to %s not sent: its secrets expired", message.pk, message.to)
        return "expired"
    # The message as it is sent: with its secrets, if it has any.
    parts = message.unredacted or {}
    headers = dict(message.headers or {})
    if message.message_id:
        headers.setdefault("Message-ID", message.message_id)
    if message.envelope_from:
        # Django's SMTP backend gives `from_email` as MAIL FROM, and writes it in the From
        # header unless the headers name one: the bounce address is never shown as sender.
        headers.setdefault("From", settings.DEFAULT_FROM_EMAIL)
    mail = _FoldedHeadersEmail(
        subject=parts.get("subject", message.subject),
        body=parts.get("body_text", message.body_text),
        from_email=message.envelope_from or settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
        headers=headers or None,
    )
    if body_html := parts.get("body_html", message.body_html):
        mail.attach_alternative(body_html, "text/html")
    for attachment in message.attachments or []:
        mail.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    message.attempts += 1
    try:
        mail.send()
    except Exception as error:  # any transport error: keep the mail and try again later
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            message.status = OutgoingEmail.Status.FAILED
            message.unredacted = {}
            message.save(update_fields=["attempts", "last_error", "status", "unredacted"])
            logger.error("Giving up on email %s to %s: %s", message.pk, message.to, error)
            return "failed"
        run_after = timezone.now() + retry_delay(message.attempts)
        with transaction.atomic():  # the attempt counted and the retry queued, or neither
            message.save(update_fields=["attempts", "last_error"])
            if not deliver_email.get_backend().supports_defer:
                # A backend that runs tasks at once (tests) cannot wait: the email stays
                # queued with its error.
                logger.warning("Email %s not sent (%s); no retry queued", message.pk, error)
                return "retry"
            deliver_email.using(run_after=run_after).enqueue(message.pk, message.attempts)
        logger.warning("Email %s not sent (%s); retrying after %s", message.pk, error, run_after)
        return "retry"
    # Sent: its secrets are forgotten in the same write that records it.
    message.status = OutgoingEmail.Status.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.unredacted = {}
    message.save(update_fields=["attempts", "status", "sent_at", "last_error", "unredacted"])
    return "sent"
