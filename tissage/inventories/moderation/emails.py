"""Emails about moderation: tell the contributor of each decision, with the message."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from .. import tokens
from ..models import Contribution, ContributionEvent


def _address(item: Contribution) -> tuple[str, str | None]:
    """Where to write about an item, and in which language."""
    if item.contributor is not None:
        return item.contributor.email, item.contributor.language
    return item.contributor_email, None


def _item_url(item: Contribution, base_url: str) -> str:
    return base_url + reverse(
        "inventories:item", kwargs={"slug": item.campaign.slug, "pk": item.pk}
    )


def decision_send(
    *, item: Contribution, event: ContributionEvent, base_url: str
) -> OutgoingEmail | None:
    """Tell the contributor what a moderator decided, with their message."""
    to, language = _address(item)
    if not to:
        return None  # an assisted entry for someone with no email
    answer_url = ""
    if item.status == Contribution.Status.NEEDS_INFO:
        answer_url = base_url + reverse(
            "inventories:item_answer", kwargs={"slug": item.campaign.slug, "pk": item.pk}
        )
        if item.contributor is None:
            answer_url += "?jeton=" + tokens.GUEST_ANSWER.make(item.pk, item.contributor_email)
    return email_send(
        to=to,
        template="emails/inventories/moderation/decision",
        context={
            "item": item,
            "campaign": item.campaign,
            "event": event,
            "status": item.status,
            "item_url": _item_url(item, base_url),
            "answer_url": answer_url,
        },
        reason=_(
            "You receive this email because you contributed “%(item)s” to “%(campaign)s” "
            "on %(platform)s."
        )
        % {
            "item": item.title,
            "campaign": item.campaign.title,
            "platform": settings.PLATFORM_NAME,
        },
        language=language,
    )
