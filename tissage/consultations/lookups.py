"""Finding what a consultation URL names, for the person asking, and checking they may
use it: every consultation view starts here.

The rule is `core.access`'s (docs/permissions.md, "Who gets which answer"): pages for a
role sign anonymous visitors in first; what is hidden from the person (a draft
consultation, a hidden proposal) is 404; what they see but may not use is "sign in" for
an anonymous visitor and 403 for a signed-in person.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tissage.core.access import LinkProblem, SignInRequired, require, sign_in_first
from tissage.core.tokens import SignedReference
from tissage.projects.models import Project

from . import access
from .models import (
    Comment,
    Consultation,
    Proposal,
    ProposalPhoto,
    Question,
    Questionnaire,
    Response,
    Support,
)
from .proposals import tokens
from .questionnaires.tokens import RESPONSE_CONFIRM


def get_consultation(
    request: HttpRequest, slug: str
) -> tuple[Consultation, access.ConsultationRights]:
    """The consultation and the person's rights; 404 when they may not see it."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("project__organisation"), slug=slug
    )
    rights = access.consultation_rights(request.user, consultation)
    if not rights.can_view:
        raise Http404
    return consultation, rights


def get_managed_consultation(
    request: HttpRequest, slug: str
) -> tuple[Consultation, access.ConsultationRights]:
    """The consultation, for who runs it: a page for a role."""
    sign_in_first(request)
    consultation, rights = get_consultation(request, slug)
    require(request, rights.can_manage)
    return consultation, rights


def get_consultation_to_take_part(
    request: HttpRequest, slug: str
) -> tuple[Consultation, access.ConsultationRights]:
    """The consultation, when the person may propose or support now: an anonymous
    visitor of a consultation that needs an account is sent to sign in; a closed one is
    403."""
    consultation, rights = get_consultation(request, slug)
    if rights.must_sign_in:
        raise SignInRequired
    if not rights.can_take_part:
        # Closed (or not open yet): signing in would not help (docs/permissions.md, 3).
        raise PermissionDenied
    return consultation, rights


def get_project_to_consult(request: HttpRequest, slug: str) -> Project:
    """The project in which to start a consultation: for who runs it."""
    sign_in_first(request)
    project = get_object_or_404(Project.objects.select_related("organisation"), slug=slug)
    can_view, can_create = access.consultation_creation_rights(request.user, project)
    if not can_view:
        raise Http404
    require(request, can_create)
    return project


def get_proposal(request: HttpRequest, pk: int) -> tuple[Proposal, access.ConsultationRights]:
    """The proposal and the person's rights on its consultation; 404 when hidden from
    them."""
    proposal = get_object_or_404(
        Proposal.objects.select_related(
            "consultation__project__organisation", "category", "commune", "author"
        ),
        pk=pk,
    )
    rights = access.consultation_rights(request.user, proposal.consultation)
    if not access.can_view_proposal(request.user, proposal, rights):
        raise Http404
    return proposal, rights


def get_managed_proposal(
    request: HttpRequest, pk: int
) -> tuple[Proposal, access.ConsultationRights]:
    """The proposal, for who runs its consultation (answer, hide): a page for a role."""
    sign_in_first(request)
    proposal, rights = get_proposal(request, pk)
    require(request, rights.can_manage)
    return proposal, rights


# --- Comments (the comments part) ----------------------------------------------------


def get_comment(request: HttpRequest, pk: int) -> tuple[Comment, access.ConsultationRights]:
    """A comment, with its proposal and the person's rights on its consultation; 404
    when the proposal is hidden from them."""
    comment = get_object_or_404(
        Comment.objects.select_related(
            "author", "proposal__consultation__project__organisation", "proposal__author"
        ),
        pk=pk,
    )
    rights = access.consultation_rights(request.user, comment.proposal.consultation)
    if not access.can_view_proposal(request.user, comment.proposal, rights):
        raise Http404
    return comment, rights


def get_proposal_to_comment(
    request: HttpRequest, pk: int
) -> tuple[Proposal, access.ConsultationRights]:
    """The proposal to comment: an anonymous visitor signs in first (comments need an
    account); a closed consultation or a proposal not published is 403."""
    proposal, rights = get_proposal(request, pk)
    if not request.user.is_authenticated:
        raise SignInRequired
    require(request, access.can_comment(request.user, proposal, rights))
    return proposal, rights


def get_comment_to_report(
    request: HttpRequest, pk: int
) -> tuple[Comment, access.ConsultationRights]:
    """A published comment to report: an anonymous visitor signs in first; one's own
    comment is 403; a hidden one is gone (404)."""
    comment, rights = get_comment(request, pk)
    if comment.status != Comment.Status.PUBLISHED:
        raise Http404
    if not request.user.is_authenticated:
        raise SignInRequired
    require(request, access.can_report_comment(request.user, comment))
    return comment, rights


def get_managed_comment(request: HttpRequest, pk: int) -> tuple[Comment, access.ConsultationRights]:
    """A comment, for who runs its consultation (hide it): a page for a role."""
    sign_in_first(request)
    comment, rights = get_comment(request, pk)
    require(request, rights.can_manage)
    return comment, rights


