"""The inventories' part of the staff workspace ("À traiter", `core.registry`): per
campaign the person moderates, the new contributions to moderate and the contributors'
answers to "needs more information", in one grouped query whatever the data."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from .access import campaigns_moderated_by
from .models import Contribution, ContributionEvent

Kind = ContributionEvent.Kind


def workspace(user: User) -> list[WorkItem]:
    """Submitted items are new unless their last answer or decision is an answer: the
    contributor completed the item and it waits for the moderator again. Merged
    duplicates are left out, as in the queue."""
    last_step = (
        ContributionEvent.objects.filter(
            contribution=OuterRef("pk"), kind__in=[Kind.ANSWERED, Kind.DECIDED]
        )
        .order_by("-created_at", "-pk")
        .values("kind")[:1]
    )
    answered = Q(last_step=Kind.ANSWERED)
    rows = (
        Contribution.objects.filter(
            campaign__in=campaigns_moderated_by(user),
            status=Contribution.Status.SUBMITTED,
            merged_into__isnull=True,
        )
        .alias(last_step=Subquery(last_step))
        .order_by()
        .values("campaign__slug", "campaign__title")
        .annotate(
            new=Count("pk", filter=~answered | Q(last_step__isnull=True)),
            answers=Count("pk", filter=answered),
        )
        .order_by("campaign__title", "campaign__slug")
    )
    group = _("Inventories")
    items = []
    for row in rows:
        queue = reverse("inventories:queue", args=[row["campaign__slug"]])
        title = row["campaign__title"]
        if row["new"]:
            items.append(
                WorkItem(
                    label=ngettext(
                        "contribution to moderate in “%(campaign)s”",
                        "contributions to moderate in “%(campaign)s”",
                        row["new"],
                    )
                    % {"campaign": title},
                    count=row["new"],
                    url=queue,
                    group=group,
                )
            )
        if row["answers"]:
            items.append(
                WorkItem(
                    label=ngettext(
                        "answer to “needs more information” in “%(campaign)s”",
                        "answers to “needs more information” in “%(campaign)s”",
                        row["answers"],
                    )
                    % {"campaign": title},
                    count=row["answers"],
                    url=f"{queue}?status={Contribution.Status.SUBMITTED}",
                    group=group,
                )
            )
    return items
