"""Who has a workspace: anyone with at least one staff role somewhere (docs/permissions.md,
"Dashboard"). What each person sees in it is decided by each app's own `access.py`, in
its part of the workspace (`core.registry.WorkItem`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef

from tissage.accounts.models import User
from tissage.collectives.models import CollectiveMembership
from tissage.organisations.models import OrganisationMembership
from tissage.projects.models import ProjectMembership

AnyUser = User | AnonymousUser


def is_staff_anywhere(user: AnyUser) -> bool:
    """Superusers, organisation admins and facilitators, project facilitators and active
    collective coordinators: the people who moderate, run or coordinate something. One
    query."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    person = OuterRef("pk")
    return (
        User.objects.filter(pk=user.pk)
        .filter(
            Exists(OrganisationMembership.objects.filter(user=person))
            | Exists(
                ProjectMembership.objects.filter(
                    user=person, role=ProjectMembership.Role.FACILITATOR
                )
            )
            | Exists(
                CollectiveMembership.objects.filter(
                    user=person,
                    role=CollectiveMembership.Role.COORDINATOR,
                    status=CollectiveMembership.Status.ACTIVE,
                )
            )
        )
        .exists()
    )
