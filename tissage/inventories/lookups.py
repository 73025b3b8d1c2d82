"""Finding the campaign or item a URL names, for the user asking: 404 when they may not
see it (a draft project's campaign does not leak). Every inventory view starts here."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from . import access
from .models import Campaign, Contribution


def get_campaign(request: HttpRequest, slug: str) -> tuple[Campaign, access.CampaignRights]:
    campaign = get_object_or_404(
        Campaign.objects.select_related("project__organisation"), slug=slug
    )
    rights = access.campaign_rights(request.user, campaign)
    if not rights.can_view:
        raise Http404
    return campaign, rights


def get_item(
    request: HttpRequest, campaign: Campaign, rights: access.CampaignRights, pk: int
) -> Contribution:
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
