"""Emails to registrants: confirmation (with the .ics), waiting list, promotion; and what
every email to a registrant shares (context, reason, language, calendar file)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.actions import tokens
from tissage.actions.agenda import calendars
from tissage.actions.models import Registration
from tissage.core.emails import email_send, site_url
from tissage.core.models import OutgoingEmail


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


def registration_send(*, registration: Registration, base_url: str) -> OutgoingEmail | None:
    """Confirmation with the calendar file, or the waiting-list notice."""
    if not registration.has_email:
        return None
    confirmed = registration.status == Registration.Status.CONFIRMED
    return email_send(
        to=registration.email,
        template="emails/actions/registration/registered"
        if confirmed
        else "emails/actions/registration/waiting",
        context=email_context(registration, base_url),
        reason=reason(registration),
        language=language(registration),
        attachments=ics_attachments(registration, base_url) if confirmed else None,
    )


def promotion_send(*, registration: Registration, base_url: str) -> OutgoingEmail | None:
    """A place freed up: the first on the waiting list has it, and may release it."""
    if not registration.has_email:
        return None
    return email_send(
        to=registration.email,
        template="emails/actions/registration/promoted",
        context=email_context(registration, base_url),
        reason=reason(registration),
        language=language(registration),
        attachments=ics_attachments(registration, base_url),
    )
