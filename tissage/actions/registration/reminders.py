"""Reminder emails before an action (by default the day before), sent by
`tissage send-reminders`, which cron runs every quarter of an hour.

Each action is reminded once: the run that sets `reminder_sent_at` (a conditional
UPDATE, which only one of two runs at the same moment can win) writes the emails, in
the same transaction, so that a failure leaves the action to the next run.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tissage.actions.models import Action, Registration
from tissage.core.emails import email_send, site_url

from . import emails


def due_actions(now: datetime.datetime) -> list[Action]:
    """Published actions not reminded yet, starting within their reminder delay."""
    pending = Action.objects.published().filter(
        reminder_sent_at__isnull=True, reminder_hours_before__gt=0, starts_at__gt=now
    )
    longest = pending.aggregate(longest=Max("reminder_hours_before"))["longest"]
    if not longest:
        return []
    near = pending.filter(starts_at__lte=now + datetime.timedelta(hours=longest))
    return [
        action
        for action in near.order_by("starts_at", "pk")
        if action.starts_at - datetime.timedelta(hours=action.reminder_hours_before) <= now
    ]


def reminders_send(now: datetime.datetime | None = None, base_url: str = "") -> int:
    """Email every confirmed registrant of the actions due; returns how many emails."""
    now = now or timezone.now()
    base_url = base_url or site_url()
    sent = 0
    for action in due_actions(now):
        with transaction.atomic():
            claimed = Action.objects.filter(pk=action.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue  # another run took it
            registrations = (
                Registration.objects.filter(action=action)
                .confirmed()
                .reachable()
                .select_related("role", "user")
            )
            for registration in registrations:
                registration.action = action
                reminder_send(registration=registration, base_url=base_url)
                sent += 1
    return sent


def reminder_send(*, registration: Registration, base_url: str) -> None:
    email_send(
        to=registration.email,
        template="emails/actions/registration/reminder",
        context=emails.email_context(registration, base_url),
        reason=emails.reason(registration),
        language=emails.language(registration),
    )
