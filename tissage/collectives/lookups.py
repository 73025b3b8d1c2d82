"""Finding what a URL names (a collective, a thread, a wiki page…) for the person asking,
with their rights: every view of the app starts here.

The rule (tissage/core/access.py, docs/permissions.md): an object hidden from the person
is a 404 whoever asks; a visible object with a right missing sends an anonymous visitor
to sign in and answers 403 to a signed-in person (`require`, in the views).

One exception, on purpose: a members-only archive (discussions, wiki, initiatives) asks
an anonymous visitor to sign in instead of answering 404, since a member often arrives
from a link in a list email while signed out; signed-in people who may not read it get
404. A collective's own page is public: only an unknown slug is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from tissage.core.access import SignInRequired
from tissage.organisations.models import Organisation

from . import access
from .access import CollectiveRights
from .lists.queries import visible_messages
from .models import (
    Attachment,
    Collective,
    CollectiveMembership,
    InboundMail,
    Initiative,
    Message,
    Report,
    Thread,
    WikiPage,
    WikiRevision,
)

View = Callable[..., HttpResponseBase]


# --- The collective -----------------------------------------------------------------


def get_collective(request: HttpRequest, slug: str) -> tuple[Collective, CollectiveRights]:
    """Any collective and the person's rights in it (its page is public)."""
    collective = get_object_or_404(
        Collective.objects.select_related("organisation", "project"), slug=slug
    )
    return collective, access.collective_rights(request.user, collective)


def followable_collective(user: access.AnyUser, pk: int) -> Collective:
    """The collective to follow (`core.registry`, `followables`). Its news (initiatives)
    come from its archive: only who may read the archive may follow it, others get 404
    as for the archive itself."""
    collective = get_object_or_404(
        Collective.objects.select_related("organisation", "project"), pk=pk
    )
    if not access.collective_rights(user, collective).can_read:
        raise Http404
    return collective


def get_readable_collective(request: HttpRequest, slug: str) -> tuple[Collective, CollectiveRights]:
    """A collective whose archive (discussions, wiki, initiatives) the person may read:
    a members-only archive sends an anonymous visitor to sign in, and is a 404 for a
    signed-in person who is not a member."""
    collective, rights = get_collective(request, slug)
    if not rights.can_read:
        if not request.user.is_authenticated:
            raise SignInRequired
        raise Http404
    return collective, rights


def get_public_archive(slug: str) -> Collective:
    """A collective whose archive anyone may read (its feed: one document for every
    reader, who polls it without a session); a members-only archive is a 404 whoever
    asks, as no reader could sign in."""
    collective = get_object_or_404(Collective.objects.select_related("organisation"), slug=slug)
    if not access.collective_rights(AnonymousUser(), collective).can_read:
        raise Http404
    return collective


def get_organisation(slug: str) -> Organisation:
    """The organisation a new collective is created in."""
    return get_object_or_404(Organisation, slug=slug)


def get_membership(collective: Collective, membership_id: int) -> CollectiveMembership:
    return get_object_or_404(collective.memberships.select_related("user"), pk=membership_id)


# --- The discussion list ------------------------------------------------------------


def get_thread(collective: Collective, thread_id: int) -> Thread:
    thread = get_object_or_404(Thread, collective=collective, pk=thread_id)
    thread.collective = collective  # no query for its URL
    return thread


def get_visible_thread(
    request: HttpRequest, collective: Collective, rights: CollectiveRights, thread_id: int
) -> Thread:
    """A thread with at least one message this person sees (else it is hidden: 404)."""
    thread = get_thread(collective, thread_id)
    shown = Message.objects.filter(thread=thread).filter(visible_messages(request.user, rights))
    if not shown.exists():
        raise Http404
    return thread


def get_visible_message(
    request: HttpRequest, collective: Collective, rights: CollectiveRights, message_id: int
) -> Message:
    return get_object_or_404(
        Message.objects.filter(collective=collective).filter(
            visible_messages(request.user, rights)
        ),
        pk=message_id,
    )


def get_published_message(collective: Collective, message_id: int) -> Message:
    return get_object_or_404(
        Message.objects.published().filter(collective=collective).select_related("thread"),
        pk=message_id,
    )


def get_visible_attachment(
    request: HttpRequest,
    collective: Collective,
    rights: CollectiveRights,
    attachment_id: int,
    filename: str,
) -> Attachment:
    """An attachment of a message this person sees, named by its exact file name."""
    return get_object_or_404(
        Attachment.objects.filter(message__collective=collective).filter(
            visible_messages(request.user, rights, prefix="message__")
        ),
        pk=attachment_id,
        filename=filename,
    )


def get_message(collective: Collective, message_id: int) -> Message:
    """Any message of the collective, whatever its status (for its moderators)."""
    return get_object_or_404(Message.objects.filter(collective=collective), pk=message_id)


def get_held_mail(collective: Collective, mail_id: int) -> InboundMail:
    return get_object_or_404(InboundMail, collective=collective, pk=mail_id)


def get_report(collective: Collective, report_id: int) -> Report:
    return get_object_or_404(Report, message__collective=collective, pk=report_id)


# --- The wiki and the initiatives ---------------------------------------------------


def get_wiki_page(collective: Collective, page_slug: str) -> WikiPage:
    page = get_object_or_404(
        WikiPage.objects.select_related("current"), collective=collective, slug=page_slug
    )
    page.collective = collective  # get_absolute_url without a query
    return page


def get_wiki_revision(page: WikiPage, number: int) -> WikiRevision:
    return get_object_or_404(WikiRevision, page=page, number=number)


def get_initiative(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Collective, CollectiveRights, Initiative]:
    """An initiative of a collective whose archive the person may read."""
    collective, rights = get_readable_collective(request, slug)
    initiative = get_object_or_404(
        Initiative.objects.select_related("commune", "thread", "project", "proposed_by"),
        collective=collective,
        pk=pk,
    )
    initiative.collective = collective
    return collective, rights, initiative


# --- Signing in from a form -----------------------------------------------------------
