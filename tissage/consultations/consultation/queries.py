"""What the consultation page reads, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from ..access import AnyUser, ConsultationRights
from ..models import Category, Consultation, Proposal


def answer_progress(consultation: Consultation) -> dict[str, int]:
    """How many published proposals (ideas and remarks) there are, how many have an
    official answer, and how many have each answer: one query."""
    return consultation.proposals.published().aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=~Q(answer_status="")),
        **{
            status: Count("pk", filter=Q(answer_status=status))
            for status in Proposal.Answer.values
            if status
        },
    )


def answer_counts(progress: dict[str, int]) -> list[tuple[str, str, int]]:
    """The answers given, by status, as (status, label, count), without the empty ones."""
    return [
        (status, str(label), progress[status])
        for status, label in Proposal.Answer.choices
        if status and progress.get(status)
    ]


def categories_by_part(consultation: Consultation) -> list[dict[str, Any]]:
    """The consultation's categories of each part it has, each with how many proposals
    use it: one query."""
    rows = list(
        Category.objects.filter(consultation=consultation)
        .annotate(proposal_count=Count("proposals"))
        .order_by("part", "position", "name")
    )
    return [
        {
            "part": part,
            "label": label,
            "categories": [row for row in rows if row.part == part],
        }
        for part, label in Category.Part.choices
    ]


def consultation_page(
    consultation: Consultation, user: AnyUser, rights: ConsultationRights
) -> dict[str, Any]:
    progress = answer_progress(consultation)
    return {
        "progress": progress,
        "answer_counts": answer_counts(progress),
        "unanswered": progress["total"] - progress["answered"],
        "top_proposals": list(
            consultation.proposals.published()
            .ideas()
            .for_cards()
            .order_by("-support_count", "-pk")[:3]
        )
        if consultation.proposals_enabled
        else [],
        "state": consultation.state(),
        "Proposal": Proposal,
    }
