"""Finding what a consultation URL names, for the person asking, and checking they may
use it: every consultation view starts here.

The rule is `core.access`'s (docs/permissions.md, "Who gets which answer"): pages for a
role sign anonymous visitors in first; what is hidden from the person (a draft
consultation, a hidden proposal) is 404; what they see but may not use is "sign in" for
an anonymous visitor and 403 for a signed-in person.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from tissage.core.access import SignInRequired, require, sign_in_first
from tissage.projects.models import Project

from . import access
from .models import Comment, Consultation, Proposal


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
    require(request, rights.can_take_part)
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
