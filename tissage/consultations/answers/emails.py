"""What the answers sub-package emails directly: guests (who have no account to be
notified in) hear of an official answer; an author hears that their proposal is hidden."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from ..models import Proposal


def answer_send(*, proposal: Proposal, to: str, is_author: bool, base_url: str) -> OutgoingEmail:
    """The official answer, to a guest who made or supported the proposal."""
    consultation = proposal.consultation
    return email_send(
        to=to,
        template="emails/consultations/answers/answered",
        context={
            "proposal": proposal,
            "consultation": consultation,
            "project": consultation.project,
            "is_author": is_author,
            "proposal_url": base_url + proposal.get_absolute_url(),
        },
        reason=(
            _("You receive this email because you made the proposal “%(title)s” on %(platform)s.")
            if is_author
            else _(
                "You receive this email because you supported the proposal “%(title)s” "
                "on %(platform)s."
            )
        )
        % {"title": proposal.title, "platform": settings.PLATFORM_NAME},
    )


def hidden_send(*, proposal: Proposal, base_url: str) -> OutgoingEmail | None:
    """Tell the author that the moderators hid their proposal, and why."""
    if proposal.author is not None:
        to, language = proposal.author.email, proposal.author.language
    else:
        to, language = proposal.author_email, None
    if not to:
        return None  # an assisted entry for someone with no email
    consultation = proposal.consultation
    return email_send(
        to=to,
        template="emails/consultations/answers/hidden",
        context={
            "proposal": proposal,
            "consultation": consultation,
            "project": consultation.project,
            "consultation_url": base_url + consultation.get_absolute_url(),
        },
        reason=_(
            "You receive this email because you made the proposal “%(title)s” on %(platform)s."
        )
        % {"title": proposal.title, "platform": settings.PLATFORM_NAME},
        language=language,
    )
