"""Finding what an inventory URL names, for the person asking, and checking they may use
it: every inventory view starts here.

The rule is `core.access`'s (docs/permissions.md, "Who gets which answer"): pages for a
role sign anonymous visitors in first; what is hidden from the person (a draft project's
campaign, an item not published) is 404; what they see but may not use is "sign in" for
an anonymous visitor and 403 for a signed-in person.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.access import LinkProblem, SignInRequired, require, sign_in_first
from tissage.projects.models import Project

from . import access, tokens
from .models import Campaign, CampaignField, Category, Contribution, InventoryImport, Photo

# Campaigns ----------------------------------------------------------------------------


def get_campaign(request: HttpRequest, slug: str) -> tuple[Campaign, access.CampaignRights]:
    """The campaign and the person's rights; 404 when they may not see it (a draft
    project's campaign does not leak)."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("project__organisation"), slug=slug
    )
    rights = access.campaign_rights(request.user, campaign)
    if not rights.can_view:
        raise Http404
    return campaign, rights


def get_public_campaign(slug: str) -> Campaign:
    """The campaign, when anyone may see it (its feed: one document for every reader,
    who polls it without a session); else 404, a draft project's whoever asks."""
    campaign = get_object_or_404(
        Campaign.objects.select_related("project__organisation"), slug=slug
    )
    if not access.can_view_campaign(AnonymousUser(), campaign):
        raise Http404
    return campaign


def followable_campaign(user: access.AnyUser, pk: int) -> Campaign:
    """The campaign to follow (`core.registry`, `followables`): whoever sees it may."""
    campaign = get_object_or_404(Campaign.objects.select_related("project__organisation"), pk=pk)
    if not access.can_view_campaign(user, campaign):
        raise Http404
    return campaign


def get_heritage_campaign(
    request: HttpRequest, slug: str
) -> tuple[Campaign, access.CampaignRights]:
    """A campaign of the heritage template (the Mérimée export has no sense otherwise)."""
    campaign, rights = get_campaign(request, slug)
    if campaign.template != Campaign.Template.HERITAGE:
        raise Http404
    return campaign, rights


def get_moderated_campaign(
    request: HttpRequest, slug: str
) -> tuple[Campaign, access.CampaignRights]:
    """The campaign, for its moderators (the queue, the staff export): a page for a role."""
    sign_in_first(request)
    campaign, rights = get_campaign(request, slug)
    require(request, rights.can_moderate)
    return campaign, rights


def get_managed_campaign(request: HttpRequest, slug: str) -> tuple[Campaign, access.CampaignRights]:
    """The campaign, for who runs it (settings, categories, questions, imports): a page
    for a role."""
    sign_in_first(request)
    campaign, rights = get_campaign(request, slug)
    require(request, rights.can_manage)
    return campaign, rights


def get_campaign_to_contribute(
    request: HttpRequest, slug: str
) -> tuple[Campaign, access.CampaignRights]:
    """The campaign, when the person may contribute to it now.

    A campaign that needs an account sends guests to sign in; a campaign that does not
    take contributions (closed, or its project not published) is 403 for everyone,
    anonymous visitors included: signing in would not help them.
    """
    campaign, rights = get_campaign(request, slug)
    if rights.must_sign_in:
        raise SignInRequired
    if not rights.can_contribute:
        raise PermissionDenied(_("This campaign does not take contributions at the moment."))
    return campaign, rights


def get_project_for_new_campaign(request: HttpRequest, project_slug: str) -> Project:
    """The project to start an inventory in, for who runs it: a page for a role."""
    sign_in_first(request)
    project = get_object_or_404(Project.objects.select_related("organisation"), slug=project_slug)
    can_view, can_create = access.campaign_creation_rights(request.user, project)
    if not can_view:
        raise Http404
    require(request, can_create)
    return project


def get_category(campaign: Campaign, pk: int) -> Category:
    return get_object_or_404(Category, campaign=campaign, pk=pk)


