"""What the answers sub-package emails directly: guests (who have no account to be
notified in) hear of an official answer; an author hears that their proposal is hidden.

A facilitator's action sends them: each is written in its recipient's language (the
account's, else the site's, French), the sentence saying why included, never in the
facilitator's."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tissage.core.emails import email_send
from tissage.core.models import OutgoingEmail

from ..models import Proposal


def answer_send(*, proposal: Proposal, to: str, is_author: bool, base_url: str) -> OutgoingEmail:
    """The official answer, to a guest who made or supported the proposal."""
    consultation = proposal.consultation
    language = settings.LANGUAGE_CODE  # a guest: the site's language
    with translation.override(language):
        reason = (
            _("You receive this email because you made the proposal “%(title)s” on %(platform)s.")
            if is_author
            else _(
                "You receive this email because you supported the proposal “%(title)s” "
                "on %(platform)s."
            )
        ) % {"title": proposal.title, "platform": settings.PLATFORM_NAME}
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
        reason=reason,
        language=language,
    )


def hidden_send(*, proposal: Proposal, base_url: str) -> OutgoingEmail | None:
    """Tell the author that the moderators hid their proposal, and why."""
    if proposal.author is not None:
        to, language = proposal.author.email, proposal.author.language or settings.LANGUAGE_CODE
    else:
        to, language = proposal.author_email, settings.LANGUAGE_CODE
    if not to:
        return None  # an assisted entry for someone with no email
    consultation = proposal.consultation
    with translation.override(language):
        reason = _(
            "You receive this email because you made the proposal “%(title)s” on %(platform)s."
        ) % {"title": proposal.title, "platform": settings.PLATFORM_NAME}
    return email_send(
        to=to,
        template="emails/consultations/answers/hidden",
        context={
            "proposal": proposal,
            "consultation": consultation,
            "project": consultation.project,
            "consultation_url": base_url + consultation.get_absolute_url(),
        },
        reason=reason,
        language=language,
    )
