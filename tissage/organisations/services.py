"""Writes about organisations that touch several rows."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from tissage.accounts.models import User
from tissage.core.emails import team_member_welcome
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


class TeamError(Exception):
    """A team change that is refused; the message is shown as it is."""


@transaction.atomic
def organisation_member_add(
    *, organisation: Organisation, email: str, role: str, added_by: User, base_url: str
) -> OrganisationMembership:
    """Add someone to the organisation's team by email, and tell them.

    If the address has no account yet, one is created, unconfirmed: the person
    confirms it by signing in with the code sent to that address.
    """
    user = User.objects.for_email(email, language=added_by.language)
    membership = organisation_member_set(organisation=organisation, user=user, role=role)
    team_member_welcome(
        user=user,
        team=organisation.name,
        team_url=base_url + organisation.get_absolute_url(),
        role=membership.get_role_display(),
        added_by=added_by,
        base_url=base_url,
    )
    return membership


def _check_an_admin_remains(membership: OrganisationMembership) -> None:
    others = OrganisationMembership.objects.filter(
        organisation_id=membership.organisation_id, role=OrganisationMembership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if membership.role == OrganisationMembership.Role.ADMIN and not others.exists():
        raise TeamError(
            _("The organisation needs at least one administrator: name another one first.")
        )


@transaction.atomic
def organisation_member_change_role(*, membership: OrganisationMembership, role: str) -> None:
    if role not in OrganisationMembership.Role.values:
        raise TeamError(_("Unknown role."))
    if role != OrganisationMembership.Role.ADMIN:
        _check_an_admin_remains(membership)
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def organisation_member_remove(*, membership: OrganisationMembership) -> None:
    _check_an_admin_remains(membership)
    membership.delete()