def get_question(campaign: Campaign, pk: int) -> CampaignField:
    return get_object_or_404(CampaignField, campaign=campaign, pk=pk)


def get_import(campaign: Campaign, pk: int) -> InventoryImport:
    return get_object_or_404(
        InventoryImport.objects.select_related("created_by"), campaign=campaign, pk=pk
    )


# Items --------------------------------------------------------------------------------


def get_item(
    request: HttpRequest, campaign: Campaign, rights: access.CampaignRights, pk: int
) -> Contribution:
    """An item of the campaign; 404 when the person may not see it (not published, and
    neither a moderator nor its contributor)."""
    item = get_object_or_404(
        Contribution.objects.select_related(
            "category", "commune", "contributor", "entered_by"
        ).defer("commune__geometry"),
        campaign=campaign,
        pk=pk,
    )
    if not access.can_view_item(request.user, item, rights):
        raise Http404
    return item


def get_visible_photo(request: HttpRequest, pk: int) -> Photo:
    """A photo, for whoever may see its item; 404 otherwise (an unpublished item's
    photos are private files, served by the app only after this check)."""
    photo = get_object_or_404(
        Photo.objects.select_related("contribution__campaign__project"), pk=pk
    )
    item = photo.contribution
    rights = access.campaign_rights(request.user, item.campaign)
    if not access.can_view_item(request.user, item, rights):
        raise Http404
    return photo


def merged_into(campaign: Campaign, pk: int) -> int | None:
    """The item a duplicate was merged into (its permalink leads there), or None."""
    return (
        Contribution.objects.filter(campaign=campaign, pk=pk, merged_into__isnull=False)
        .values_list("merged_into", flat=True)
        .first()
    )


def get_moderated_item(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Campaign, access.CampaignRights, Contribution]:
    """An item, for the campaign's moderators. The views of one item send anonymous
    visitors to sign in and back to the item's moderation page (see moderation/views.py)."""
    campaign, rights = get_moderated_campaign(request, slug)
    item = get_item(request, campaign, rights, pk)
    item.campaign = campaign  # already loaded, with its project: no second query
    return campaign, rights, item


def get_guest_item(token: str) -> Contribution:
    """The item a guest confirms with the link of their email."""
    try:
        pk, email = tokens.GUEST_CONFIRM.read(token)
    except signing.SignatureExpired as error:
        raise LinkProblem(_("This link has expired (it was valid 7 days).")) from error
    except signing.BadSignature as error:
        raise LinkProblem(_("This link is not valid. Copy the whole link.")) from error
    item = Contribution.objects.select_related("campaign").filter(pk=pk).first()
    if item is None or item.contributor_email != email:
        raise LinkProblem(_("This contribution no longer exists."))
    return item


def get_item_to_answer(
    request: HttpRequest, slug: str, pk: int
) -> tuple[Campaign, Contribution, User | None]:
    """(campaign, item, who answers) for “needs more information”: the contributor,
    signed in, or a guest with the signed link of the email (`?jeton=`; None then).

    Kept as it was: the campaign is not checked for visibility (the contributor answers
    about their own item), and a signed-in person who is not the contributor gets 404,
    not 403, whether the item is published or not.
    """
    campaign = get_object_or_404(Campaign.objects.select_related("project"), slug=slug)
    item = get_object_or_404(
        Contribution.objects.select_related("campaign"), campaign=campaign, pk=pk
    )
    token = request.GET.get("jeton", "")
    if token:
        try:
            token_pk, email = tokens.GUEST_ANSWER.read(token)
        except signing.BadSignature as error:
            raise LinkProblem(_("This link is not valid or has expired.")) from error
        if token_pk != item.pk or email != item.contributor_email:
            raise LinkProblem(_("This link is not valid or has expired."))
        return campaign, item, None
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        raise SignInRequired
    if not access.is_contributor(request.user, item):
        raise Http404
    return campaign, item, request.user
