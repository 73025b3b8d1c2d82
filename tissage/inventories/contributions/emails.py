"""Emails about contributions: confirm a guest's address."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from .. import tokens
from ..models import Contribution


def guest_confirmation_send(*, item: Contribution, base_url: str) -> OutgoingEmail:
    confirm_url = base_url + reverse(
        "inventories:guest_confirm",
        kwargs={"token": tokens.GUEST_CONFIRM.make(item.pk, item.contributor_email)},
    )
    return email_send(
        to=item.contributor_email,
        template="emails/inventories/contributions/guest_confirm",
        context={"item": item, "campaign": item.campaign, "confirm_url": confirm_url},
        reason=_(
            "You receive this email because this address was given with a contribution "
            "to “%(campaign)s” on %(platform)s. If it was not you, ignore it: nothing "
            "will be published."
        )
        % {"campaign": item.campaign.title, "platform": settings.PLATFORM_NAME},
    )
