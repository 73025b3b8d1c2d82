"""What the consultation page reads, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from ..access import AnyUser, ConsultationRights
from ..models import Consultation, Proposal


def answer_progress(consultation: Consultation) -> dict[str, int]:
    """How many published proposals (ideas and remarks) there are, and how many have an
    official answer: one query."""
    return consultation.proposals.published().aggregate(
        total=Count("pk"), answered=Count("pk", filter=~Q(answer_status=""))
    )


def consultation_page(
    consultation: Consultation, user: AnyUser, rights: ConsultationRights
) -> dict[str, Any]:
    progress = answer_progress(consultation)
    return {
        "progress": progress,
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
