"""A campaign's milestones: when its published items reach 10, 25, 50… its followers
hear of it, once for each milestone.

Called by whatever publishes items: a moderator's decision
(`moderation.services.contribution_decide`) and an import (`opendata.imports.run`),
which announces only the highest milestone its rows crossed."""

from __future__ import annotations

from django.urls import reverse

from tissage.engagement.kinds import Kind
from tissage.engagement.services import notify
from tissage.projects.models import Project

from ..models import Campaign, Contribution

MILESTONES = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


def milestone_of(published: int) -> int:
    """The highest milestone `published` items have reached; 0 below the first."""
    return max((milestone for milestone in MILESTONES if milestone <= published), default=0)


def campaign_milestone_announce(*, campaign: Campaign) -> int:
    """Announce the milestone the campaign's published items have reached, if it is
    higher than the last one announced; returns it, or 0 when there is nothing to say.
    Everyone who follows the campaign hears of it, the moderator who published the item
    too: a milestone is everyone's work, not theirs.

    The conditional update records it: of two decisions committed at the same moment,
    only one announces it (the other's update waits for the row, then matches nothing).
    A count missed by two transactions that could not see each other is caught up by
    the next publication."""
    milestone = milestone_of(Contribution.objects.filter(campaign=campaign).published().count())
    if not milestone:
        return 0
    reached = Campaign.objects.filter(pk=campaign.pk, milestone_reached__lt=milestone).update(
        milestone_reached=milestone
    )
    if not reached:
        return 0
    campaign.milestone_reached = milestone
    if campaign.project.status == Project.Status.DRAFT:
        return 0  # seen by its team only: recorded, not announced
    notify(
        kind=Kind.CAMPAIGN_MILESTONE,
        url=reverse("inventories:campaign", args=[campaign.slug]),
        params={"campaign": campaign.title, "count": milestone},
        targets=[campaign],
    )
    return milestone