def followable_consultation(user: access.AnyUser, pk: int) -> Consultation:
    """The consultation to follow (`core.registry`, `followables`): whoever sees it may."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("project__organisation"), pk=pk
    )
    if not access.consultation_rights(user, consultation).can_view:
        raise Http404
    return consultation


# Proposals (the proposals sub-package) ------------------------------------------------------


def get_proposal_to_support(
    request: HttpRequest, pk: int
) -> tuple[Proposal, access.ConsultationRights]:
    """The proposal, when the person may support it now: hidden is 404; a consultation
    that needs an account signs an anonymous visitor in; closed, or a proposal not
    published, is 403 for everyone (signing in would not help)."""
    proposal, rights = get_proposal(request, pk)
    if rights.must_sign_in:
        raise SignInRequired
    if not access.can_support(proposal, rights):
        raise PermissionDenied
    return proposal, rights


def get_proposal_to_record_support(
    request: HttpRequest, pk: int
) -> tuple[Proposal, access.ConsultationRights]:
    """The proposal, for who runs its consultation recording a support given on paper
    (a page for a role), while it may be supported."""
    sign_in_first(request)
    proposal, rights = get_proposal(request, pk)
    require(request, rights.can_manage)
    if not access.can_support(proposal, rights):
        raise PermissionDenied
    return proposal, rights


def get_visible_proposal_photo(request: HttpRequest, pk: int) -> ProposalPhoto:
    """A proposal's photo, for whoever may see the proposal (`access.can_view_proposal`);
    404 otherwise."""
    photo = get_object_or_404(
        ProposalPhoto.objects.select_related("proposal__consultation__project__organisation"),
        pk=pk,
        proposal__isnull=False,
    )
    proposal = photo.proposal
    if proposal is None:  # a photo kept for a form: `views.kept_photo`, by its key
        raise Http404
    rights = access.consultation_rights(request.user, proposal.consultation)
    if not access.can_view_proposal(request.user, proposal, rights):
        raise Http404
    return photo


def _signed_row(reference: SignedReference, token: str) -> tuple[int, str]:
    """The row and address a guest's link names (a proposal, a support, an answer)."""
    try:
        return reference.read(token)
    except signing.SignatureExpired as error:
        raise LinkProblem(_("This link has expired (it was valid 7 days).")) from error
    except signing.BadSignature as error:
        raise LinkProblem(_("This link is not valid. Copy the whole link.")) from error


def get_guest_proposal(token: str) -> Proposal:
    """The proposal a guest confirms with the link of their email (a right of its own,
    without signing in); a link that cannot be used is a `LinkProblem`."""
    pk, email = _signed_row(tokens.PROPOSAL_CONFIRM, token)
    proposal = Proposal.objects.select_related("consultation").filter(pk=pk).first()
    if proposal is None or proposal.author_email != email:
        raise LinkProblem(_("This proposal no longer exists."))
    return proposal


def get_guest_support(token: str) -> Support:
    """The support a guest confirms with the link of their email."""
    pk, email = _signed_row(tokens.SUPPORT_CONFIRM, token)
    support = Support.objects.select_related("proposal__consultation").filter(pk=pk).first()
    if support is None or (support.email != email and support.user_id is None):
        raise LinkProblem(_("This support no longer exists."))
    return support


# Questionnaires ---------------------------------------------------------------------------


def get_questionnaire(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, access.QuestionnaireRights]:
    """The questionnaire and the person's rights; 404 when they may not see it (a draft
    questionnaire, or a consultation hidden from them)."""
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("consultation__project__organisation"), pk=pk
    )
    consultation_rights = access.consultation_rights(request.user, questionnaire.consultation)
    rights = access.questionnaire_rights(request.user, questionnaire, consultation_rights)
    if not rights.can_view:
        raise Http404
    return questionnaire, rights


def get_questionnaire_to_answer(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, access.QuestionnaireRights]:
    """The questionnaire, when the person may send an answer now: a closed one is 403 for
    everyone (signing in would not help); otherwise sign in or 403."""
    questionnaire, rights = get_questionnaire(request, pk)
    if not rights.is_open:
        raise PermissionDenied
    if rights.must_sign_in:
        raise SignInRequired
    require(request, rights.can_answer)
    return questionnaire, rights


def get_managed_questionnaire(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, access.QuestionnaireRights]:
    """The questionnaire, for who runs its consultation: a page for a role."""
    sign_in_first(request)
    questionnaire, rights = get_questionnaire(request, pk)
    require(request, rights.can_manage)
    return questionnaire, rights


def get_questionnaire_to_enter(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, access.QuestionnaireRights]:
    """The questionnaire, for a facilitator typing in a paper answer."""
    questionnaire, rights = get_managed_questionnaire(request, pk)
    if not access.can_enter_for_someone(questionnaire, rights):
        raise PermissionDenied
    return questionnaire, rights


def get_managed_question(
    request: HttpRequest, pk: int
) -> tuple[Question, access.QuestionnaireRights]:
    """A question, for who runs its consultation: a page for a role."""
    sign_in_first(request)
    question = get_object_or_404(
        Question.objects.select_related("questionnaire__consultation__project__organisation"),
        pk=pk,
    )
    questionnaire = question.questionnaire
    consultation_rights = access.consultation_rights(request.user, questionnaire.consultation)
    rights = access.questionnaire_rights(request.user, questionnaire, consultation_rights)
    if not rights.can_view:
        raise Http404
    require(request, rights.can_manage)
    return question, rights


def get_questionnaire_results(
    request: HttpRequest, pk: int
) -> tuple[Questionnaire, access.QuestionnaireRights]:
    """The questionnaire, when the person may read its results (public once published
    or closed; always for who runs it)."""
    questionnaire, rights = get_questionnaire(request, pk)
    require(request, rights.sees_results)
    return questionnaire, rights


def get_guest_response(token: str) -> Response:
    """The answer a guest confirms with the link of their email (a right of its own,
    without signing in)."""
    pk, email = _signed_row(RESPONSE_CONFIRM, token)
    response = Response.objects.select_related("questionnaire__consultation").filter(pk=pk).first()
    if response is None or not response.email or response.email != email:
        raise LinkProblem(_("This answer no longer exists."))
    return response
