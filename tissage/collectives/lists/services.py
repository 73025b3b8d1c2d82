"""Writes of the discussion list that touch several rows: one home for posting, whether
the message comes from the website or by email, and for moderating it.

A published message updates its thread's counters and is handed to `mail.outbound` (after
the commit) to be emailed to the members who receive every message; a reply notifies
whom it answers (`notifications.reply_notify`).
"""

from __future__ import annotations

import uuid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tissage.accounts.models import User

from ..models import Collective, CollectiveMembership, InboundMail, Message, Report, Thread
from ..notifications import reply_notify
from .attachments import PreparedAttachment, attachments_store
from .emails import held_notify
from .mail import outbound
from .mail.reading import subject_clean

SUBJECT_MAX = 200
# The longest message text, typed on the website or received by email (a longer email
# keeps its first part, the whole text attached as a file: `mail.inbound`). Rendering
# Markdown grows with the text: a 5 MB message made its thread page take 2 s.
BODY_MAX = 50_000


def new_message_id(collective: Collective) -> str:
    """A globally unique RFC 5322 Message-ID, with its angle brackets."""
    return f"<{uuid.uuid4().hex}.{collective.slug}@{settings.LIST_DOMAIN}>"


def _must_hold(collective: Collective, membership: CollectiveMembership | None) -> bool:
    if membership is None or not collective.hold_first_posts:
        return False
    return not (membership.trusted or membership.is_coordinator)


def _publish(message: Message, *, notify: bool = True) -> None:
    now = timezone.now()
    message.status = Message.Status.PUBLISHED
    message.published_at = now
    message.save(update_fields=["status", "published_at", "moderated_by", "moderated_at"])
    Thread.objects.filter(pk=message.thread_id).update(
        published_count=F("published_count") + 1, last_message_at=now
    )
    if notify:
        outbound.message_published(message.pk)
        reply_notify(message)


def _create(
    *,
    thread: Thread,
    parent: Message | None,
    author: User | None,
    author_name: str,
    body: str,
    source: str,
    message_id: str | None,
    attachments: list[PreparedAttachment],
    membership: CollectiveMembership | None,
    hold_reason: str = "",
) -> Message:
    collective = thread.collective
    message = Message(
        thread=thread,
        collective=collective,
        parent=parent,
        author=author,
        author_name=(author_name or (author.public_name if author else ""))[:150] or "?",
        body=body,
        source=source,
        message_id=(message_id or new_message_id(collective))[:255],
        status=Message.Status.HELD,
    )
    first_post = not hold_reason and _must_hold(collective, membership)
    if first_post:
        hold_reason = _("First message of a new member")
    message.held_reason = hold_reason
    message.save()
    attachments_store(message, attachments)
    if not hold_reason:
        _publish(message)
    elif first_post:
        # The coordinators hear of it, or the new member waits without knowing why.
        transaction.on_commit(partial(held_notify, message=message))
    return message


@transaction.atomic
def thread_start(
    *,
    collective: Collective,
    author: User | None,
    subject: str,
    body: str,
    author_name: str = "",
    source: str = Message.Source.WEB,
    message_id: str | None = None,
    attachments: list[PreparedAttachment] | None = None,
    membership: CollectiveMembership | None = None,
    hold_reason: str = "",
) -> Message:
    """Start a discussion. `membership` is the author's (None for a coordinator approving
    someone's email): with `hold_first_posts`, a new member's first message is held.
    The subject loses its "Re:", "Fwd:" and "[list]" prefixes, whether typed on the
    website or received by email."""
    thread = Thread.objects.create(
        collective=collective,
        subject=(subject_clean(subject, collective) or _("(no subject)"))[:SUBJECT_MAX],
        started_by=author,
    )
    return _create(
        thread=thread,
        parent=None,
        author=author,
        author_name=author_name,
        body=body,
        source=source,
        message_id=message_id,
        attachments=attachments or [],
        membership=membership,
        hold_reason=hold_reason,
    )


@transaction.atomic
def message_reply(
    *,
    thread: Thread,
    author: User | None,
    body: str,
    parent: Message | None = None,
    author_name: str = "",
    source: str = Message.Source.WEB,
    message_id: str | None = None,
    attachments: list[PreparedAttachment] | None = None,
    membership: CollectiveMembership | None = None,
    hold_reason: str = "",
) -> Message:
    return _create(
        thread=thread,
        parent=parent,
        author=author,
        author_name=author_name,
        body=body,
        source=source,
        message_id=message_id,
        attachments=attachments or [],
        membership=membership,
        hold_reason=hold_reason,
    )


@transaction.atomic
def message_approve(*, message: Message, moderator: User) -> Message:
    """Publish a held message; its author (if a member) then posts freely."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != Message.Status.HELD:
        return message
    message.moderated_by = moderator
    message.moderated_at = timezone.now()
    message.held_reason = ""
    _publish(message)
    _inbound_decided(message, InboundMail.Status.POSTED, moderator)
    if message.author_id:
        CollectiveMembership.objects.filter(
            collective_id=message.collective_id, user_id=message.author_id
        ).update(trusted=True)
    return message


def _inbound_decided(message: Message, status: str, moderator: User) -> None:
    """A held message that came by email: its email is decided with it."""
    InboundMail.objects.filter(message=message, status=InboundMail.Status.HELD).update(
        status=status, decided_by=moderator, decided_at=timezone.now()
    )


def _recount(thread_id: int) -> None:
    published = Message.objects.published().filter(thread_id=thread_id)
    Thread.objects.filter(pk=thread_id).update(
        published_count=published.count(),
        last_message_at=published.aggregate(last=Max("published_at"))["last"],
    )


@transaction.atomic
def message_hide(*, message: Message, moderator: User) -> Message:
    """Hide a message (published or held) from everyone but the coordinators. Nothing is
    deleted: `message_unhide` brings it back."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status == Message.Status.HIDDEN:
        return message
    if message.status == Message.Status.HELD:
        _inbound_decided(message, InboundMail.Status.DISCARDED, moderator)
    message.status = Message.Status.HIDDEN
    message.moderated_by = moderator
    message.moderated_at = timezone.now()
    message.save(update_fields=["status", "moderated_by", "moderated_at"])
    _recount(message.thread_id)
    Report.objects.filter(message=message, resolved_at=None).update(resolved_at=timezone.now())
    return message


@transaction.atomic
def message_unhide(*, message: Message, moderator: User) -> Message:
    """Show a hidden message again; not emailed a second time."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != Message.Status.HIDDEN:
        return message
    message.moderated_by = moderator
    message.moderated_at = timezone.now()
    message.status = Message.Status.PUBLISHED
    if message.published_at is None:
        message.published_at = timezone.now()
    message.save(update_fields=["status", "published_at", "moderated_by", "moderated_at"])
    _recount(message.thread_id)
    return message
