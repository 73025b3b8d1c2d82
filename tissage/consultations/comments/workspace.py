"""The comments' part of the staff workspace ("À traiter", `core.registry`): per
consultation the person runs, the reported comments whose reports are not handled, in
one grouped query whatever the data."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from ..access import consultations_managed_by
from ..models import CommentReport


def workspace(user: User) -> list[WorkItem]:
    rows = (
        CommentReport.objects.filter(
            handled_at__isnull=True,
            comment__proposal__consultation__in=consultations_managed_by(user),
        )
        .order_by()
        .values("comment__proposal__consultation__slug", "comment__proposal__consultation__title")
        .annotate(comments=Count("comment", distinct=True))
        .order_by("comment__proposal__consultation__title", "comment__proposal__consultation__slug")
    )
    group = _("Consultations")
    return [
        WorkItem(
            label=ngettext(
                "reported comment to moderate in “%(consultation)s”",
                "reported comments to moderate in “%(consultation)s”",
                row["comments"],
            )
            % {"consultation": row["comment__proposal__consultation__title"]},
            count=row["comments"],
            url=reverse(
                "consultations:moderation", args=[row["comment__proposal__consultation__slug"]]
            ),
            group=group,
        )
        for row in rows
    ]
