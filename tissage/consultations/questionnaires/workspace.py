"""The questionnaires' part of the staff workspace ("À traiter", `core.registry`): per
questionnaire the person runs, the free-text answers waiting to be read before they may
show in the results, in one grouped query whatever the data."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from ..access import consultations_managed_by
from .queries import free_text_waiting


def workspace(user: User) -> list[WorkItem]:
    rows = (
        free_text_waiting()
        .filter(response__questionnaire__consultation__in=consultations_managed_by(user))
        .order_by()
        .values(
            "response__questionnaire",
            "response__questionnaire__title",
            "response__questionnaire__consultation__title",
        )
        .annotate(count=Count("pk"))
        .order_by(
            "response__questionnaire__consultation__title",
            "response__questionnaire__title",
            "response__questionnaire",
        )
    )
    group = _("Consultations")
    return [
        WorkItem(
            label=ngettext(
                "free-text answer to read in “%(questionnaire)s”",
                "free-text answers to read in “%(questionnaire)s”",
                row["count"],
            )
            % {"questionnaire": row["response__questionnaire__title"]},
            count=row["count"],
            url=reverse(
                "consultations:questionnaire_moderation", args=[row["response__questionnaire"]]
            ),
            group=group,
            detail=(
                _("in the consultation “%(consultation)s”")
                % {"consultation": row["response__questionnaire__consultation__title"]},
            ),
        )
        for row in rows
    ]
