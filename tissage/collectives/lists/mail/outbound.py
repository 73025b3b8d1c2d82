"""The list's outgoing mail: one copy of each published message to every member who
receives each message, with the headers of a real mailing list.

`message_published(message_id)` is called in the transaction of every published message;
it queues `deliver_list_message` with it (`core.queue.task_enqueue`), which writes one
`OutgoingEmail` per recipient (the core worker then delivers and retries them).

Deliverability: the platform sends from its own domain (the list's address), with the
author's name as display name ("Camille via Collectif"), never from the author's
address, so DMARC checks of the author's domain cannot make the copies bounce. The
envelope sender of each copy is the member's own bounce address (VERP,
`tokens.bounce_address`), so that a delivery failure says whose address failed; members
whose delivery is suspended for it get no copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tissage.collectives import tokens
from tissage.collectives.models import Attachment, Collective, CollectiveMembership, Message
from tissage.core.emails import email_send, site_url
from tissage.core.markdown import markdown_links_absolute, render_markdown
from tissage.core.models import OutgoingEmail
from tissage.core.queue import task_enqueue

from .reading import subject_clean

# RFC 5322 lets References grow without limit; mail clients only need the first message
# and the latest ones to thread, and long headers get messages flagged.
REFERENCES_MAX = 10


def message_published(message_id: int) -> None:
    """Queue the copies of a newly published message for the members who get each one:
    with the transaction that publishes it, so that a process killed after its commit
    cannot leave it published and never sent."""
    task_enqueue(deliver_list_message, message_id)


@task()
def deliver_list_message(message_id: int) -> str:
    message = (
        Message.objects.select_related("thread__collective", "collective")
        .prefetch_related("attachments")
        .filter(pk=message_id)
        .first()
    )
    if message is None or message.status != Message.Status.PUBLISHED:
        return "nothing to do"
    recipients = (
        CollectiveMembership.objects.receiving()
        .filter(collective_id=message.collective_id, delivery=CollectiveMembership.Delivery.EACH)
        .select_related("user")
        .order_by("pk")
    )
    if message.author_id is not None:
        recipients = recipients.exclude(user_id=message.author_id)  # they have their copy
    copy = ListCopy.for_message(message)
    members = list(recipients)
    # Run again (its worker killed after the commit: core.workers), the task writes no
    # second copy for anyone. Exact keys, which the unique index finds (a prefix would
    # scan every email kept on PostgreSQL).
    queued = set(
        OutgoingEmail.objects.filter(key__in=[copy.key(m) for m in members]).values_list(
            "key", flat=True
        )
    )
    count = 0
    # All the copies, with their delivery tasks, or none: a worker killed before the
    # commit leaves no copy, and the task, run again, writes them all.
    with transaction.atomic():
        for membership in members:
            if copy.key(membership) not in queued:
                copy.send(membership)
                count += 1
    return f"{count} sent"


def absolute(path: str) -> str:
    """A link of the list's mail: absolute on the one base (TISSAGE_SITE_URL, required)."""
    return site_url() + path


def clean_subject(subject: str, collective: Collective) -> str:
    """The thread's subject without "Re:", "Fwd:" or "[collective name]" prefixes (the
    same rules as for subjects that come by email), so that copies never read "Re: Re:"
    nor carry the list's name twice."""
    return subject_clean(subject, collective) or subject.strip()


def list_headers(collective: Collective, unsubscribe: str) -> dict[str, str]:
    """The headers every email of the list carries (RFC 2369, 2919, 8058); `unsubscribe`
    is the recipient's one-click link (`unsubscribe_url`)."""
    name = " ".join(collective.name.replace("<", "").replace(">", "").replace('"', "").split())
    return {
        "List-Id": f"{name} <{collective.list_id}>",
        "List-Post": f"<mailto:{collective.list_address}>",
        "List-Archive": f"<{absolute(reverse('collectives:threads', args=[collective.slug]))}>",
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "list",
        # Mail-in recognises its own list's copies by this (no loops).
        "X-Tissage-List": collective.list_id,
        # Asks Exchange/Outlook not to answer the list with out-of-office replies.
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }


def unsubscribe_url(membership: CollectiveMembership) -> str:
    return absolute(reverse("collectives:unsubscribe", args=[tokens.unsubscribe_make(membership)]))


def delivery_url(collective: Collective) -> str:
    return absolute(reverse("collectives:delivery", args=[collective.slug]))


@dataclass(frozen=True)
class AttachmentLink:
    filename: str
    url: str
    size: int


def attachment_links(message: Message) -> list[AttachmentLink]:
    links = []
    attachment: Attachment
    for attachment in message.attachments.all():
        path = reverse(
            "collectives:attachment",
            args=[message.collective.slug, attachment.pk, attachment.filename],
        )
        links.append(
            AttachmentLink(filename=attachment.filename, url=absolute(path), size=attachment.size)
        )
    return links


