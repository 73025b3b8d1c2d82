"""Who may read which mobilisation dashboard: the only place that decides it
(docs/permissions.md, "Dashboard"). Each rule is another app's, reused as it stands:

- the platform's: superusers (platform administrators);
- an organisation's: its staff, administrators and facilitators
  (`organisations.access.is_organisation_staff`);
- a project's: whoever may edit it, its facilitators and its organisation's staff
  (`projects.access.can_edit_project`)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from tissage.accounts.models import User
from tissage.organisations.access import is_organisation_staff
from tissage.organisations.models import Organisation
from tissage.projects.access import can_edit_project
from tissage.projects.models import Project

AnyUser = User | AnonymousUser


def can_see_platform_dashboard(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_superuser


def can_see_organisation_dashboard(user: AnyUser, organisation: Organisation) -> bool:
    return is_organisation_staff(user, organisation)


def can_see_project_dashboard(user: AnyUser, project: Project) -> bool:
    return can_edit_project(user, project)
