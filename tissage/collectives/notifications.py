"""What the collectives tell their followers and members through the engagement app: a
new initiative, a reply to someone's message or initiative, and (registered with the
actions app in apps.py) who hears of a new meeting.

Called by the services that do the thing (`initiatives.services`, `lists.services`);
what a notification says never reaches someone who may not read the collective."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tissage.accounts.models import User
from tissage.actions.models import Action
from tissage.engagement.kinds import Kind
from tissage.engagement.models import Follow
from tissage.engagement.services import notify

from .access import readers_among
from .models import Collective, CollectiveMembership, Initiative, Message


def meetings_announced_to(action: Action) -> list[Collective]:
    """A meeting is announced to the followers of its collective too."""
    if action.kind != Action.Kind.MEETING:
        return []
    return list(Collective.objects.filter(project_id=action.project_id))


def list_readers_by_email(
    collective: Collective, user_ids: Iterable[int] | None = None
) -> QuerySet[User]:
    """Members who get each message of the list by email (among `user_ids`, if given):
    they have read it in their mailbox, a notification need not email them again."""
    memberships = CollectiveMembership.objects.receiving().filter(
        collective=collective, delivery=CollectiveMembership.Delivery.EACH
    )
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
    return User.objects.filter(pk__in=memberships.values("user_id")).only("pk")


def initiative_announce(*, initiative: Initiative, message: Message) -> None:
    """A new initiative: the collective's followers hear of it, or, when the collective's
    discussions are for members only, those of its followers who may read them. `message`
    opens its discussion: published, the list has emailed it to its members."""
    collective = initiative.collective
    public = collective.archive_visibility == Collective.ArchiveVisibility.PUBLIC
    followers = User.objects.filter(
        pk__in=Follow.objects.active().of(collective).values("user_id")
    ).only("pk")
    notify(
        kind=Kind.INITIATIVE_NEW,
        url=initiative.get_absolute_url(),
        params={"title": initiative.title, "collective": collective.name},
        targets=[collective] if public else [],
        users=() if public else readers_among(collective, followers),
        actor=initiative.proposed_by,
        emailed=(
            list_readers_by_email(collective) if message.status == Message.Status.PUBLISHED else ()
        ),
    )


def reply_notify(message: Message) -> None:
    """A published reply: the author of the message it answers and whoever started the
    thread (for an initiative's discussion, who proposed it) hear of it, if they have an
    account and may still read the collective; never its own author."""
    thread = message.thread
    if not Message.objects.filter(thread_id=thread.pk, pk__lt=message.pk).exists():
        return  # the first message of a thread answers nobody
    authors = [thread.started_by_id, message.parent.author_id if message.parent else None]
    answered = {pk for pk in authors if pk is not None and pk != message.author_id}
    if not answered:
        return
    collective = thread.collective
    users = list(readers_among(collective, User.objects.filter(pk__in=answered).only("pk")))
    if not users:
        return
    notify(
        kind=Kind.REPLY,
        url=message.get_absolute_url(),
        params={"author_name": message.author_name, "subject": thread.subject},
        users=users,
        actor=message.author,
        emailed=list_readers_by_email(collective, answered),
    )
