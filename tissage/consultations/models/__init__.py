from .consultations import Category, Consultation, ConsultationQuerySet
from .map import ProposalCell
from .proposals import (
    Comment,
    CommentReport,
    Proposal,
    ProposalPhoto,
    ProposalQuerySet,
    ProposalWord,
    Support,
)
from .questionnaires import (
    AccessCode,
    Answer,
    AnswerTally,
    Question,
    Questionnaire,
    QuestionnaireQuerySet,
    Response,
    ResponseTally,
)

__all__ = [
    "AccessCode",
    "Answer",
    "AnswerTally",
    "Category",
    "Comment",
    "CommentReport",
    "Consultation",
    "ConsultationQuerySet",
    "Proposal",
    "ProposalCell",
    "ProposalPhoto",
    "ProposalQuerySet",
    "ProposalWord",
    "Question",
    "Questionnaire",
    "QuestionnaireQuerySet",
    "Response",
    "ResponseTally",
    "Support",
]
