from .consultations import Category, Consultation, ConsultationQuerySet
from .proposals import Comment, CommentReport, Proposal, ProposalQuerySet, Support

__all__ = [
    "Category",
    "Comment",
    "CommentReport",
    "Consultation",
    "ConsultationQuerySet",
    "Proposal",
    "ProposalQuerySet",
    "Support",
]
