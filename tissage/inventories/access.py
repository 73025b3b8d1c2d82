"""Who may do what with inventories: the only place that decides it.

See docs/permissions.md for the role-by-object matrix. Moderating a campaign goes
with running its project: the project's facilitators and the staff of its
organisation (who `can_edit_project`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tissage.accounts.models import User
from tissage.projects.access import project_rights, projects_run_by, projects_visible_to
from tissage.projects.models import Project

from .models import Campaign, Contribution

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class CampaignRights:
    """What one person may do with one campaign, worked out in at most two queries."""

    can_view: bool
    # Open the contribution form: signed in, or as a guest when the campaign allows it.
    can_contribute: bool
    # Guests must sign in first (the campaign needs an account).
    must_sign_in: bool
    # The queue, decisions, edits, merges, assisted entry; contributors' emails.
    can_moderate: bool
    # Settings, categories and fields, imports.
    can_manage: bool


def campaign_rights(user: AnyUser, campaign: Campaign) -> CampaignRights:
    rights = project_rights(user, campaign.project)
    open_ = campaign.is_open() and campaign.project.status == Project.Status.PUBLISHED
    needs_account = campaign.requires_account and not user.is_authenticated
    return CampaignRights(
        can_view=rights.can_view,
        can_contribute=rights.can_view and open_ and not needs_account,
        must_sign_in=rights.can_view and open_ and needs_account,
        can_moderate=rights.can_edit,
        can_manage=rights.can_edit,
    )


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns this person sees: `campaign_rights(...).can_view` over many campaigns
    (those of the projects they see)."""
    return Campaign.objects.filter(project__in=projects_visible_to(user).values("pk"))


def campaigns_moderated_by(user: AnyUser) -> QuerySet[Campaign]:
    """Campaigns this person moderates: `campaign_rights(...).can_moderate` over many
    campaigns (those of the projects they run)."""
    return Campaign.objects.filter(project__in=projects_run_by(user))


def campaign_creation_rights(user: AnyUser, project: Project) -> tuple[bool, bool]:
    """(may see the project, may start an inventory in it): who runs the project."""
    rights = project_rights(user, project)
    return rights.can_view, rights.can_edit


def can_view_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return campaign_rights(user, campaign).can_view


def can_moderate_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return campaign_rights(user, campaign).can_moderate


def can_manage_campaign(user: AnyUser, campaign: Campaign) -> bool:
    return campaign_rights(user, campaign).can_manage


def is_contributor(user: AnyUser, item: Contribution) -> bool:
    return user.is_authenticated and item.contributor_id == user.pk


def can_view_item(user: AnyUser, item: Contribution, rights: CampaignRights) -> bool:
    """Published items for everyone who sees the campaign; the rest for moderators and
    for the person who contributed it."""
    if not rights.can_view:
        return False
    if item.status == Contribution.Status.VALIDATED:
        return True
    return rights.can_moderate or is_contributor(user, item)


def sees_exact_place(user: AnyUser, item: Contribution, rights: CampaignRights) -> bool:
    """Moderators and the contributor see the exact point of an item whose place is
    hidden; everyone else sees it rounded to about 1 km."""
    return rights.can_moderate or is_contributor(user, item)


def contribution_mode(user: AnyUser, rights: CampaignRights, *, on_behalf: bool) -> str:
    """How the contribution form is filled in: "assisted" (a moderator enters an item for
    someone offline, when asked with `?pour=autrui`), "member" or "guest"."""
    if rights.can_moderate and on_behalf:
        return "assisted"
    return "member" if user.is_authenticated else "guest"


def can_answer_item(user: AnyUser, item: Contribution) -> bool:
    """The contributor completes their item when a moderator asked for more information.

    Guests do it through the signed link of the email (see `tokens.py`), not here.
    """
    return item.status == Contribution.Status.NEEDS_INFO and is_contributor(user, item)


def sees_contributor_email(rights: CampaignRights) -> bool:
    """Only staff see contributors' email addresses (to reach them about an item)."""
    return rights.can_moderate
