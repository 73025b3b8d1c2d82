"""Who may do what with projects: the only place that decides it.

See docs/permissions.md for the role-by-object matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

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


def project_rights(user: AnyUser, project: Project) -> ProjectRights:
    role = project_role(user, project)
    staff = is_organisation_staff(user, project.organisation)
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
