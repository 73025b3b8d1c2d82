"""Who may do what with projects: the only place that decides it.

See docs/permissions.md for the role-by-object matrix.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from tissage.accounts.models import User
from tissage.organisations.access import is_organisation_staff

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
    """Published and archived projects for everyone; drafts for their team only."""
    public = Q(status__in=[Project.Status.PUBLISHED, Project.Status.ARCHIVED])
    if not user.is_authenticated:
        return Project.objects.filter(public)
    if user.is_superuser:
        return Project.objects.all()
    return Project.objects.filter(
        public | Q(memberships__user=user) | Q(organisation__memberships__user=user)
    ).distinct()


def can_view_project(user: AnyUser, project: Project) -> bool:
    if project.status != Project.Status.DRAFT:
        return True
    return project_role(user, project) is not None or is_organisation_staff(
        user, project.organisation
    )


def can_edit_project(user: AnyUser, project: Project) -> bool:
    """Edit the project, publish news, manage its team."""
    if not user.is_authenticated:
        return False
    if is_organisation_staff(user, project.organisation):
        return True
    return project_role(user, project) == ProjectMembership.Role.FACILITATOR


def can_join_project(user: AnyUser, project: Project) -> bool:
    return (
        user.is_authenticated
        and project.status == Project.Status.PUBLISHED
        and project_role(user, project) is None
    )


def can_leave_project(user: AnyUser, project: Project) -> bool:
    return project_role(user, project) == ProjectMembership.Role.MEMBER
