"""What the comments' pages read, in a fixed number of queries whatever their length."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from .. import access
from ..access import AnyUser, ConsultationRights
from ..models import Comment, CommentReport, Consultation, Proposal

MODERATION_LIMIT = 100
LATEST_LIMIT = 30


@dataclass
class ShownComment:
    comment: Comment
    can_report: bool
    reported: bool  # by the person reading
    replies: list[ShownComment] = field(default_factory=list)


@dataclass(frozen=True)
class Thread:
    comments: list[ShownComment]  # the first comments, each with its replies
    count: int  # published comments
    can_comment: bool
    can_moderate: bool
    must_sign_in: bool  # may comment once signed in


def thread(proposal: Proposal, user: AnyUser, rights: ConsultationRights) -> Thread:
    """A proposal's comments, one level of replies under each first comment: two
    queries (the comments with their authors; what the person reported)."""
    comments = list(proposal.comments.select_related("author").order_by("created_at", "pk"))
    reported: set[int] = set()
    if user.is_authenticated:
        reported = set(
            CommentReport.objects.filter(
                comment__proposal=proposal, reporter_id=user.pk
            ).values_list("comment_id", flat=True)
        )
    by_pk: dict[int, ShownComment] = {}
    firsts: list[ShownComment] = []
    parents = {comment.pk: comment.parent_id for comment in comments}
    for comment in comments:
        shown = ShownComment(
            comment=comment,
            can_report=comment.status == Comment.Status.PUBLISHED
            and access.can_report_comment(user, comment)
            and comment.pk not in reported,
            reported=comment.pk in reported,
        )
        by_pk[comment.pk] = shown
        # Shown under the thread's first comment, however deep it was written.
        root = comment.pk
        while parents.get(root) is not None:
            root = parents[root]  # type: ignore[assignment]
        if root == comment.pk or root not in by_pk:
            firsts.append(shown)
        else:
            by_pk[root].replies.append(shown)
    can_comment = access.can_comment(user, proposal, rights)
    return Thread(
        comments=firsts,
        count=sum(1 for c in comments if c.status == Comment.Status.PUBLISHED),
        can_comment=can_comment,
        can_moderate=rights.can_manage,
        must_sign_in=not user.is_authenticated
        and access.can_comment_once_signed_in(proposal, rights),
    )


def reply_parent(proposal: Proposal, pk: str | None) -> Comment | None:
    """The published comment of `proposal` that `pk` (typed in an address) names."""
    if not pk or not pk.isdigit() or len(pk) > 9:
        return None
    return (
        proposal.comments.filter(pk=int(pk), status=Comment.Status.PUBLISHED)
        .select_related("author")
        .first()
    )


def reported_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The consultation's comments with reports not handled yet, the most reported
    first, each with those reports and who made them."""
    return (
        Comment.objects.filter(proposal__consultation=consultation)
        .annotate(open_reports=Count("reports", filter=Q(reports__handled_at__isnull=True)))
        .filter(open_reports__gt=0)
        .select_related("author", "proposal")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=CommentReport.objects.filter(handled_at__isnull=True)
                .select_related("reporter")
                .order_by("created_at", "pk"),
                to_attr="open_report_list",
            )
        )
        .order_by("-open_reports", "created_at", "pk")
    )


def latest_comments(consultation: Consultation) -> QuerySet[Comment]:
    """The consultation's latest published comments that nobody reported now."""
    return (
        Comment.objects.filter(proposal__consultation=consultation, status=Comment.Status.PUBLISHED)
        .exclude(pk__in=CommentReport.objects.filter(handled_at__isnull=True).values("comment_id"))
        .select_related("author", "proposal")
        .order_by("-created_at", "-pk")
    )


def moderation_page(consultation: Consultation) -> dict[str, object]:
    """Three queries: the reported comments, their reports, the latest comments."""
    return {
        "reported": list(reported_comments(consultation)[:MODERATION_LIMIT]),
        "latest": list(latest_comments(consultation)[:LATEST_LIMIT]),
    }
