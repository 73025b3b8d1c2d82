"""Emails to registrants about a change of their action: a new date, time or place, or
its cancellation (with the context, reason and calendar file of every registrant's email,
from `registration.emails`)."""

from __future__ import annotations

from tissage.actions.models import Registration
from tissage.actions.registration.emails import email_context, ics_attachments, language, reason
from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail


def change_send(*, registration: Registration, what: list[str], base_url: str) -> OutgoingEmail:
    confirmed = registration.status == Registration.Status.CONFIRMED
    # The same event UID: calendar apps update the entry instead of adding one.
    attachments = ics_attachments(registration, base_url) if confirmed else None
    return email_send(
        to=registration.email,
        template="emails/actions/manage/changed",
        context={**email_context(registration, base_url), "what": what},
        reason=reason(registration),
        language=language(registration),
        attachments=attachments,
    )


def cancelled_send(*, registration: Registration, note: str, base_url: str) -> OutgoingEmail:
    return email_send(
        to=registration.email,
        template="emails/actions/manage/cancelled",
        context={**email_context(registration, base_url), "note": note},
        reason=reason(registration),
        language=language(registration),
    )
