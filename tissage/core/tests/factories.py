"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tissage.accounts.models import User
from tissage.organisations.models import Organisation, OrganisationMembership
from tissage.projects.models import NewsPost, Project, ProjectMembership
from tissage.territories.models import Commune


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    language = "fr"
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password(None)


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


def _square(lon: float, lat: float, size: float = 0.01) -> dict[str, object]:
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon, lat],
                [lon + size, lat],
                [lon + size, lat + size],
                [lon, lat + size],
                [lon, lat],
            ]
        ],
    }


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    # Codes of no real commune (98xxx: none in the data at hand), so that a test may
    # also import the Gard or name a real code without ever meeting a factory-made twin.
    insee_code = factory.Sequence(lambda n: f"98{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department = "30"
    geometry = factory.Sequence(lambda n: _square(4.0 + (n % 50) * 0.02, 44.0))
    min_lon = factory.LazyAttribute(lambda o: o.geometry["coordinates"][0][0][0])
    min_lat = factory.LazyAttribute(lambda o: o.geometry["coordinates"][0][0][1])
    max_lon = factory.LazyAttribute(lambda o: o.geometry["coordinates"][0][2][0])
    max_lat = factory.LazyAttribute(lambda o: o.geometry["coordinates"][0][2][1])


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.ASSOCIATION
    description = "Une structure du territoire."


class OrganisationMembershipFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationMembership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationMembership.Role.FACILITATOR


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")
    summary = "Un projet pour le territoire."
    description = "Une **description**."
    status = Project.Status.PUBLISHED


class ProjectMembershipFactory(DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectMembership.Role.MEMBER


class NewsPostFactory(DjangoModelFactory):
    class Meta:
        model = NewsPost

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Nouvelle {n}")
    body = "Du *texte*."


# The roles of the permission matrix (docs/permissions.md), from the least to the most trusted.
ROLES = [
    "anonymous",
    "participant",
    "project_member",
    "project_facilitator",
    "organisation_facilitator",
    "organisation_admin",
    "superuser",
]


def user_with_role(role: str, project: Project) -> User | None:
    """A person holding `role` towards `project` (and its organisation); None if anonymous."""
    match role:
        case "anonymous":
            return None
        case "participant":
            return UserFactory()
        case "project_member":
            return ProjectMembershipFactory(project=project).user
        case "project_facilitator":
            return ProjectMembershipFactory(
                project=project, role=ProjectMembership.Role.FACILITATOR
            ).user
        case "organisation_facilitator":
            return OrganisationMembershipFactory(organisation=project.organisation).user
        case "organisation_admin":
            return OrganisationMembershipFactory(
                organisation=project.organisation, role=OrganisationMembership.Role.ADMIN
            ).user
        case "superuser":
            return SuperuserFactory()
    raise ValueError(f"unknown role {role!r}")
