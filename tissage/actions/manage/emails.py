"""Emails to registrants about a change of their action: a new date, time or place, or
its cancellation."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.actions import tokens
from tissage.actions.agenda import calendars
from tissage.actions.models import Action, Registration
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail


def _email_context(registration: Registration, base_url: str) -> dict[str, object]:
    return {
        "registration": registration,
        "action": registration.action,
        "action_url": calendars.action_url(registration.action, base_url),
        "cancel_url": base_url
        + reverse("actions:cancel", kwargs={"token": tokens.make(registration)}),
    }


def _reason(action: Action) -> str:
    return _(
        "You receive this email because this address was registered for “%(action)s” on "
        "%(platform)s."
    ) % {"action": action.title, "platform": settings.PLATFORM_NAME}


def _language(registration: Registration) -> str | None:
    return registration.user.language if registration.user else None


def change_send(*, registration: Registration, what: list[str], base_url: str) -> OutgoingEmail:
    confirmed = registration.status == Registration.Status.CONFIRMED
    attachments = None
    if confirmed:
        # The same event UID: calendar apps update the entry instead of adding one.
        content = calendars.calendar_of([registration.action], base_url=base_url)
        attachments = [
            {
                "filename": f"{registration.action.slug}.ics",
                "mimetype": "text/calendar; charset=utf-8; method=PUBLISH",
                "content": content.decode("utf-8"),
            }
        ]
    return email_send(
        to=registration.email,
        template="emails/actions/manage/changed",
        context={**_email_context(registration, base_url), "what": what},
        reason=_reason(registration.action),
        language=_language(registration),
        attachments=attachments,
    )


def cancelled_send(*, registration: Registration, note: str, base_url: str) -> OutgoingEmail:
    return email_send(
        to=registration.email,
        template="emails/actions/manage/cancelled",
        context={**_email_context(registration, base_url), "note": note},
        reason=_reason(registration.action),
        language=_language(registration),
    )
