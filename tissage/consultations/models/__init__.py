from .consultations import Category, Consultation, ConsultationQuerySet
from .proposals import (
    Comment,
    CommentReport,
    Proposal,
    ProposalPhoto,
    ProposalQuerySet,
    Support,
)

__all__ = [
    "Category",
    "Comment",
    "CommentReport",
    "Consultation",
    "ConsultationQuerySet",
    "Proposal",
    "ProposalPhoto",
    "ProposalQuerySet",
    "Support",
]
