"""Writes on comments: posting (and telling whom it answers), reporting, moderating.

`Proposal.comment_count` counts the published comments: +1 when one is posted, -1 when
one is hidden, always with F() in the database (never read, add, write)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from tissage.accounts.models import User
from tissage.engagement.kinds import Kind
from tissage.engagement.services import follow_auto, notify

from ..models import Comment, CommentReport, Proposal


def comment_url(comment: Comment) -> str:
    return f"{comment.proposal.get_absolute_url()}#comment-{comment.pk}"


@transaction.atomic
def comment_post(
    *, proposal: Proposal, author: User, text: str, parent: Comment | None = None
) -> Comment:
    """A comment on `proposal`, or a reply to `parent` (one of its comments). One level
    of threads is shown: a reply to a reply answers the thread's first comment. The
    proposal's author hears of a new comment, the answered comment's author of a reply
    (`reply` notifications), never the comment's own author; the author follows the
    consultation."""
    if parent is not None and parent.parent_id is not None:
        parent = Comment.objects.select_related("author").get(pk=parent.parent_id)
    comment = Comment.objects.create(proposal=proposal, parent=parent, author=author, text=text)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
    # Taking part: they follow the consultation (its answers, its end), unless they
    # once chose not to.
    follow_auto(user=author, target=proposal.consultation)
    concerned = [proposal.author, parent.author if parent is not None else None]
    users = {user.pk: user for user in concerned if user is not None and user.pk != author.pk}
    if users:
        notify(
            kind=Kind.REPLY,
            url=comment_url(comment),
            params={"author_name": author.public_name, "subject": proposal.title},
            users=list(users.values()),
            actor=author,
        )
    return comment


def comment_report(*, comment: Comment, reporter: User, reason: str = "") -> bool:
    """Tell who runs the consultation that `comment` breaks the rules. One report per
    person: False if they had reported it already (even at the same instant)."""
    try:
        with transaction.atomic():
            CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def comment_hide(*, comment: Comment) -> Comment:
    """Hide a comment (its place in the thread says it was hidden by the moderation);
    its reports are handled. Nothing is deleted."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    CommentReport.objects.filter(comment=comment, handled_at=None).update(handled_at=timezone.now())
    if comment.status == Comment.Status.HIDDEN:
        return comment
    comment.status = Comment.Status.HIDDEN
    comment.save(update_fields=["status"])
    Proposal.objects.filter(pk=comment.proposal_id).update(
        comment_count=Greatest(F("comment_count") - 1, 0)
    )
    return comment


@transaction.atomic
def comment_keep(*, comment: Comment) -> int:
    """The comment stays: its reports are handled. Returns how many were."""
    return CommentReport.objects.filter(comment=comment, handled_at=None).update(
        handled_at=timezone.now()
    )
