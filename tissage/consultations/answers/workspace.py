"""The consultations' part of the staff workspace ("À traiter", `core.registry`): per
consultation the person runs, the published proposals and map remarks still without an
official answer, in one grouped query whatever the data."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from ..access import consultations_managed_by
from ..models import Proposal


def workspace(user: User) -> list[WorkItem]:
    rows = (
        Proposal.objects.published()
        .unanswered()
        .filter(consultation__in=consultations_managed_by(user), consultation__published=True)
        .order_by()
        .values("consultation__slug", "consultation__title")
        .annotate(count=Count("pk"))
        .order_by("consultation__title", "consultation__slug")
    )
    group = _("Consultations")
    return [
        WorkItem(
            label=ngettext(
                "proposal without an official answer in “%(consultation)s”",
                "proposals without an official answer in “%(consultation)s”",
                row["count"],
            )
            % {"consultation": row["consultation__title"]},
            count=row["count"],
            url=reverse("consultations:answers", args=[row["consultation__slug"]]),
            group=group,
        )
        for row in rows
    ]
