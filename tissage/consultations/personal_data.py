"""What consultations hold about a person, for the account export, and how they forget
the person when the account is deleted: proposals, comments and answers stay, with no
name or address; supports go, and the counts they made are taken back."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Greatest

from tissage.accounts.models import User

from .models import Comment, CommentReport, Proposal, ProposalPhoto, Support
from .questionnaires import personal_data as questionnaires


def collect(user: User) -> dict[str, object]:
    return {
        **questionnaires.collect(user),
        "consultation_proposals": [
            {
                "consultation": p.consultation.title,
                "part": p.part,
                "title": p.title,
                "text": p.text,
                "category": p.category.name if p.category else None,
                "commune": p.commune.name if p.commune else None,
                "longitude": p.longitude,
                "latitude": p.latitude,
                "status": p.status,
                "created_at": p.created_at,
                "official_answer": p.answer_status,
                "answer_text": p.answer_text,
            }
            for p in Proposal.objects.filter(author=user)
            .select_related("consultation", "category", "commune")
            .order_by("created_at", "pk")
        ],
        "consultation_supports": [
            {
                "consultation": s.proposal.consultation.title,
                "proposal": s.proposal.title,
                "date": s.created_at,
            }
            for s in Support.objects.filter(user=user)
            .select_related("proposal__consultation")
            .order_by("created_at", "pk")
        ],
        "consultation_comments": [
            {
                "proposal": c.proposal.title,
                "text": c.text,
                "status": c.status,
                "date": c.created_at,
            }
            for c in Comment.objects.filter(author=user)
            .select_related("proposal")
            .order_by("created_at", "pk")
        ],
        "consultation_comment_reports": [
            {"comment": r.comment.text[:80], "reason": r.reason, "date": r.created_at}
            for r in CommentReport.objects.filter(reporter=user).select_related("comment")
        ],
    }


def files(user: User) -> list[FieldFile]:
    """The photos of their proposals."""
    return [
        photo.image for photo in ProposalPhoto.objects.filter(proposal__author=user).order_by("pk")
    ]


@transaction.atomic
def forget(user: User) -> None:
    """Before the account is deleted: their proposals and comments stay (others supported
    and answered them) without their name or address; their supports go with the account,
    so each proposal's count loses them here (the rows cascade afterwards); so do their
    reports of comments."""
    Proposal.objects.filter(author=user).update(author_name="", author_email="")
    # One support per person and proposal (a constraint): each loses exactly one.
    Proposal.objects.filter(supports__user=user, supports__confirmed_at__isnull=False).update(
        support_count=F("support_count") - 1
    )
    Support.objects.filter(user=user).delete()
    # Their reports go with the account too (the rows cascade): each comment they
    # reported loses one (one report per person and comment, a constraint).
    Comment.objects.filter(reports__reporter=user).update(
        report_count=Greatest(F("report_count") - 1, 0)
    )
    questionnaires.forget(user)
