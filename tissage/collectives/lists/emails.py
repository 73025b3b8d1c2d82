"""What the lists send to coordinators: a member's message waiting for them."""

from __future__ import annotations

from django.urls import reverse

from tissage.core.emails import site_url

from ..membership.emails import coordinators_send
from ..models import Message


def held_notify(*, message: Message) -> None:
    """A new member's first message waits (the collective holds first posts): each
    coordinator is told, with the page where it is published in one click. Strangers'
    emails are not announced this way (spam would flood the coordinators' mailboxes);
    they wait on the same page."""
    collective = message.collective
    moderation_url = site_url() + reverse("collectives:moderation", args=[collective.slug])
    coordinators_send(
        collective=collective,
        template="emails/collectives/lists/held",
        context={
            "person": message.author_name,
            "collective": collective.name,
            "subject": message.thread.subject,
            "moderation_url": moderation_url,
        },
    )
