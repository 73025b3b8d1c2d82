"""Who may do what in a collective: the only place that decides it.

See docs/permissions.md (Collectives). In short:
- the collective's page (name, description, meetings, how to join) is public;
- its discussions, wiki and initiatives are public or for members only
  (`archive_visibility`);
- active members post, edit the wiki, propose and join initiatives, report messages;
- coordinators (and the organisation's staff) moderate: requests to join, held
  messages and emails, hidden messages, reports, settings, meetings, and turning an
  initiative into a project.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tissage.accounts.models import User
from tissage.organisations.access import is_organisation_staff
from tissage.organisations.models import Organisation, OrganisationMembership
from tissage.projects.models import Project

from .models import Collective, CollectiveMembership, Initiative, Message

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class CollectiveRights:
    """What one person may do in one collective, worked out in at most two queries."""

    membership: CollectiveMembership | None
    can_read: bool  # discussions, wiki, initiatives
    can_join: bool
    can_leave: bool
    can_participate: bool  # post, reply, edit the wiki, propose and join initiatives
    can_moderate: bool  # coordinators, organisation staff, superusers

    @property
    def is_pending(self) -> bool:
        return (
            self.membership is not None
            and self.membership.status == CollectiveMembership.Status.PENDING
        )


def collective_rights(user: AnyUser, collective: Collective) -> CollectiveRights:
    membership = None
    if user.is_authenticated:
        membership = CollectiveMembership.objects.filter(collective=collective, user=user).first()
    active = membership is not None and membership.status == CollectiveMembership.Status.ACTIVE
    moderator = (membership is not None and membership.is_coordinator) or (
        user.is_authenticated and is_organisation_staff(user, collective.organisation)
    )
    public = collective.archive_visibility == Collective.ArchiveVisibility.PUBLIC
    # The last coordinator cannot leave: the collective would have nobody to run it.
    last_coordinator = (
        membership is not None
        and membership.is_coordinator
        and not CollectiveMembership.objects.active()
        .filter(collective=collective, role=CollectiveMembership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
        .exists()
    )
    return CollectiveRights(
        membership=membership,
        can_read=public or active or moderator,
        can_join=user.is_authenticated and membership is None,
        can_leave=membership is not None and not last_coordinator,
        can_participate=active,
        can_moderate=moderator,
    )


def collectives_readable_by(user: AnyUser) -> QuerySet[Collective]:
    """Collectives whose discussions, wiki and initiatives this person may read: the rule
    of `collective_rights(...).can_read` over many collectives (site search)."""
    public = Q(archive_visibility=Collective.ArchiveVisibility.PUBLIC)
    if not user.is_authenticated:
        return Collective.objects.filter(public)
    if user.is_superuser:
        return Collective.objects.all()
    member = Q(memberships__user=user, memberships__status=CollectiveMembership.Status.ACTIVE) | Q(
        organisation__memberships__user=user
    )
    return Collective.objects.filter(public | member).distinct()


def readers_among(collective: Collective, users: QuerySet[User]) -> QuerySet[User]:
    """Of `users`, those who may read the collective's discussions, wiki and initiatives:
    the rule of `collective_rights(...).can_read` over many people (what notifications
    may tell them)."""
    if collective.archive_visibility == Collective.ArchiveVisibility.PUBLIC:
        return users
    return users.filter(
        Q(
            collective_memberships__collective=collective,
            collective_memberships__status=CollectiveMembership.Status.ACTIVE,
        )
        | Q(organisation_memberships__organisation_id=collective.organisation_id)
        | Q(is_superuser=True)
    ).distinct()


def collectives_moderated_by(user: AnyUser) -> QuerySet[Collective]:
    """Collectives this person moderates: `collective_rights(...).can_moderate` over many
    collectives (active coordinators, the organisation's staff, superusers). Subqueries,
    not joins: no collective comes twice."""
    if not user.is_authenticated:
        return Collective.objects.none()
    if user.is_superuser:
        return Collective.objects.all()
    coordinated = CollectiveMembership.objects.filter(
        user=user,
        role=CollectiveMembership.Role.COORDINATOR,
        status=CollectiveMembership.Status.ACTIVE,
    ).values("collective")
    staffed = OrganisationMembership.objects.filter(user=user).values("organisation")
    return Collective.objects.filter(Q(pk__in=coordinated) | Q(organisation__in=staffed))


def can_create_collective(user: AnyUser, organisation: Organisation) -> bool:
    """The organisation's staff create its collectives."""
    return is_organisation_staff(user, organisation)


def can_report(rights: CollectiveRights, user: AnyUser, message: Message) -> bool:
    return rights.can_participate and message.author_id != getattr(user, "pk", None)


def can_edit_initiative(rights: CollectiveRights, user: AnyUser, initiative: Initiative) -> bool:
    """Change the status and text: who proposed it, and the coordinators."""
    if rights.can_moderate:
        return True
    return rights.can_participate and user.is_authenticated and initiative.proposed_by_id == user.pk


def can_make_project(rights: CollectiveRights, initiative: Initiative) -> bool:
    """Coordinators turn an active initiative into a project of the organisation, once."""
    return (
        rights.can_moderate
        and initiative.project_id is None
        and initiative.status == Initiative.Status.ACTIVE
    )


def coordinates_meetings_of(user: AnyUser, project: Project) -> bool:
    """Coordinators of the collective whose meetings this project holds manage them.

    Registered with the actions app's access rules (apps.py), so a coordinator manages
    the collective's meetings (registrants, check-in) without being in the project's team."""
    if not user.is_authenticated:
        return False
    return CollectiveMembership.objects.filter(
        collective__project=project,
        user=user,
        role=CollectiveMembership.Role.COORDINATOR,
        status=CollectiveMembership.Status.ACTIVE,
    ).exists()
