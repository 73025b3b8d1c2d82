"""Who may do what with organisations: the only place that decides it.

See docs/permissions.md for the role-by-object matrix.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from tissage.accounts.models import User

from .models import Organisation, OrganisationMembership

AnyUser = User | AnonymousUser


def organisation_role(user: AnyUser, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        OrganisationMembership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


def can_manage_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """Edit the organisation, its members, and every one of its projects."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return organisation_role(user, organisation) == OrganisationMembership.Role.ADMIN


def is_organisation_staff(user: AnyUser, organisation: Organisation) -> bool:
    """Administrators and facilitators: they create and run the organisation's projects."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return organisation_role(user, organisation) is not None


def organisations_staffed_by(user: AnyUser) -> QuerySet[Organisation]:
    """Organisations this person is staff of: `is_organisation_staff` over every
    organisation (every one for a superuser), by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(
        pk__in=OrganisationMembership.objects.filter(user=user).values("organisation")
    ).order_by("name")
