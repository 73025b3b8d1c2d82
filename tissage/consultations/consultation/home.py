"""The consultations' part of the home page: the consultations open now, with how many
proposals each has received."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from tissage.core.registry import HomePart
from tissage.projects.models import Project

from ..models import Consultation, Proposal

OPEN_CONSULTATIONS = 3


def home_part() -> HomePart | None:
    """One query; no part at all when nothing is open (the home page stays short)."""
    today = timezone.localdate()
    consultations = list(
        Consultation.objects.published()
        .filter(
            project__status=Project.Status.PUBLISHED,
            finished_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .select_related("project")
        .annotate(
            published_proposals=Count(
                "proposals", filter=Q(proposals__status=Proposal.Status.PUBLISHED)
            )
        )
        .order_by("closes_on", "title")[:OPEN_CONSULTATIONS]
    )
    if not consultations:
        return None
    return HomePart(
        template="consultations/consultation/_home.html",
        context={"open_consultations": consultations},
        position=25,
    )
