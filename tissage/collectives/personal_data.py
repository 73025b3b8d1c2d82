"""What the collectives hold about a person, for the account export, and how they forget
the person when the account is deleted."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import gettext as _

from tissage.accounts.models import User

from .models import (
    Attachment,
    CollectiveMembership,
    InboundMail,
    Initiative,
    InitiativeMember,
    Message,
    Report,
    WikiRevision,
)


def collect(user: User) -> dict[str, object]:
    return {
        "collective_memberships": [
            {
                "collective": m.collective.name,
                "role": m.role,
                "status": m.status,
                "delivery": m.delivery,
                "request_message": m.request_message,
                "joined_at": m.joined_at,
                "delivery_suspended_at": m.delivery_suspended_at,
                "delivery_failures": [
                    {
                        "received_at": b.received_at,
                        "permanent": b.permanent,
                        "status": b.status,
                        "mail_server_answer": b.diagnostic,
                    }
                    for b in m.bounces.all()
                ],
            }
            for m in CollectiveMembership.objects.filter(user=user)
            .select_related("collective")
            .prefetch_related("bounces")
            .order_by("joined_at", "pk")
        ],
        "collective_messages": [
            {
                "collective": m.collective.name,
                "subject": m.thread.subject,
                "date": m.created_at,
                "status": m.status,
                "sent_from": m.source,
                "body": m.body,
                "attachments": [a.filename for a in m.attachments.all()],
            }
            for m in Message.objects.filter(author=user)
            .select_related("collective", "thread")
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        ],
        "collective_emails_received_from_you": [
            {
                "collective": mail.collective.name if mail.collective else None,
                "subject": mail.subject,
                "received_at": mail.received_at,
                "status": mail.status,
            }
            for mail in InboundMail.objects.filter(sender__iexact=user.email)
            .select_related("collective")
            .order_by("received_at", "pk")
        ],
        "collective_reports": [
            {"message": r.message.get_absolute_url(), "reason": r.reason, "date": r.created_at}
            for r in Report.objects.filter(reporter=user).select_related("message__collective")
        ],
        "wiki_revisions": [
            {
                "collective": r.page.collective.name,
                "page": r.title,
                "number": r.number,
                "date": r.created_at,
                "comment": r.comment,
                "text": r.body,
            }
            for r in WikiRevision.objects.filter(author=user)
            .select_related("page__collective")
            .order_by("created_at", "pk")
        ],
        "initiatives_proposed": [
            {
                "collective": i.collective.name,
                "title": i.title,
                "what": i.what,
                "where": i.where,
                "needs": i.needs,
                "status": i.status,
                "created_at": i.created_at,
            }
            for i in Initiative.objects.filter(proposed_by=user).select_related("collective")
        ],
        "initiatives_joined": [
            {
                "collective": j.initiative.collective.name,
                "title": j.initiative.title,
                "joined_at": j.joined_at,
            }
            for j in InitiativeMember.objects.filter(user=user).select_related(
                "initiative__collective"
            )
        ],
    }


def files(user: User) -> list[FieldFile]:
    """The attachments of their messages."""
    return [a.file for a in Attachment.objects.filter(message__author=user).order_by("pk")]


def former_member() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("a former member")


@transaction.atomic
def forget(user: User) -> None:
    """Before the account is deleted: messages and wiki revisions keep their text (the
    discussions and the page history stay readable) but no longer say who wrote them.
    Emails received from their address, and the bounces of the list's mail to them, are
    emptied. Memberships (and their delivery failures) and initiative joins go with the
    account."""
    name = former_member()
    Message.objects.filter(author=user).update(author=None, author_name=name)
    WikiRevision.objects.filter(author=user).update(author=None, author_name=name)
    InboundMail.objects.filter(sender__iexact=user.email).update(raw=b"", sender="", sender_name="")
    # The bounces of their list mail quote their address; the failures go with the
    # memberships.
    InboundMail.objects.filter(bounce__membership__user=user).update(raw=b"", recipient="")
