"""Factories and roles shared by the collectives' tests."""

from __future__ import annotations

import factory
from django.test import Client
from factory.django import DjangoModelFactory

from tissage.accounts.models import User
from tissage.collectives.models import Collective, CollectiveMembership
from tissage.core.tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    SuperuserFactory,
    UserFactory,
)


class CollectiveFactory(DjangoModelFactory):
    class Meta:
        model = Collective
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Collectif {n}")
    slug = factory.Sequence(lambda n: f"collectif-{n}")
    description = "Un collectif d’habitants."


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = CollectiveMembership

    collective = factory.SubFactory(CollectiveFactory)
    user = factory.SubFactory(UserFactory)
    role = CollectiveMembership.Role.MEMBER
    status = CollectiveMembership.Status.ACTIVE
    delivery = CollectiveMembership.Delivery.EACH
    trusted = True


# The roles of the collectives' permission matrix (docs/permissions.md, Collectives).
COLLECTIVE_ROLES = [
    "anonymous",
    "outsider",  # signed in, not a member
    "pending",  # asked to join a moderated collective, not approved yet
    "member",
    "coordinator",
    "organisation_staff",  # facilitator of the collective's organisation
    "superuser",
]


def user_for_role(role: str, collective: Collective) -> User | None:
    """A new person holding `role` in `collective` (None for anonymous)."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return SuperuserFactory()
    if role == "organisation_staff":
        return OrganisationMembershipFactory(organisation=collective.organisation).user
    user = UserFactory()
    if role == "pending":
        MembershipFactory(
            collective=collective, user=user, status=CollectiveMembership.Status.PENDING
        )
    elif role == "member":
        MembershipFactory(collective=collective, user=user)
    elif role == "coordinator":
        MembershipFactory(
            collective=collective, user=user, role=CollectiveMembership.Role.COORDINATOR
        )
    return user


def client_for_role(role: str, collective: Collective) -> tuple[Client, User | None]:
    client = Client()
    user = user_for_role(role, collective)
    if user is not None:
        client.force_login(user)
    return client, user
