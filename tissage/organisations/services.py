"""Writes about organisations that touch several rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from tissage.accounts.models import User
from tissage.core.slugs import unique_slug
from tissage.territories.models import Commune

from .models import Organisation, OrganisationMembership


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    contact_email: str = "",
    communes: Iterable[Commune] = (),
    admins: Iterable[User] = (),
    facilitators: Iterable[User] = (),
    is_demo: bool = False,
    slug: str | None = None,
) -> Organisation:
    organisation = Organisation(
        name=name,
        slug=slug or unique_slug(Organisation, name),
        kind=kind,
        description=description,
        website=website,
        contact_email=contact_email,
        is_demo=is_demo,
    )
    organisation.full_clean()
    organisation.save()
    organisation.communes.set(communes)
    for user in admins:
        organisation_member_set(organisation=organisation, user=user, role="admin")
    for user in facilitators:
        organisation_member_set(organisation=organisation, user=user, role="facilitator")
    return organisation


def organisation_member_set(
    *, organisation: Organisation, user: User, role: str
) -> OrganisationMembership:
    if role not in OrganisationMembership.Role.values:
        raise ValueError(f"unknown role {role!r}")
    membership, _created = OrganisationMembership.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    return membership
