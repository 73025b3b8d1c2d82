"""Writes of the official answers, moderation and finishing: each under one transaction,
telling whom it concerns."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tissage.accounts.models import User
from tissage.engagement import services as engagement
from tissage.engagement.kinds import Kind
from tissage.projects.models import Project

from ..models import Consultation, Proposal, Support
from . import emails


class AnswerRefused(ValueError):
    """What was asked cannot be done (the form should have said so)."""


@transaction.atomic
def proposal_answer(
    *, proposal: Proposal, answered_by: User, status: str, text: str, base_url: str
) -> bool:
    """Give or change the official answer. Its author and every supporter hear of it
    (a notification with an account, an email as a guest) when the status or the text
    changed, if everyone may read it (`_seen_by_all`); True then, False when nothing
    changed."""
    if status not in Proposal.Answer.values or not status:
        raise AnswerRefused(f"unknown answer {status!r}")
    text = text.strip()
    if status == Proposal.Answer.NOT_RETAINED and not text:
        raise AnswerRefused("a proposal not retained needs a reason")
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("consultation__project", "author")
        .get(pk=proposal.pk)
    )
    if proposal.answer_status == status and proposal.answer_text == text:
        return False
    proposal.answer_status = status
    proposal.answer_text = text
    proposal.answered_at = timezone.now()
    proposal.answered_by = answered_by
    proposal.save(update_fields=["answer_status", "answer_text", "answered_at", "answered_by"])
    if _seen_by_all(proposal):
        _answer_tell(proposal=proposal, answered_by=answered_by, base_url=base_url)
    return True


def _seen_by_all(proposal: Proposal) -> bool:
    """A notification never tells what its reader could not read: an answer to a hidden
    proposal, or in a draft consultation or project, is told to nobody."""
    consultation = proposal.consultation
    return (
        proposal.status == Proposal.Status.PUBLISHED
        and consultation.published
        and consultation.project.status != Project.Status.DRAFT
    )


def _answer_tell(*, proposal: Proposal, answered_by: User, base_url: str) -> None:
    supports = Support.objects.filter(proposal=proposal)
    supporters = list(User.objects.filter(consultation_supports__proposal=proposal))
    engagement.notify(
        kind=Kind.PROPOSAL_ANSWERED,
        url=proposal.get_absolute_url(),
        params={
            "title": proposal.title,
            "consultation": proposal.consultation.title,
            "project": proposal.consultation.project.title,
            "status": proposal.answer_status,
        },
        users=[proposal.author, *supporters],
        actor=answered_by,
    )
    # Guests have no account to be notified in: the author's address, and the
    # addresses that confirmed their support, each once.
    guests: dict[str, bool] = {}
    if proposal.author is None and proposal.author_email:
        guests[proposal.author_email.lower()] = True
    for email in (
        supports.filter(user__isnull=True, confirmed_at__isnull=False)
        .exclude(email="")
        .values_list("email", flat=True)
    ):
        guests.setdefault(email.lower(), False)
    for email, is_author in guests.items():
        emails.answer_send(proposal=proposal, to=email, is_author=is_author, base_url=base_url)


@transaction.atomic
def proposal_hide(*, proposal: Proposal, moderator: User, reason: str, base_url: str) -> None:
    """Hide a published proposal from everyone but its author and the moderators; its
    author is told why."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("consultation__project", "author")
        .get(pk=proposal.pk)
    )
    if proposal.status != Proposal.Status.PUBLISHED:
        raise AnswerRefused("only a published proposal can be hidden")
    proposal.status = Proposal.Status.HIDDEN
    proposal.hidden_reason = reason.strip()
    proposal.save(update_fields=["status", "hidden_reason"])
    emails.hidden_send(proposal=proposal, base_url=base_url)


@transaction.atomic
def proposal_show(*, proposal: Proposal) -> None:
    """Show a hidden proposal again."""
    updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.HIDDEN).update(
        status=Proposal.Status.PUBLISHED, hidden_reason=""
    )
    if not updated:
        raise AnswerRefused("only a hidden proposal can be shown again")


@transaction.atomic
def consultation_finish(
    *, consultation: Consultation, statement: str, unanswered_confirmed: int
) -> Consultation:
    """Finish the consultation with its public closing statement, and the number of
    published proposals left without an answer, which the facilitator confirmed."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.can_finish():
        raise AnswerRefused("a consultation is finished after its closing day")
    unanswered = consultation.proposals.published().unanswered().count()
    if unanswered != unanswered_confirmed:
        raise AnswerRefused("the number of proposals without an answer changed")
    consultation.closing_statement = statement.strip()
    consultation.unanswered_at_closing = unanswered
    consultation.finished_at = consultation.finished_at or timezone.now()
    consultation.save(
        update_fields=["closing_statement", "unanswered_at_closing", "finished_at", "updated_at"]
    )
    return consultation