def thread_references(message: Message) -> tuple[str, list[str]]:
    """(In-Reply-To, References) of a reply: its parent (or the thread's first message),
    and the chain from the thread's first message down to that parent."""
    earlier = Q(created_at__lt=message.created_at) | Q(
        created_at=message.created_at, pk__lt=message.pk
    )
    rows = list(
        Message.objects.filter(earlier, thread_id=message.thread_id)
        .order_by("created_at", "pk")
        .values_list("pk", "parent_id", "message_id")
    )
    if not rows:
        return "", []
    by_pk = {pk: (parent_id, message_id) for pk, parent_id, message_id in rows}
    first_id = rows[0][2]
    chain: list[str] = []
    current = message.parent_id if message.parent_id in by_pk else None
    seen: set[int] = set()
    while current is not None and current not in seen and len(chain) < 100:
        seen.add(current)
        parent_id, message_id = by_pk[current]
        chain.append(message_id)
        current = parent_id if parent_id in by_pk else None
    chain.reverse()
    in_reply_to = chain[-1] if chain else first_id
    if not chain or chain[0] != first_id:
        chain.insert(0, first_id)
    if len(chain) > REFERENCES_MAX:
        chain = [chain[0], *chain[-(REFERENCES_MAX - 1) :]]
    return in_reply_to, chain


@dataclass
class ListCopy:
    """What every copy of one message shares; `send` adds the recipient's parts."""

    message: Message
    collective: Collective
    is_reply: bool
    in_reply_to: str
    references: list[str]
    body_html: SafeString
    attachments: list[AttachmentLink]
    message_url: str
    thread_url: str

    @classmethod
    def for_message(cls, message: Message) -> ListCopy:
        collective = message.collective
        in_reply_to, references = thread_references(message)
        return cls(
            message=message,
            collective=collective,
            is_reply=bool(references),
            in_reply_to=in_reply_to,
            references=references,
            body_html=render_markdown(message.body, line_breaks=True, base_url=site_url()),
            attachments=attachment_links(message),
            message_url=absolute(message.get_absolute_url()),
            thread_url=absolute(message.thread.get_absolute_url()),
        )

    @cached_property
    def subject(self) -> str:
        subject = clean_subject(self.message.thread.subject, self.collective)
        prefix = "Re: " if self.is_reply else ""
        return f"[{self.collective.name}] {prefix}{subject}"

    def headers(self, unsubscribe: str, reply_to: str) -> dict[str, str]:
        sender = _("%(name)s via %(collective)s") % {
            "name": self.message.author_name,
            "collective": self.collective.name,
        }
        headers = {
            "From": str(Address(display_name=sender, addr_spec=self.collective.list_address)),
            "Reply-To": reply_to,
            "Message-ID": self.message.message_id,
            **list_headers(self.collective, unsubscribe),
        }
        if self.is_reply:
            headers["In-Reply-To"] = self.in_reply_to
            headers["References"] = " ".join(self.references)
        return headers

    def send(self, membership: CollectiveMembership) -> None:
        user = membership.user
        language = user.language or settings.LANGUAGE_CODE
        unsubscribe = unsubscribe_url(membership)
        with translation.override(language):
            # Each member's own reply address: a reply there is theirs only.
            reply_to = tokens.reply_address(self.collective, self.message.thread_id, user.pk)
            headers = self.headers(unsubscribe, reply_to)
            reason = _(
                "You receive this email because you are a member of %(collective)s and "
                "chose to receive every message of its discussion list."
            ) % {"collective": self.collective.name}
        email_send(
            to=user.email,
            template="emails/collectives/lists/mail/message",
            context={
                "message": self.message,
                "collective": self.collective,
                "body_text": markdown_links_absolute(self.message.body, site_url()),
                "body_html": self.body_html,
                "attachments": self.attachments,
                "message_url": self.message_url,
                "thread_url": self.thread_url,
                "delivery_url": delivery_url(self.collective),
                "unsubscribe_url": unsubscribe,
            },
            reason=reason,
            language=language,
            headers=headers,
            subject_override=self.subject,
            # Its bounces come back to an address of the member's own (VERP).
            envelope_from=tokens.bounce_address(self.collective, membership),
            key=self.key(membership),
        )

    def key(self, membership: CollectiveMembership) -> str:
        """One copy per member, however many times the task runs."""
        return f"list-copy:{self.message.pk}:{membership.user_id}"


def platform_from(display_name: str) -> str:
    """The platform's own sender address with another display name."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return str(Address(display_name=display_name, addr_spec=address or "noreply@localhost"))
