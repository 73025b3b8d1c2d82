"""What the staff list of proposals to answer reads, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, F, Q

from ..models import Consultation, Proposal, ProposalQuerySet

# The filters of the list, by the value of `?reponse=`: "sans" (without an answer, the
# default), each answer status, "masquees" (hidden), "toutes".
WITHOUT, HIDDEN, ALL = "sans", "masquees", "toutes"


def proposals_to_answer(consultation: Consultation, shown: str) -> ProposalQuerySet:
    """Published proposals (and hidden ones, for their filter), those without an answer
    first, then the most supported."""
    proposals = consultation.proposals.select_related("category").order_by(
        "-support_count", "-created_at", "-pk"
    )
    if shown == HIDDEN:
        return proposals.filter(status=Proposal.Status.HIDDEN)
    proposals = proposals.published()
    if shown == WITHOUT:
        return proposals.unanswered()
    if shown == ALL:
        return proposals.order_by(
            F("answered_at").asc(nulls_first=True), "-support_count", "-created_at", "-pk"
        )
    return proposals.filter(answer_status=shown)


def filter_counts(consultation: Consultation) -> dict[str, int]:
    """How many proposals each filter shows: one query."""
    published = Q(status=Proposal.Status.PUBLISHED)
    return consultation.proposals.aggregate(
        **{
            WITHOUT: Count("pk", filter=published & Q(answer_status="")),
            HIDDEN: Count("pk", filter=Q(status=Proposal.Status.HIDDEN)),
            ALL: Count("pk", filter=published),
        },
        **{
            status: Count("pk", filter=published & Q(answer_status=status))
            for status in Proposal.Answer.values
            if status
        },
    )
