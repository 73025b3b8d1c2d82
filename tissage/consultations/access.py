"""Who may do what with consultations: the only place that decides it.

See docs/permissions.md for the role-by-object matrix. Running a consultation goes with
running its project: the project's facilitators and the staff of its organisation (who
`can_edit_project`). They create and edit consultations, answer and moderate proposals,
enter a proposal or a support for someone who is not online (assisted entry).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tissage.accounts.models import User
from tissage.projects.access import project_rights, projects_run_by
from tissage.projects.models import Project

from .models import Comment, Consultation, Proposal, Questionnaire

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class ConsultationRights:
    """What one person may do with one consultation, worked out in at most two queries."""

    can_view: bool
    # Propose, support, comment, answer a questionnaire open to anyone: signed in, or as
    # a guest when the consultation allows it; only while it is open.
    can_take_part: bool
    # Guests must sign in first (the consultation needs an account).
    must_sign_in: bool
    # Edit, answer proposals, moderate, assisted entry, finish; participants' emails.
    can_manage: bool
    # Member of the project (questionnaires for members only).
    is_member: bool


def consultation_rights(user: AnyUser, consultation: Consultation) -> ConsultationRights:
    rights = project_rights(user, consultation.project)
    can_view = rights.can_view and (consultation.published or rights.can_edit)
    open_ = consultation.is_open() and consultation.project.status == Project.Status.PUBLISHED
    needs_account = consultation.requires_account and not user.is_authenticated
    return ConsultationRights(
        can_view=can_view,
        can_take_part=can_view and open_ and not needs_account,
        must_sign_in=can_view and open_ and needs_account,
        can_manage=rights.can_edit,
        is_member=rights.role is not None,
    )


def consultation_creation_rights(user: AnyUser, project: Project) -> tuple[bool, bool]:
    """(may see the project, may start a consultation in it): who runs the project."""
    rights = project_rights(user, project)
    return rights.can_view, rights.can_edit


def consultations_managed_by(user: AnyUser) -> QuerySet[Consultation]:
    """Consultations this person runs: `consultation_rights(...).can_manage` over many."""
    return Consultation.objects.filter(project__in=projects_run_by(user))


def consultations_listed_for(user: AnyUser) -> QuerySet[Consultation]:
    """Published consultations of the projects the person sees: what lists and site
    search show (a draft is only on its own page, for who runs it)."""
    return Consultation.objects.visible_to(user)


def proposals_listed_for(user: AnyUser) -> QuerySet[Proposal]:
    """Published proposals (ideas and remarks on the map) of those consultations: never
    a hidden one, nor a guest's waiting for its email, even for its author or managers."""
    return Proposal.objects.published().filter(consultation__in=consultations_listed_for(user))


def is_author(user: AnyUser, proposal: Proposal) -> bool:
    return user.is_authenticated and proposal.author_id == user.pk


def can_view_proposal(user: AnyUser, proposal: Proposal, rights: ConsultationRights) -> bool:
    """Published proposals for everyone who sees the consultation; hidden or unconfirmed
    ones for its managers and their author."""
    if not rights.can_view:
        return False
    if proposal.status == Proposal.Status.PUBLISHED:
        return True
    return rights.can_manage or is_author(user, proposal)


def can_comment(user: AnyUser, proposal: Proposal, rights: ConsultationRights) -> bool:
    """Comments need an account (a name others see, a person to answer to), on a
    published proposal of an open consultation."""
    return (
        user.is_authenticated
        and rights.can_view
        and proposal.status == Proposal.Status.PUBLISHED
        and proposal.consultation.is_open()
    )


def can_comment_once_signed_in(proposal: Proposal, rights: ConsultationRights) -> bool:
    """An anonymous visitor who could comment after signing in: invite them to."""
    return (
        rights.can_view
        and proposal.status == Proposal.Status.PUBLISHED
        and proposal.consultation.is_open()
    )


def can_report_comment(user: AnyUser, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id != user.pk


def sees_participant_email(rights: ConsultationRights) -> bool:
    """Only who runs the consultation sees authors' addresses (to reach them)."""
    return rights.can_manage


# Proposals ---------------------------------------------------------------------------------


def proposal_mode(user: AnyUser, rights: ConsultationRights, *, on_behalf: bool) -> str:
    """How this person proposes: "assisted" (who runs the consultation, entering a
    proposal for someone offline, `?pour=autrui`), "member" (signed in) or "guest"."""
    if on_behalf and rights.can_manage:
        return "assisted"
    return "member" if user.is_authenticated else "guest"


def can_support(proposal: Proposal, rights: ConsultationRights) -> bool:
    """Supporting is taking part: a published proposal, while the consultation is open
    (signed in, or as a guest when it needs no account)."""
    return rights.can_take_part and proposal.status == Proposal.Status.PUBLISHED


# Questionnaires ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireRights:
    """What one person may do with one questionnaire (from the consultation's rights:
    no query of its own)."""

    can_view: bool
    # The consultation is open and the questionnaire published: answers are taken.
    is_open: bool
    # May send an answer online now (a code questionnaire also needs a valid code).
    can_answer: bool
    # Signing in would let them answer (members only, or a consultation that needs an
    # account).
    must_sign_in: bool
    # Set up, codes, paper, assisted entry, moderation, full exports.
    can_manage: bool
    sees_results: bool


def questionnaire_rights(
    user: AnyUser, questionnaire: Questionnaire, rights: ConsultationRights
) -> QuestionnaireRights:
    """A published questionnaire is seen by whoever sees its consultation; a draft by who
    runs it. Who answers depends on its audience: anyone (as a guest when the
    consultation allows it), the project's members (facilitators included), or whoever
    holds an unused code (no account needed, whatever the consultation says). Results:
    always for who runs it; for the others once the facilitator makes them public or the
    consultation is past its closing day."""
    can_view = rights.can_view and (questionnaire.published or rights.can_manage)
    is_open = can_view and questionnaire.published and (rights.can_take_part or rights.must_sign_in)
    match questionnaire.audience:
        case Questionnaire.Audience.MEMBERS:
            can_answer = is_open and rights.is_member
            must_sign_in = is_open and not user.is_authenticated
        case Questionnaire.Audience.CODES:
            can_answer, must_sign_in = is_open, False
        case _:
            can_answer = is_open and rights.can_take_part
            must_sign_in = is_open and rights.must_sign_in
    return QuestionnaireRights(
        can_view=can_view,
        is_open=is_open,
        can_answer=can_answer,
        must_sign_in=must_sign_in,
        can_manage=can_view and rights.can_manage,
        sees_results=can_view and (rights.can_manage or questionnaire.results_open()),
    )


def questionnaires_seen(
    consultation: Consultation, rights: ConsultationRights
) -> QuerySet[Questionnaire]:
    """The consultation's questionnaires this person sees (`questionnaire_rights(...)
    .can_view` over many): the published ones; drafts too for who runs it."""
    if not rights.can_view:
        return Questionnaire.objects.none()
    questionnaires = consultation.questionnaires.all()
    return questionnaires if rights.can_manage else questionnaires.filter(published=True)


def can_enter_for_someone(questionnaire: Questionnaire, rights: QuestionnaireRights) -> bool:
    """Assisted entry of a paper answer: who runs the consultation, until it is finished
    (paper comes back after the closing day)."""
    return rights.can_manage and questionnaire.consultation.finished_at is None
