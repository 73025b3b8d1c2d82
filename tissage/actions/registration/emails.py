"""Emails to registrants: confirmation (with the .ics), waiting list, promotion; and what
every email to a registrant shares (context, reason, language, calendar file).

The confirmation, waiting-list and promotion emails are not rendered in the request that
registers (or frees a place): it only queues `registration_email` with its transaction
(`registration_email_queue`), and the worker renders the email and its calendar file,
then queues its delivery. Each email has a key, so a task run again writes no second
email; one that cannot be rendered leaves the registration as it is, is logged, and is
tried again later.
"""

from __future__ import annotations

import logging
import uuid
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tissage.actions import tokens
from tissage.actions.agenda import calendars
from tissage.actions.models import Registration
from tissage.core.emails import email_send, retry_delay, site_url
from tissage.core.models import OutgoingEmail
from tissage.core.queue import task_enqueue
from tissage.engagement.services import follow_auto

logger = logging.getLogger(__name__)

# Which email: the confirmation (with the calendar file), the waiting-list notice, or the
# place given from the waiting list (with the calendar file).
EmailKind = Literal["confirmed", "waiting", "promoted"]
TEMPLATES: dict[str, str] = {
    "confirmed": "emails/actions/registration/registered",
    "waiting": "emails/actions/registration/waiting",
    "promoted": "emails/actions/registration/promoted",
}


def email_context(registration: Registration, base_url: str) -> dict[str, object]:
    """What every email to a registrant shows: the action, its link, the cancel link,
    absolute on `base_url` or else the platform's address."""
    base_url = base_url or site_url()
    action = registration.action
    return {
        "registration": registration,
        "action": action,
        "action_url": calendars.action_url(action, base_url),
        "cancel_url": base_url
        + reverse(
            "actions:cancel",
            kwargs={"token": tokens.CANCEL.make(registration.pk, registration.email)},
        ),
    }


def ics_attachments(registration: Registration, base_url: str) -> list[dict[str, str]]:
    """The action's calendar file, for `email_send(attachments=...)`."""
    content = calendars.calendar_of([registration.action], base_url=base_url)
    return [
        {
            "filename": f"{registration.action.slug}.ics",
            "mimetype": "text/calendar; charset=utf-8; method=PUBLISH",
            "content": content.decode("utf-8"),
        }
    ]


def reason(registration: Registration) -> str:
    """Why the person receives emails about the action."""
    return _(
        "You receive this email because this address was registered for “%(action)s” on "
        "%(platform)s."
    ) % {"action": registration.action.title, "platform": settings.PLATFORM_NAME}


def language(registration: Registration) -> str | None:
    """The account's language; a guest gets the site's."""
    return registration.user.language if registration.user else None


def registration_send(
    *,
    registration: Registration,
    base_url: str,
    kind: EmailKind | None = None,
    key: str | None = None,
) -> OutgoingEmail | None:
    """Render and queue the email of `kind` (by default, the one the registration's
    status calls for: confirmation with the calendar file, or waiting-list notice)."""
    if not registration.has_email:
        return None
    if kind is None:
        confirmed = registration.status == Registration.Status.CONFIRMED
        kind = "confirmed" if confirmed else "waiting"
    return email_send(
        to=registration.email,
        template=TEMPLATES[kind],
        context=email_context(registration, base_url),
        reason=reason(registration),
        language=language(registration),
        attachments=ics_attachments(registration, base_url) if kind != "waiting" else None,
        key=key,
    )


def promotion_send(*, registration: Registration, base_url: str) -> OutgoingEmail | None:
    """A place freed up: the first on the waiting list has it, and may release it."""
    return registration_send(registration=registration, base_url=base_url, kind="promoted")


def registration_email_queue(
    *,
    registration: Registration,
    kind: EmailKind,
    base_url: str,
    again: bool = False,
    follow: bool = False,
) -> None:
    """Queue the email of `kind` to the registrant, with the transaction that registers
    (or gives the place): the worker renders it (`registration_email`). `again`: the
    address asks for its registration once more, which is a new email each time.
    `follow`: the registrant, signed in, follows the action's project.

    The email is written in the language of the request (a guest's), or of the account."""
    if not registration.has_email and not follow:
        return
    key = f"actions-registration-{registration.pk}-{kind}"
    if again:
        key += f"-{uuid.uuid4().hex}"
    language = translation.get_language() or settings.LANGUAGE_CODE
    task_enqueue(registration_email, registration.pk, kind, base_url, language, key, follow)


@task()
def registration_email(
    registration_id: int,
    kind: EmailKind,
    base_url: str,
    language: str,
    key: str,
    follow: bool = False,
    attempts: int = 0,
) -> str:
    """Render the email of `kind` to a registrant and queue its delivery, once (`key`);
    first, with `follow`, have the registrant follow the action's project (idempotent).

    A failure to render it (a template, the calendar file) changes nothing of the
    registration: it is logged, and tried again with a growing delay (as deliveries
    are: `core.emails.retry_delay`), TISSAGE_EMAIL_MAX_ATTEMPTS times in all."""
    registration = (
        Registration.objects.select_related("action__project", "role", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return "nothing to do"  # cancelled before the worker came to it
    if follow:
        follow_auto(user=registration.user, target=registration.action.project)
    if not registration.has_email or OutgoingEmail.objects.filter(key=key).exists():
        return "already queued"  # run again after its worker died (core.workers)
    try:
        with transaction.atomic(), translation.override(language):
            registration_send(registration=registration, base_url=base_url, kind=kind, key=key)
    except Exception:
        attempts += 1
        if attempts >= settings.EMAIL_MAX_ATTEMPTS:
            logger.exception(
                "Giving up on the %s email of registration %s after %s attempts",
                kind,
                registration_id,
                attempts,
            )
            return "failed"
        run_after = timezone.now() + retry_delay(attempts)
        logger.exception(
            "The %s email of registration %s could not be written; trying again after %s",
            kind,
            registration_id,
            run_after,
        )
        if registration_email.get_backend().supports_defer:
            registration_email.using(run_after=run_after).enqueue(
                registration_id, kind, base_url, language, key, False, attempts
            )
        return "retry"
    return "queued"
