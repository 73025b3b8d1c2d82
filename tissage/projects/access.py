"""Who may do what with projects: the only place that decides it.

See docs/permissions.md for the role-by-object matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, Subquery

from tissage.accounts.models import User
from tissage.organisations.access import is_organisation_staff
from tissage.organisations.models import OrganisationMembership

from .models import Project, ProjectMembership, ProjectQuerySet

AnyUser = User | AnonymousUser


def project_role(user: AnyUser, project: Project) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        ProjectMembership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )


def projects_visible_to(user: AnyUser) -> ProjectQuerySet:
    """Published and archived projects for everyone; drafts for their team only
    (`ProjectQuerySet.visible_to`, which other apps reach through their relations)."""
    return Project.objects.visible_to(user)


def on_visible_project(user: AnyUser, project: str) -> Exists:
    """The rule of `projects_visible_to` as a condition on rows that lead to their project
    by the path `project` ("project", "campaign__project"). A correlated EXISTS: SQLite
    then looks up each row's project, where `project__in=projects_visible_to(user)` had
    it list every visible project first (3.4 ms of site search's items at 8,500
    projects, for eleven rows shown)."""
    return Exists(projects_visible_to(user).filter(pk=OuterRef(project)))


@dataclass(frozen=True)
class ProjectRights:
    """What one person may do with one project, worked out in at most two queries."""

    role: str | None
    can_view: bool
    can_edit: bool
    can_join: bool
    can_leave: bool


def projects_run_by(user: AnyUser) -> ProjectQuerySet:
    """Projects this person runs: the rule of `project_rights(...).can_edit` over many
    projects (their facilitators, the staff of their organisation, superusers). Written
    with subqueries, not joins, so that it never repeats a project: counts grouped over
    it stay right (the staff workspace)."""
    if not user.is_authenticated:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    facilitated = ProjectMembership.objects.filter(
        user=user, role=ProjectMembership.Role.FACILITATOR
    ).values("project")
    staffed = OrganisationMembership.objects.filter(user=user).values("organisation")
    return Project.objects.filter(Q(pk__in=facilitated) | Q(organisation__in=staffed))


@dataclass(frozen=True)
class Standing:
    """What `project_rights` reads about a person and a project: their role in its team,
    and whether they are staff of its organisation."""

    role: str | None
    staff: bool


def standing_annotations(user: AnyUser, to_project: str) -> dict[str, Any]:
    """The person's `Standing` as annotations of a query whose rows lead to the project
    by `to_project` ("project" for actions), so that the page that fetches the row
    learns the person's rights in the same query (`standing_read`). None for anonymous
    visitors: their rights need no query."""
    if not user.is_authenticated:
        return {}
    return {
        "viewer_project_role": Subquery(
            ProjectMembership.objects.filter(project=OuterRef(to_project), user=user)
            .order_by("pk")
            .values("role")[:1]
        ),
        "viewer_organisation_staff": Exists(
            OrganisationMembership.objects.filter(
                organisation=OuterRef(f"{to_project}__organisation"), user=user
            )
        ),
    }


def standing_read(row: Any) -> Standing | None:
    """The `Standing` a row fetched with `standing_annotations` carries, if it does."""
    if not hasattr(row, "viewer_organisation_staff"):
        return None
    return Standing(role=row.viewer_project_role, staff=bool(row.viewer_organisation_staff))


def project_rights(
    user: AnyUser, project: Project, *, standing: Standing | None = None
) -> ProjectRights:
    """Two queries for a signed-in person, none when their `standing` was read with the
    row (`standing_annotations`), none for an anonymous visitor."""
    if standing is None or not user.is_authenticated:
        role = project_role(user, project)
        staff = is_organisation_staff(user, project.organisation)
    else:
        role, staff = standing.role, user.is_superuser or standing.staff
    published = project.status == Project.Status.PUBLISHED
    return ProjectRights(
        role=role,
        can_view=project.status != Project.Status.DRAFT or role is not None or staff,
        can_edit=user.is_authenticated and (staff or role == ProjectMembership.Role.FACILITATOR),
        can_join=user.is_authenticated and published and role is None,
        can_leave=role == ProjectMembership.Role.MEMBER,
    )


def can_view_project(user: AnyUser, project: Project) -> bool:
    if project.status != Project.Status.DRAFT:
        return True
    return project_rights(user, project).can_view


def can_edit_project(user: AnyUser, project: Project) -> bool:
    """Edit the project, publish news, manage its team."""
    return project_rights(user, project).can_edit


def can_join_project(user: AnyUser, project: Project) -> bool:
    return project_rights(user, project).can_join


def can_leave_project(user: AnyUser, project: Project) -> bool:
    return project_rights(user, project).can_leave
