"""The collectives' part of the staff workspace ("À traiter", `core.registry`): per
collective the person moderates, the messages and emails held for a coordinator and the
requests to join, in one query whatever the data."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.accounts.models import User
from tissage.core.registry import WorkItem

from .access import collectives_moderated_by
from .models import CollectiveMembership, InboundMail, Message


def _count(rows: object) -> Coalesce:
    """A correlated count of `rows` (filtered on `collective=OuterRef("pk")`)."""
    counted = rows.order_by().values("collective").annotate(n=Count("pk")).values("n")  # type: ignore[attr-defined]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def workspace(user: User) -> list[WorkItem]:
    """Held messages are those of the web and the members' held first posts by email;
    held emails, those not yet a message (as `lists.queries.waiting_mails` counts them)."""
    collectives = (
        collectives_moderated_by(user)
        .annotate(
            held=_count(
                Message.objects.filter(collective=OuterRef("pk"), status=Message.Status.HELD)
            ),
            mails=_count(
                InboundMail.objects.filter(
                    collective=OuterRef("pk"),
                    status=InboundMail.Status.HELD,
                    message__isnull=True,
                )
            ),
            requests=_count(
                CollectiveMembership.objects.pending().filter(collective=OuterRef("pk"))
            ),
        )
        .filter(Q(held__gt=0) | Q(mails__gt=0) | Q(requests__gt=0))
        .only("name", "slug")
        .order_by("name", "pk")
    )
    group = _("Collectives")
    items = []
    for collective in collectives:
        name = collective.name
        held = collective.held + collective.mails  # type: ignore[attr-defined]
        if held:
            items.append(
                WorkItem(
                    label=ngettext(
                        "message held for a coordinator in “%(collective)s”",
                        "messages held for a coordinator in “%(collective)s”",
                        held,
                    )
                    % {"collective": name},
                    count=held,
                    url=reverse("collectives:moderation", args=[collective.slug]),
                    group=group,
                )
            )
        requests = collective.requests  # type: ignore[attr-defined]
        if requests:
            items.append(
                WorkItem(
                    label=ngettext(
                        "request to join “%(collective)s”",
                        "requests to join “%(collective)s”",
                        requests,
                    )
                    % {"collective": name},
                    count=requests,
                    url=reverse("collectives:members", args=[collective.slug]),
                    group=group,
                )
            )
    return items
