"""What the proposals send: the link that confirms a guest's address."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from ..models import Proposal, Support
from . import tokens


def _reason(proposal: Proposal) -> str:
    return _(
        "You receive this email because this address was given on %(platform)s in the "
        "consultation “%(consultation)s”. If it was not you, ignore it: nothing will be "
        "published or counted."
    ) % {"platform": settings.PLATFORM_NAME, "consultation": proposal.consultation.title}


def proposal_confirmation_send(*, proposal: Proposal, base_url: str) -> OutgoingEmail:
    confirm_url = base_url + reverse(
        "consultations:proposal_confirm",
        kwargs={"token": tokens.PROPOSAL_CONFIRM.make(proposal.pk, proposal.author_email)},
    )
    return email_send(
        to=proposal.author_email,
        template="emails/consultations/proposals/proposal_confirm",
        context={
            "proposal": proposal,
            "consultation": proposal.consultation,
            "confirm_url": confirm_url,
        },
        reason=_reason(proposal),
    )


def support_confirmation_send(*, support: Support, base_url: str) -> OutgoingEmail:
    confirm_url = base_url + reverse(
        "consultations:support_confirm",
        kwargs={"token": tokens.SUPPORT_CONFIRM.make(support.pk, support.email)},
    )
    return email_send(
        to=support.email,
        template="emails/consultations/proposals/support_confirm",
        context={
            "proposal": support.proposal,
            "consultation": support.proposal.consultation,
            "confirm_url": confirm_url,
        },
        reason=_reason(support.proposal),
    )
